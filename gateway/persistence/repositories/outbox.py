"""The repository of the outbox: messages to external systems, claimed and settled by the worker."""

from __future__ import annotations

from gateway.persistence.repositories.base import Repository


class OutboxRepository(Repository):
    """The outbox: messages to external systems, claimed and settled by the worker."""
