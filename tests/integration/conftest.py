"""What the integration tests share: the catalog tests' gateway, synced from each module's own `source`."""

from tests.integration.catalog_support import gw  # noqa: F401 - a fixture
