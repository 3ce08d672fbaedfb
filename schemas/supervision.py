"""Schemas of the 督办单 (supervision notice) API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from gateway.domain.calendar import SHANGHAI
from gateway.domain.supervision import STATES
from schemas.fields import LocalDateTime, Pattern, Text, not_blank
from schemas.inquiry import EscalateIn

_CODE = Pattern(r"^[A-Za-z0-9_-]{1,32}$", error="must be a department code")
_ID = validate.Range(min=1, max=9223372036854775807)


class NoticeIn(EscalateIn):
    inquiry_id = fields.Integer(
        required=True, strict=True, validate=_ID, metadata={"description": "the inquiry to supervise (督办)"}
    )


class NoticeAcknowledgeIn(Schema):
    note = Text(validate=validate.Length(max=4000), allow_none=True, metadata={"description": "签收说明"})


class NoticeRespondIn(Schema):
    response = Text(
        required=True,
        validate=[validate.Length(min=1, max=20000), not_blank()],
        metadata={"description": "督办回复: what the department has done and will do"},
    )


class NoticeQuery(Schema):
    state = fields.String(validate=validate.OneOf(STATES))
    department = fields.String(validate=_CODE, metadata={"description": "承办单位 code"})
    inquiry_id = fields.Integer(validate=_ID)


def _respond_by_day(notice: Any) -> str:
    return str(notice.respond_by.astimezone(SHANGHAI).date().isoformat())


class NoticeOut(Schema):
    id = fields.Integer()
    inquiry_id = fields.Integer()
    inquiry_number = fields.String(allow_none=True, metadata={"description": "诉求编号"})
    inquiry_title = fields.String(allow_none=True)
    department = fields.String(metadata={"description": "the lead department (主办单位) addressed"})
    state = fields.String(
        metadata={
            "enum": list(STATES),
            "description": "issued 待签收, acknowledged 已签收, overdue 逾期未回复 (open past respond_by), "
            "responded 已回复, closed 已关闭 (the inquiry closed or left the department first)",
        }
    )
    reason = fields.String()
    respond_by = fields.Function(
        _respond_by_day,
        metadata={"type": "string", "format": "date", "description": "要求回复日期 (Beijing)"},
    )
    respond_by_at = LocalDateTime(attribute="respond_by", metadata={"description": "the end of that day"})
    automatic = fields.Boolean(metadata={"description": "issued by the deadline sweep (超期自动督办)"})
    issued_by = fields.String()
    issued_at = LocalDateTime()
    acknowledged_by = fields.String(allow_none=True)
    acknowledged_at = LocalDateTime(allow_none=True)
    acknowledge_note = fields.String(allow_none=True)
    responded_by = fields.String(allow_none=True)
    responded_at = LocalDateTime(allow_none=True)
    response = fields.String(allow_none=True, metadata={"description": "督办回复"})
    closed_at = LocalDateTime(allow_none=True)
    allowed_actions = fields.List(
        fields.String(), metadata={"description": "actions this caller may take now"}
    )
