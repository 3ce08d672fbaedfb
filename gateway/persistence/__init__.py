"""Storage: every model module is imported here so that Base.metadata knows all tables."""

from gateway.persistence import catalog_models, models

__all__ = ["catalog_models", "models"]
