"""What one delivery pass holds and reports: the claimed messages, each one's outcome, and the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.domain.errors import UpstreamError
from gateway.domain.ports import OutboundMessage


@dataclass(frozen=True)
class Claimed:
    """A message this worker holds the lease on."""

    message: OutboundMessage
    attempts: int


@dataclass
class Outcome:
    """What happened to one message."""

    id: int
    attempts: int
    target: str
    sent: bool = False
    error: UpstreamError | None = None
    released: bool = False  # not tried: its system's circuit opened meanwhile


@dataclass
class BatchReport:
    """Counts for one pass."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    released: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: BatchReport) -> None:
        """Count another pass's messages in (not its errors)."""
        self.claimed += other.claimed
        self.sent += other.sent
        self.retried += other.retried
        self.dead += other.dead
        self.released += other.released
