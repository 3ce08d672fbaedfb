"""What an external system tells the gateway, already in the gateway's own terms (adapters build it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from gateway.domain.attachments import NewFile


class InboundKind(StrEnum):
    """What an inbound event is about."""

    INQUIRY = "inquiry"  # a new inquiry (诉求), from any channel
    CALLBACK = "callback"  # a 回访 result of an inquiry
    TASK_STATUS = "task_status"  # a department's decision on its task of an application (后台分类审批)


@dataclass(frozen=True)
class InboundEvent:
    """Something an external system told us, already in the gateway's own terms.

    INQUIRY: data is shaped like schemas.inquiry.InquiryIn (channel, external_id, kind, title, content,
        category, address, district, citizen{name, phone, id_number}, public_consent), optionally with
        "transfer": {line, call_id, agent, reason, transferred_at (aware datetime)} for 双向转接.
    CALLBACK: data is {"external_id", "number" (optional: our 诉求编号 when the system has it),
        "satisfaction" (gateway level), "solved", "note"} for 回访 results.
    TASK_STATUS: data is a department's task status report (adapters.department.wire.task_status).
    key: the system's own identity of what it told, the same whether pushed or listed (12345:
        "HFJG:<gdbh>:<hfsj>"), so the gateway takes it in once; None when only the push has an id.
    """

    kind: InboundKind
    data: dict[str, Any]
    key: str | None = None
    files: tuple[NewFile, ...] = ()  # INQUIRY: 附件 sent with it (bytes, or a link the gateway fetches)
