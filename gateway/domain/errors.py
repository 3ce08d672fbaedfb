"""Errors the domain raises; the API maps each to one HTTP answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


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

    def __init__(self, field: str, reason: str, location: str = "json") -> None:
        self.field = field
        self.reason = reason
        self.location = location  # where the field was sent: the body ("json") or the query string
        super().__init__(f"{field}: {reason}")


class Forbidden(DomainError):
    """The caller's role may not do this."""


class UpstreamError(DomainError):
    """An external system did not take a message; says whether trying again can help."""

    def __init__(
        self,
        system: str,
        reason: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
        body: str | None = None,
    ) -> None:
        self.system = system
        self.reason = reason
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        self.body = body
        super().__init__(f"{system}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable in spite of the keyword-only arguments: it crosses from the process a full catalog
        # sync reads in (adapters/base/apart.py) with its retryable, status and body intact.
        return (_rebuilt, (type(self), self.args, dict(vars(self))))


def _rebuilt(cls: type[UpstreamError], args: tuple[Any, ...], state: dict[str, Any]) -> UpstreamError:
    err = cls.__new__(cls, *args)
    err.args = args
    vars(err).update(state)
    return err


class UpstreamTimeout(UpstreamError):
    """No answer in time; the receiver may or may not have the message (idempotency keys decide)."""

    def __init__(self, system: str, reason: str = "timed out") -> None:
        super().__init__(system, reason, retryable=True)


class WireError(Exception):
    """A payload that cannot be mapped between the gateway's terms and an external system's protocol.

    Inbound (a system's payload the gateway cannot read) it names the system's own field; outbound (a
    gateway message the system's protocol cannot express, which no retry can fix) the gateway's field.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def too_large(limit: int, field: str = "$") -> WireError:
    """The refusal of a body longer than `limit` bytes (also for one the web server did not read)."""
    return WireError(field, f"请求体超过{limit}字节")


class FileRefused(DomainError):
    """A file the limits refuse: too large (413), or of a type not allowed or lying (422); names it."""

    def __init__(self, filename: str, reason: str, *, too_large: bool) -> None:
        self.filename = filename
        self.reason = reason
        self.too_large = too_large
        super().__init__(f"{filename}: {reason}")


class SignatureError(Exception):
    """A webhook that is not from whom it claims (bad, missing or stale signature)."""


class DuplicateRecord(DomainError):
    """A record another transaction wrote first under the same unique key (a race the caller may resolve
    by reading that record)."""

    def __init__(self, record: str, key: str) -> None:
        self.record = record
        self.key = key
        super().__init__(f"{record} with this {key} exists already")
