"""The repository of the outbox: messages to external systems, claimed and settled by the worker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert

from gateway.persistence.models import OutboxMessage
from gateway.persistence.repositories.base import Repository


class OutboxRepository(Repository):
    """Outbox messages; a message is added in the transaction of the change it announces."""

    def add(self, values: dict[str, Any]) -> OutboxMessage:
        """One message (values as ``services.outbox.message`` builds them), returned as its row."""
        row = OutboxMessage(**values)
        self.session.add(row)
        return row

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Several messages in one statement (all carry the same keys)."""
        if rows:
            self.session.execute(insert(OutboxMessage), list(rows))
