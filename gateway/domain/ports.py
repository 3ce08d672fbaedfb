"""The ports every adapter implements, and the shapes that cross them (in the gateway's own terms).

They live in the domain so that the services use them without importing any adapter; each
adapters/<system> package implements them (adapters.base.port names them for the adapters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from gateway.domain.errors import WireError
from gateway.domain.inbound import InboundEvent

# Checks a signed push against the system's secrets at a time; its webhook-id, or SignatureError.
Verify = Callable[[Iterable[str], Mapping[str, str], bytes, float], str]


@dataclass(frozen=True)
class OutboundMessage:
    """One outbox message as the delivery worker hands it to an adapter (the gateway's own fields)."""

    id: int
    target: str
    event_type: str
    payload: dict[str, Any]
    idempotency_key: str
    attempt: int


class Outbound(Protocol):
    """Sends the gateway's messages to one external system, in that system's protocol."""

    system: str

    def send(self, message: OutboundMessage) -> None:
        """Deliver or raise gateway.domain.errors.UpstreamError (retryable or not)."""
        ...


@dataclass(frozen=True)
class Listed:
    """One record of a system's list of changes (the polling fallback), and what it tells the gateway.

    position: a cursor from which a new listing includes this record again and everything after it;
        positions never decrease along a listing, so a job may resume from the last one it took in.
    reference: the system's id of the record, for logs and receipts (never personal data).
    events: what the record tells, keyed as when pushed; problem: why it could not be read instead.
    """

    position: str
    reference: str
    events: list[InboundEvent] = field(default_factory=list)
    problem: WireError | None = None


class Poller(Protocol):
    """A system that can be polled: its list of changed records, page by page from a cursor (None: the start).

    For systems whose pushes may be missed (12345); what a poll brings goes through the same inbound path
    as a push (InboundService.poll -> handle).
    """

    system: str

    def changes(self, cursor: str | None, page_size: int) -> Iterator[list[Listed]]:
        """Pages of records changed at or after the cursor, oldest first; raises UpstreamError."""
        ...


@dataclass(frozen=True)
class Ack:
    """An answer to an external system's webhook, in that system's own body format."""

    status: int
    body: dict[str, Any]


class Inbound(Protocol):
    """Turns one external system's webhook bodies into InboundEvents and answers in its style."""

    system: str

    def parse(self, body: bytes) -> list[InboundEvent]:
        """Map a webhook body; raise WireError naming the system's field when it cannot."""
        ...

    def accepted(self, references: list[str], duplicate: bool) -> Ack:
        """The system's own success answer; references are the gateway numbers (诉求编号) created or found."""
        ...

    def rejected(self, status: int, reason: str) -> Ack:
        """The system's own error answer."""
        ...
