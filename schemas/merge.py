"""Schemas of 并单 (merging duplicates): merge and unmerge bodies, duplicate candidates."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.fields import LocalDateTime, Text, not_blank
from schemas.inquiry import STATUSES

_REASON = {
    "required": True,
    "validate": [validate.Length(min=2, max=500), not_blank()],
    "metadata": {"description": "why (in both inquiries' history and the audit log)"},
}


class MergeIn(Schema):
    master_id = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=9223372036854775807),
        metadata={"description": "the master inquiry (主单) this one becomes a child of"},
    )
    reason = Text(**_REASON)


class UnmergeIn(Schema):
    reason = Text(**_REASON)


class CandidateOut(Schema):
    id = fields.Integer()
    number = fields.String(metadata={"description": "诉求编号"})
    title = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": STATUSES})
    department = fields.String(allow_none=True)
    created_at = LocalDateTime()
    master_id = fields.Integer(
        allow_none=True, metadata={"description": "the master it is merged into, if any"}
    )
    reasons = fields.List(
        fields.String(metadata={"enum": ["same_caller", "same_place"]}),
        metadata={
            "description": "same_caller: the same phone or ID (keyed hash); same_place: same district "
            "and address within 7 days, similar text"
        },
    )
    score = fields.Float(allow_none=True, metadata={"description": "text similarity 0-1 (same_place)"})
    why = fields.String(metadata={"description": "同一来电人 / 同一地址，内容相似（score）"})
