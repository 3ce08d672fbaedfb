"""Storage: every model module is imported here so that Base.metadata knows all tables."""

from gateway.persistence import (
    application_models,
    attachment_models,
    catalog_models,
    models,
    opinion_models,
    supervision_models,
    user_models,
)

__all__ = [
    "application_models",
    "attachment_models",
    "catalog_models",
    "models",
    "opinion_models",
    "supervision_models",
    "user_models",
]
