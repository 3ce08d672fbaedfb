"""Schemas of the window flow: applications (办件), ratings (好差评), rectifications and figures."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.domain.applications import RECTIFICATION_STATUSES, AppStatus
from gateway.domain.satisfaction import Satisfaction
from schemas.fields import LocalDateTime, Text
from schemas.inquiry import CitizenIn

_CODE = validate.Regexp(r"^[0-9A-Za-z._-]{1,64}$", error="not an item code")


def _materials(**kwargs: Any) -> fields.Dict:
    """item code -> names of the materials handed in."""
    return fields.Dict(
        keys=fields.String(validate=_CODE),
        values=fields.List(Text(validate=validate.Length(min=1, max=200)), validate=validate.Length(max=100)),
        **kwargs,
    )


class ApplicationIn(Schema):
    item_codes = fields.List(
        fields.String(validate=_CODE),
        required=True,
        validate=validate.Length(min=1, max=10),
        metadata={"description": "one item, or several for a joint application (一件事, 部门联办)"},
    )
    title = Text(
        validate=validate.Length(min=1, max=200), allow_none=True, metadata={"description": "一件事 name"}
    )
    applicant = fields.Nested(CitizenIn, required=True, metadata={"description": "申请人"})
    materials = _materials(
        load_default=dict,
        metadata={"description": "item code -> names of the materials handed in (the checklist)"},
    )
    window = Text(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "受理窗口"}
    )
    proxy = Text(
        validate=validate.Length(min=1, max=100),
        allow_none=True,
        metadata={"description": "全程代办: the staff member who carries it through"},
    )
    delivery_method = fields.String(load_default="pickup", validate=validate.OneOf(["pickup", "post"]))
    delivery_address = Text(validate=validate.Length(min=1, max=200), allow_none=True)

    @validates_schema
    def _address_for_post(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("delivery_method") == "post" and not data.get("delivery_address"):
            raise ValidationError("needed when the result is sent by post", "delivery_address")


class SupplementIn(Schema):
    materials = _materials(required=True, validate=validate.Length(min=1))
    note = Text(validate=validate.Length(max=2000), allow_none=True)


class AppNoteIn(Schema):
    note = Text(validate=validate.Length(max=2000), allow_none=True)


class PickupIn(Schema):
    collected_by = Text(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "领取人"}
    )
    note = Text(validate=validate.Length(max=2000), allow_none=True)


class PostIn(Schema):
    tracking_no = fields.String(
        required=True, validate=validate.Regexp(r"^[A-Za-z0-9-]{6,40}$"), metadata={"description": "邮寄单号"}
    )
    note = Text(validate=validate.Length(max=2000), allow_none=True)


class EvaluationIn(Schema):
    level = fields.String(
        required=True,
        validate=validate.OneOf([s.value for s in Satisfaction]),
        metadata={"description": "非常满意 … 非常不满意"},
    )
    comment = Text(validate=validate.Length(max=2000), allow_none=True)
    department = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$"), allow_none=True)


class RectificationCallbackIn(Schema):
    note = Text(
        required=True, validate=validate.Length(min=1, max=2000), metadata={"description": "回访记录"}
    )
    satisfied = fields.Boolean(required=True)
    measures = Text(validate=validate.Length(max=4000), allow_none=True, metadata={"description": "整改措施"})


class CloseIn(Schema):
    measures = Text(validate=validate.Length(max=4000), allow_none=True)


class ApplicantOut(Schema):
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True)
    masked = fields.Boolean()


class TaskMaterialOut(Schema):
    name = fields.String()
    required = fields.Boolean()
    key = fields.Boolean()
    provided = fields.Boolean()


class TaskOut(Schema):
    id = fields.Integer()
    item_code = fields.String()
    item_name = fields.String()
    department = fields.String()
    department_name = fields.String()
    status = fields.String()
    promised_days = fields.Integer()
    materials = fields.List(fields.Nested(TaskMaterialOut))
    reason = fields.String(allow_none=True)
    result_no = fields.String(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)


class ApplicationOut(Schema):
    id = fields.Integer()
    receipt_no = fields.String(
        metadata={"description": "受理编号: SL + yyyymmdd (Beijing) + 8-digit sequence"}
    )
    title = fields.String()
    joint = fields.Boolean()
    status = fields.String(metadata={"enum": [s.value for s in AppStatus]})
    applicant = fields.Nested(ApplicantOut)
    window = fields.String()
    accepted_by = fields.String()
    proxy = fields.String(allow_none=True)
    incomplete = fields.Boolean(metadata={"description": "容缺: material still owed"})
    supplement_due_at = LocalDateTime(allow_none=True)
    supplement_overdue = fields.Boolean()
    supplemented_at = LocalDateTime(allow_none=True)
    promised_at = LocalDateTime(metadata={"description": "承诺办结, end of the working day"})
    calendar_estimated = fields.Boolean()
    decided_at = LocalDateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    refused_by = fields.String(allow_none=True)
    delivery_method = fields.String()
    ready_at = LocalDateTime(allow_none=True)
    pickup_overdue = fields.Boolean()
    tracking_no = fields.String(allow_none=True)
    collected_by = fields.String(allow_none=True)
    delivered_at = LocalDateTime(allow_none=True)
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    tasks = fields.List(fields.Nested(TaskOut))
    allowed_actions = fields.List(fields.String())


class ApplicationQuery(Schema):
    status = fields.List(
        fields.String(validate=validate.OneOf([s.value for s in AppStatus])),
        validate=validate.Length(max=len(AppStatus)),
    )
    department = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$"))
    item_code = fields.String(validate=_CODE)
    pickup_overdue = fields.Boolean()
    supplement_overdue = fields.Boolean()
    q = Text(validate=validate.Length(min=1, max=64))


class AppEventOut(Schema):
    id = fields.Integer()
    action = fields.String()
    task_id = fields.Integer(allow_none=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor = fields.String()
    actor_role = fields.String()
    proxy = fields.String(allow_none=True, metadata={"description": "全程代办: who acted for the applicant"})
    note = fields.String(allow_none=True)
    data = fields.Dict()
    created_at = LocalDateTime()


class EvaluationOut(Schema):
    id = fields.Integer()
    application_id = fields.Integer()
    level = fields.String()
    score = fields.Integer()
    comment = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    created_at = LocalDateTime()


class RectifiedApplicationOut(Schema):
    id = fields.Integer()
    receipt_no = fields.String(allow_none=True)
    title = fields.String()
    items = fields.List(fields.String(), metadata={"description": "事项名称"})
    applicant = fields.Nested(ApplicantOut, metadata={"description": "masked"})
    window = fields.String()
    delivered_at = LocalDateTime(allow_none=True)


class RectificationOut(Schema):
    id = fields.Integer()
    evaluation_id = fields.Integer()
    application_id = fields.Integer()
    department = fields.String(allow_none=True)
    status = fields.String()
    due_at = LocalDateTime()
    overdue = fields.Boolean()
    measures = fields.String(allow_none=True)
    callback_note = fields.String(allow_none=True)
    callback_satisfied = fields.Boolean(allow_none=True)
    callback_at = LocalDateTime(allow_none=True)
    callback_by = fields.String(allow_none=True, metadata={"description": "who recorded the 回访"})
    closed_at = LocalDateTime(allow_none=True)
    closed_by = fields.String(allow_none=True, metadata={"description": "who closed it"})
    created_at = LocalDateTime()
    allowed_actions = fields.List(fields.String())
    rating = fields.Nested(EvaluationOut, metadata={"description": "the 好差评 that opened it"})
    application = fields.Nested(RectifiedApplicationOut, metadata={"description": "the rated 办件"})


class RectificationQuery(Schema):
    status = fields.String(validate=validate.OneOf(RECTIFICATION_STATUSES))


class StatsQuery(Schema):
    group = fields.String(load_default="department", validate=validate.OneOf(["department", "item"]))
    start = LocalDateTime()
    end = LocalDateTime()


class StatsOut(Schema):
    key = fields.String()
    name = fields.String()
    applications = fields.Integer()
    decided = fields.Integer()
    granted = fields.Integer()
    refused = fields.Integer()
    on_time = fields.Integer()
    on_time_rate = fields.Float(allow_none=True)
    average_workdays = fields.Float(allow_none=True)
    ratings = fields.Integer()
    average_rating = fields.Float(allow_none=True)
    bad_ratings = fields.Integer()
