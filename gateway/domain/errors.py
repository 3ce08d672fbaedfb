"""Errors the domain raises; the API maps each to one HTTP answer."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """Base of every error the rules raise."""


class NotFound(DomainError):
    """The record does not exist (or the caller may not know it does)."""


class InvalidTransition(DomainError):
    """An action that the current state does not allow."""

    def __init__(self, status: str, action: str, allowed: Sequence[str], reason: str | None = None) -> None:
        self.status = status
        self.action = action
        self.allowed = list(allowed)
        self.reason = reason
        text = f"action '{action}' is not allowed in status '{status}'"
        if reason:
            text += f": {reason}"
        text += f"; allowed actions: {', '.join(self.allowed) or 'none'}"
        super().__init__(text)


class InvalidInput(DomainError):
    """Input that is well-formed but breaks a rule; names the field."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class Forbidden(DomainError):
    """The caller's role may not do this."""
