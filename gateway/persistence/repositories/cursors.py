"""The repository of sync cursors: where each polling or sync job resumes."""

from __future__ import annotations

from datetime import datetime

from gateway.persistence.models import SyncCursor
from gateway.persistence.repositories.base import Repository


class CursorRepository(Repository):
    """One stored position per job name."""

    def get(self, name: str) -> str | None:
        """The stored position of a job, if any."""
        row = self.session.get(SyncCursor, name)
        return row.value if row else None

    def save(self, name: str, value: str | None, now: datetime) -> None:
        """Set a job's position (insert or update)."""
        row = self.session.get(SyncCursor, name)
        if row is None:
            self.session.add(SyncCursor(name=name, value=value, updated_at=now))
        else:
            row.value, row.updated_at = value, now
