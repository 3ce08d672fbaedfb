"""Calls transferred from a specialist line to 12345 -> InboundEvents; answers in the lines' style."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.base.port import Ack
from adapters.dept_hotline import wire
from gateway.domain.errors import WireError
from gateway.domain.inbound import InboundEvent, InboundKind


class DeptHotlineInbound:
    """Reads the lines' webhook bodies (POST /webhooks/dept_hotline); one body is one transferred call."""

    system = "dept_hotline"

    def __init__(self, lines: Iterable[str] | None = None) -> None:
        # None accepts any well-formed line code; wiring passes the configured lines.
        self.lines = frozenset(lines) if lines is not None else None

    def parse(self, body: bytes) -> list[InboundEvent]:
        """Map one transferred call; a line that is not configured is refused (naming `rxhm`)."""
        data = wire.load_body(body)
        line = wire.line_of(data)
        if self.lines is not None and line not in self.lines:
            raise WireError("rxhm", f"未接入的热线: {line}")
        return [InboundEvent(kind=InboundKind.INQUIRY, data=wire.inquiry_from_call(data))]

    def accepted(self, references: list[str], duplicate: bool) -> Ack:
        """`OK` with the 诉求编号 as 接收编号; `cf` true when the call had been transferred before."""
        return Ack(200, wire.answer_ok(references, duplicate))

    def rejected(self, status: int, reason: str) -> Ack:
        """`ERROR` with the reason, under the given HTTP status."""
        return Ack(status, wire.answer_error(reason))
