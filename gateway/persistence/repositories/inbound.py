"""The repository of receipts of inbound messages (each delivery applied once)."""

from __future__ import annotations

from gateway.persistence.repositories.base import Repository


class InboundRepository(Repository):
    """Receipts of inbound messages (each delivery applied once)."""
