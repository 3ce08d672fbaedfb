"""Schemas of the inquiry API: what callers send and what they get back."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.domain.inquiry import Channel, Kind
from gateway.domain.lifecycle import Action, Status
from gateway.domain.routing import DispatchMode
from gateway.domain.satisfaction import Satisfaction
from schemas.fields import (
    DepartmentCode,
    LocalDateTime,
    LocalDateTimeIn,
    Pattern,
    SettingCapped,
    StrictBoolean,
    Text,
    at_least,
    not_blank,
)

CHANNELS = [c.value for c in Channel]
KINDS = [k.value for k in Kind]
STATUSES = [s.value for s in Status]
LEVELS = [s.value for s in Satisfaction]
ACTIONS = [a.value for a in Action]
DISPATCH_MODES = [m.value for m in DispatchMode]
_AUTO, _NONE, _MANUAL = DispatchMode.AUTO.value, DispatchMode.NONE.value, DispatchMode.MANUAL.value

_PHONE = Pattern(r"^[0-9+\-() ]{3,20}$", error="must be a phone number: 3-20 digits, '+', '-', ' ', '()'")
_ID_NUMBER = Pattern(r"^[0-9]{17}[0-9Xx]$|^[A-Za-z0-9]{6,20}$", error="must be an ID number")
_CODE = Pattern(r"^[A-Za-z0-9_-]{1,32}$", error="must be a department code")


class CitizenIn(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "姓名"})
    phone = Text(required=True, validate=_PHONE, metadata={"description": "联系电话"})
    id_number = Text(validate=_ID_NUMBER, allow_none=True, metadata={"description": "身份证号"})


class CitizenOut(Schema):
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True)
    masked = fields.Boolean(metadata={"description": "true unless revealed through /reveal (audited)"})


class InstantReplyIn(Schema):
    note = Text(
        required=True,
        validate=validate.Length(min=1, max=20000),
        metadata={"description": "what the operator told the caller (办理情况)"},
    )
    public_reply = Text(validate=validate.Length(min=1, max=20000), allow_none=True)


class IntakeDispatchIn(Schema):
    mode = fields.String(
        required=True,
        validate=validate.OneOf(DISPATCH_MODES),
        metadata={
            "description": "auto: the routing rules (派单目录) decide, the default; none: register only "
            "(仅登记), the inquiry stays received; manual: dispatch to `department` (and "
            "`co_departments`), credited to the caller, who needs inquiry:dispatch"
        },
    )
    department = DepartmentCode(validate=_CODE, metadata={"description": "主办单位; manual only, required"})
    co_departments = fields.List(
        DepartmentCode(validate=_CODE),
        validate=validate.Length(max=10),
        metadata={"description": "协办单位; manual only"},
    )
    note = Text(
        validate=validate.Length(max=4000),
        allow_none=True,
        metadata={"description": "manual only: why, kept in the history"},
    )

    @validates_schema
    def _department_with_manual(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("mode") == _MANUAL:
            if "department" not in data:
                raise ValidationError("required when mode is manual", field_name="department")
            return
        for name in ("department", "co_departments", "note"):
            if name in data:
                raise ValidationError("only with mode manual", field_name=name)


class InquiryIn(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    external_id = Text(
        validate=validate.Length(min=1, max=64),
        allow_none=True,
        metadata={"description": "the source system's id; intake is idempotent on (channel, external_id)"},
    )
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = Text(validate=validate.Length(max=200), allow_none=True)
    content = Text(required=True, validate=validate.Length(min=1, max=20000))
    category = Text(validate=validate.Length(max=64), allow_none=True)
    address = Text(validate=validate.Length(max=200), allow_none=True)
    district = Text(validate=validate.Length(max=64), allow_none=True)
    citizen = fields.Nested(CitizenIn, required=True)
    public_consent = StrictBoolean(
        load_default=False, metadata={"description": "the citizen allows the reply to be published"}
    )
    instant_reply = fields.Nested(
        InstantReplyIn,
        metadata={
            "description": "即时答复: answered on the call; the inquiry is not routed and is replied at once"
        },
    )
    dispatch = fields.Nested(
        IntakeDispatchIn,
        metadata={
            "description": "派单 at intake, in the same transaction; without it the routing rules decide. "
            "With instant_reply, mode manual is a conflict (409): an answered inquiry is not dispatched",
            # What IntakeDispatchIn checks across its fields, stated for clients and the fuzzer.
            "oneOf": [
                {"properties": {"mode": {"enum": [_AUTO, _NONE]}}, "maxProperties": 1},
                {"properties": {"mode": {"enum": [_MANUAL]}}, "required": ["department"]},
            ],
        },
    )


class InquiryOut(Schema):
    id = fields.Integer()
    number = fields.String(metadata={"description": "诉求编号"})
    channel = fields.String()
    external_id = fields.String(allow_none=True)
    kind = fields.String()
    title = fields.String(allow_none=True)
    content = fields.String()
    category = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    citizen = fields.Nested(CitizenOut)
    public_consent = fields.Boolean()
    status = fields.String(metadata={"enum": STATUSES})
    department = fields.String(allow_none=True, metadata={"description": "主办单位 code"})
    co_departments = fields.List(fields.String(), metadata={"description": "协办单位 codes"})
    routing_rule = fields.String(allow_none=True)
    dispatched_at = LocalDateTime(allow_none=True)
    due_at = LocalDateTime(allow_none=True, metadata={"description": "办理时限, end of the last working day"})
    calendar_estimated = fields.Boolean()
    deadline_state = fields.String(
        allow_none=True, metadata={"enum": ["normal", "due_soon", "overdue", None]}
    )
    escalation_count = fields.Integer()
    reply_note = fields.String(allow_none=True)
    public_reply = fields.String(allow_none=True)
    replied_at = LocalDateTime(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    solved = fields.Boolean(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    allowed_actions = fields.List(
        fields.String(), metadata={"description": "actions this caller may take now"}
    )
    master_id = fields.Integer(
        allow_none=True, metadata={"description": "并单: the master it is merged into"}
    )


# A caller's number as typed, with the separators people use: as many digits as gateway.domain.caller_keys
# needs to make a key of it (the pattern is in the OpenAPI document too).
SEVEN_DIGITS = at_least(7, r"\d")
EIGHT_LETTERS_OR_DIGITS = at_least(8, "0-9A-Za-z")


class InquiryQuery(Schema):
    status = fields.List(
        fields.String(validate=validate.OneOf(STATUSES)), validate=validate.Length(max=len(STATUSES))
    )
    department = fields.String(validate=_CODE)
    kind = fields.String(validate=validate.OneOf(KINDS))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    overdue = fields.Boolean()
    due_soon = fields.Boolean()
    created_from = LocalDateTimeIn()
    created_to = LocalDateTimeIn()
    q = Text(
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "text in title, content, number; text with 2 digits or more is looked for "
            "only in the numbers (use phone= or id_number= to find a caller)"
        },
    )
    phone = Text(
        validate=[validate.Length(max=40), Pattern(SEVEN_DIGITS, error="needs 7 digits or more")],
        metadata={
            "description": "重复来电: the caller's phone in any spelling (+86, spaces, dashes). A lookup of "
            "personal data: needs pii:read and is written to the audit log"
        },
    )
    id_number = Text(
        validate=[
            validate.Length(max=40),
            Pattern(EIGHT_LETTERS_OR_DIGITS, error="needs 8 letters or digits or more"),
        ],
        metadata={"description": "the caller's ID number; as phone=, needs pii:read and is audited"},
    )


class EventOut(Schema):
    id = fields.Integer()
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor = fields.String()
    actor_role = fields.String()
    note = fields.String(allow_none=True)
    data = fields.Dict()
    created_at = LocalDateTime()


class RevealIn(Schema):
    reason = Text(
        required=True,
        validate=[validate.Length(min=2, max=500), not_blank()],
        metadata={"description": "why (written to the audit log)"},
    )


# ---- action bodies ------------------------------------------------------------------------------

_NOTE = {"validate": validate.Length(max=4000), "allow_none": True}


class NoteIn(Schema):
    note = Text(**_NOTE)


class DispatchIn(Schema):
    department = DepartmentCode(required=True, validate=_CODE, metadata={"description": "主办单位"})
    co_departments = fields.List(
        DepartmentCode(validate=_CODE),
        load_default=list,
        validate=validate.Length(max=10),
        metadata={"description": "协办单位"},
    )
    note = Text(**_NOTE)


class ReasonIn(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=4000))


class EscalateIn(ReasonIn):
    response_workdays = SettingCapped(
        "supervision.max_response_workdays",
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=60),
        metadata={
            "description": "督办单: the department is to respond within this many working days (the notice's "
            "respond_by is the end of the last); by default supervision.response_workdays"
        },
    )


class ExtensionIn(Schema):
    workdays = SettingCapped(
        "deadlines.max_extension_workdays", required=True, strict=True, validate=validate.Range(min=1, max=60)
    )
    reason = Text(required=True, validate=validate.Length(min=1, max=4000))


class ReplyIn(Schema):
    note = Text(
        required=True,
        validate=validate.Length(min=1, max=20000),
        metadata={"description": "internal handling note (办理情况), never published"},
    )
    public_reply = Text(
        validate=validate.Length(min=1, max=20000),
        allow_none=True,
        metadata={
            "description": "the reply to the citizen: published on the website with their consent; "
            "without it, sent to a website message's writer alone"
        },
    )


class CallbackIn(Schema):
    satisfaction = fields.String(
        required=True, validate=validate.OneOf(LEVELS), metadata={"description": "非常满意 … 非常不满意"}
    )
    solved = StrictBoolean(required=True)
    note = Text(**_NOTE)


ACTION_SCHEMAS: dict[str, type[Schema]] = {
    Action.DISPATCH.value: DispatchIn,
    Action.ACKNOWLEDGE.value: NoteIn,
    Action.RETURN.value: ReasonIn,
    Action.REQUEST_EXTENSION.value: ExtensionIn,
    Action.APPROVE_EXTENSION.value: NoteIn,
    Action.REFUSE_EXTENSION.value: ReasonIn,
    Action.REPLY.value: ReplyIn,
    Action.CALLBACK.value: CallbackIn,
    Action.CLOSE.value: NoteIn,
    Action.REOPEN.value: ReasonIn,
    Action.ESCALATE.value: EscalateIn,
}


def load_inbound_inquiry(data: dict[str, Any]) -> dict[str, Any]:
    """Validate an adapter's mapped inquiry like an API intake; the transfer record (双向转接) rides along."""
    data = dict(data)
    transfer = data.pop("transfer", None)
    loaded: dict[str, Any] = InquiryIn().load(data)
    if transfer:
        loaded["transfer"] = transfer
    return loaded
