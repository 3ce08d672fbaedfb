"""The repository of window applications (办件), their events, evaluations and rectifications."""

from __future__ import annotations

from gateway.persistence.repositories.base import Repository


class ApplicationRepository(Repository):
    """Window applications (办件), their events, evaluations and rectifications."""
