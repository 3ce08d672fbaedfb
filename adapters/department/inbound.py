"""办理状态推送 from the departments' back offices -> InboundEvents; answers in the system's style."""

from __future__ import annotations

from adapters.base.port import Ack
from adapters.department import wire
from adapters.department.codes import STATUS_REPORT
from gateway.domain.errors import WireError
from gateway.domain.inbound import InboundEvent, InboundKind


class DepartmentInbound:
    """Reads the unified approval system's webhook bodies (POST /webhooks/department)."""

    system = "department"

    def parse(self, body: bytes) -> list[InboundEvent]:
        """One push is one task's status; only 任务状态 (`XXLX` RWZT) exists so far."""
        data = wire.load_body(body)
        kind = wire.report_type(data)
        if kind == STATUS_REPORT:
            return [InboundEvent(kind=InboundKind.TASK_STATUS, data=wire.task_status(data))]
        raise WireError("XXLX", f"不支持的消息类型: {kind}")

    def accepted(self, references: list[str], duplicate: bool) -> Ack:
        """`flag` S with the gateway's reference as 接收编号; `CF` "1" when pushed before."""
        return Ack(200, wire.answer_ok(references, duplicate))

    def rejected(self, status: int, reason: str) -> Ack:
        """`flag` E with the errcode of the HTTP status."""
        return Ack(status, wire.answer_error(status, reason))
