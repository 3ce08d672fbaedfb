"""The repository of the service-item catalogue (事项库) and its sync."""

from __future__ import annotations

from gateway.persistence.repositories.base import Repository


class CatalogRepository(Repository):
    """The service-item catalogue (事项库) and its sync."""
