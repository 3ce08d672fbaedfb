"""Schemas shared across resources."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.domain.outbox import OutboxStatus
from schemas.fields import LocalDateTime, LocalDateTimeIn, Text


class ErrorOut(Schema):
    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String()
    errors = fields.Dict()


class DeadlineQuery(Schema):
    start = LocalDateTimeIn(
        required=True, metadata={"description": "ISO 8601; without offset it is Beijing time"}
    )
    workdays = fields.Integer(required=True, validate=validate.Range(min=0, max=1000))


class DeadlineOut(Schema):
    start = LocalDateTime()
    workdays = fields.Integer()
    deadline = LocalDateTime(metadata={"description": "end of the Nth working day, Beijing time"})
    calendar_estimated = fields.Boolean(
        metadata={"description": "a year outside the official calendar was counted"}
    )


class OutboxQuery(Schema):
    status = fields.String(validate=validate.OneOf([status.value for status in OutboxStatus]))
    target = Text(validate=validate.Length(min=1, max=32))


class OutboxOut(Schema):
    id = fields.Integer()
    target = fields.String()
    event_type = fields.String()
    ordering_key = fields.String()
    payload = fields.Dict(
        metadata={
            "description": "the message as sent; citizens' names, phones and ID numbers masked and free text "
            "redacted unless revealed through POST /api/v1/outbox/{id}/reveal (audited)"
        }
    )
    idempotency_key = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = LocalDateTime()
    last_error = fields.String(allow_none=True, metadata={"description": "redacted like the payload"})
    created_at = LocalDateTime()
    sent_at = LocalDateTime(allow_none=True)
    masked = fields.Boolean(metadata={"description": "true unless revealed (audited)"})
