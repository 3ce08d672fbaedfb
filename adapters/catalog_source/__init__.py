"""省政务服务平台事项库: the catalog of service items, read in full and incrementally (see PROTOCOL.md)."""

from adapters.catalog_source.client import CatalogPage, CatalogSourceClient
from adapters.catalog_source.sim_state import CatalogSourceState
from adapters.catalog_source.simulator import create_simulator

__all__ = ["CatalogPage", "CatalogSourceClient", "CatalogSourceState", "create_simulator"]
