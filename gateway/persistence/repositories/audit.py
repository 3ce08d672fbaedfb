"""The repository of the audit log of personal-data views and exports."""

from __future__ import annotations

from gateway.persistence.repositories.base import Repository


class AuditRepository(Repository):
    """The audit log of personal-data views and exports."""
