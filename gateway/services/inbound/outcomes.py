"""What taking in a push or a polling run answers, and how a refusal is told."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.domain.access import Actor

EVENT = "event:"
REJECTED = "rejected:"


@dataclass(frozen=True)
class Receipt:
    """The answer to a push: the inquiry numbers it concerned, and whether all of it was known already."""

    references: list[str]
    duplicate: bool
    applied: int = 0  # events that changed something (the others were known already)


@dataclass(frozen=True)
class PollResult:
    """One polling run: events taken in anew, events known already, records refused, the cursor saved."""

    received: int
    repeated: int
    rejected: int
    cursor: str | None
    rejections: str = ""  # "<reference>: <reason>; ..." for the run's record, never personal data


class Refused(Exception):
    """What a system told us that the gateway will not take as it is, whenever asked: status and reason."""

    def __init__(self, status: int, reason: str, cause: str) -> None:
        self.status = status
        self.reason = reason
        self.cause = cause  # the kind of refusal, for logs
        super().__init__(reason)


def system_actor(system: str) -> Actor:
    """The actor that inbound traffic from a system acts as."""
    return Actor(name=f"{system}接口", role=f"system:{system}")
