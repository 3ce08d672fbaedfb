"""The repository of staff accounts, their sessions, and API keys."""

from __future__ import annotations

from gateway.persistence.repositories.base import Repository


class AccountRepository(Repository):
    """Staff accounts, their sessions, and API keys."""
