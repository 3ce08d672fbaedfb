"""The repository of the audit log (审计日志) of personal-data views, decisions and exports."""

from __future__ import annotations

from datetime import datetime

from gateway.persistence.models import AuditEntry
from gateway.persistence.repositories.base import Repository


class AuditRepository(Repository):
    """The audit log: entries are added in the caller's transaction and never changed."""

    def add(
        self,
        *,
        actor: str,
        actor_role: str,
        action: str,
        subject_type: str,
        subject_id: str,
        reason: str,
        created_at: datetime,
    ) -> None:
        """One entry, written with what it records (the same transaction), or not at all."""
        self.session.add(
            AuditEntry(
                actor=actor,
                actor_role=actor_role,
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                reason=reason,
                created_at=created_at,
            )
        )
