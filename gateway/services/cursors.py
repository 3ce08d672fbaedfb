"""Where polling and sync jobs resume."""

from __future__ import annotations

from datetime import datetime

from gateway.services.ports import Transactions


def get_cursor(db: Transactions, name: str) -> str | None:
    """The stored position of a job, if any."""
    with db.reading() as uow:
        return uow.cursors.get(name)


def save_cursor(db: Transactions, name: str, value: str | None, now: datetime) -> None:
    """Remember a job's position (only after the work before it is committed)."""
    with db.writing() as uow:
        uow.cursors.save(name, value, now)
