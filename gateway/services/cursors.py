"""Where polling and sync jobs resume."""

from __future__ import annotations

from datetime import datetime

from gateway.persistence.db import Database
from gateway.persistence.models import SyncCursor


def get_cursor(db: Database, name: str) -> str | None:
    """The stored position of a job, if any."""
    with db.read() as session:
        row = session.get(SyncCursor, name)
        return row.value if row else None


def save_cursor(db: Database, name: str, value: str | None, now: datetime) -> None:
    """Remember a job's position (only after the work before it is committed)."""
    with db.unit_of_work() as session:
        row = session.get(SyncCursor, name)
        if row is None:
            session.add(SyncCursor(name=name, value=value, updated_at=now))
        else:
            row.value, row.updated_at = value, now
