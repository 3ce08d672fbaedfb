"""Pushes from the window system (诉求登记) -> InboundEvents; answers in the window's style."""

from __future__ import annotations

from adapters.base.attachments import MAX_PUSH_BYTES, base64_files
from adapters.base.port import Ack
from adapters.window import wire
from gateway.domain.errors import WireError
from gateway.domain.inbound import InboundEvent, InboundKind


class WindowInbound:
    """Reads the window system's webhook bodies (POST /webhooks/window)."""

    system = "window"

    def parse(self, body: bytes) -> list[InboundEvent]:
        """One push is one record; only 诉求登记 (`ywlx` SQDJ) exists so far."""
        data = wire.load_body(body, max_bytes=MAX_PUSH_BYTES)  # it may carry 附件 (scans) in base64
        kind = wire.record_type(data)
        if kind == wire.INQUIRY_RECORD:
            files = base64_files(data.get("fj"), "fj", ("fjbh", "fjmc", "nr"), kind="scan")
            return [InboundEvent(kind=InboundKind.INQUIRY, data=wire.inquiry_from_record(data), files=files)]
        raise WireError("ywlx", f"不支持的业务类型: {kind}")

    def accepted(self, references: list[str], duplicate: bool) -> Ack:
        """`ret` 0 with the 诉求编号; `cf` 1 when the record had been received before."""
        return Ack(200, wire.answer_ok(references, duplicate))

    def rejected(self, status: int, reason: str) -> Ack:
        """A nonzero `ret` matching the HTTP status."""
        return Ack(status, wire.answer_error(status, reason))
