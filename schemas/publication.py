"""Publications held for review (待审核): the website's replies a supervisor approves or rejects."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.domain.outbox import OutboxStatus
from gateway.services.publications import STATUSES
from schemas.fields import LocalDateTime, Text, not_blank


class PublicationQuery(Schema):
    status = fields.String(
        load_default=OutboxStatus.HELD.value,
        validate=validate.OneOf([status.value for status in STATUSES]),
        metadata={"description": "held (待审核, the default) or any other outbox status"},
    )


class DoubtOut(Schema):
    field = fields.String(metadata={"description": "title, public_reply or department_name"})
    start = fields.Integer(metadata={"description": "offset of the unclassified digit run in that text"})
    end = fields.Integer()
    digits = fields.Integer(metadata={"description": "how many digits the run has"})


class PublicationOut(Schema):
    id = fields.Integer(metadata={"description": "the outbox message's id"})
    inquiry_id = fields.Integer(allow_none=True)
    number = fields.String(allow_none=True, metadata={"description": "the inquiry's number"})
    event_type = fields.String(metadata={"description": "reply.publish or reply.to_writer"})
    status = fields.String()
    title = fields.String(allow_none=True, metadata={"description": "as it will be shown, redacted"})
    text = fields.String(allow_none=True, metadata={"description": "the reply as it will be shown, redacted"})
    department_name = fields.String(allow_none=True)
    doubts = fields.List(
        fields.Nested(DoubtOut),
        metadata={"description": "what redaction could not classify (why it is held)"},
    )
    review = fields.Dict(metadata={"description": "the decision: decision, by, at, edited or reason"})
    allowed_actions = fields.List(fields.String())
    created_at = LocalDateTime()
    sent_at = LocalDateTime(allow_none=True)


class ApproveIn(Schema):
    text = Text(
        validate=[validate.Length(min=1, max=20000), not_blank()],
        metadata={"description": "the reply as edited by the approver; redacted again before it is sent"},
    )
    title = Text(
        validate=[validate.Length(min=1, max=200), not_blank()],
        metadata={"description": "an edited title; redacted again before it is sent"},
    )


class RejectIn(Schema):
    reason = Text(required=True, validate=[validate.Length(min=1, max=4000), not_blank()])
