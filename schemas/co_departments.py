"""Schemas of 协办: a co-department's opinion (协办意见) and the co-departments' tasks."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.domain.co_departments import OPINION_MAX_CHARS, TaskState
from schemas.fields import LocalDateTime, Pattern, Text, not_blank

TASK_STATES = [s.value for s in TaskState]


class OpinionIn(Schema):
    text = Text(
        required=True,
        validate=[validate.Length(min=1, max=OPINION_MAX_CHARS), not_blank()],
        metadata={"description": "协办意见: the co-department's contribution to the lead's answer"},
    )


class OpinionOut(Schema):
    id = fields.Integer()
    inquiry_id = fields.Integer()
    department = fields.String(metadata={"description": "the co-department (协办单位) that gave it"})
    text = fields.String(metadata={"description": "personal data redacted"})
    author = fields.String()
    created_at = LocalDateTime()


class CoTaskQuery(Schema):
    state = fields.String(validate=validate.OneOf(TASK_STATES))
    department = fields.String(
        validate=Pattern(r"^[A-Za-z0-9_-]{1,32}$", error="must be a department code"),
        metadata={"description": "the co-department (协办单位) code"},
    )


class CoTaskOut(Schema):
    inquiry_id = fields.Integer()
    number = fields.String()
    title = fields.String(allow_none=True, metadata={"description": "personal data redacted"})
    inquiry_status = fields.String()
    lead_department = fields.String(allow_none=True)
    department = fields.String(metadata={"description": "the co-department (协办单位)"})
    due_at = LocalDateTime(
        allow_none=True,
        metadata={"description": "deadlines.co_department_workdays_before working days before the lead's"},
    )
    state = fields.String(validate=validate.OneOf(TASK_STATES))
    answered_at = LocalDateTime(allow_none=True)
