"""Storage: every model module is imported here so that Base.metadata knows all tables."""

from gateway.persistence import application_models, attachment_models, catalog_models, models, user_models

__all__ = ["attachment_models", "application_models", "catalog_models", "models", "user_models"]
