"""Schemas of the service-item catalog: the validated item, search results, sync and job runs."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from gateway.domain.catalog import ITEM_TYPES, MATERIAL_FORMS
from schemas.fastload import compile_loader
from schemas.fields import LocalDateTime, Text


class MaterialSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    form = fields.String(required=True, validate=validate.OneOf(list(MATERIAL_FORMS)))
    copies = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=99))
    required = fields.Boolean(required=True)
    key = fields.Boolean(
        load_default=False, metadata={"description": "核心要件: may not be missing even under 容缺"}
    )


class StepSchema(Schema):
    order = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=99))
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    description = Text(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ItemRecordSchema(Schema):
    """One catalog record as the source adapter maps it; the sync rejects what fails here."""

    class Meta:
        unknown = EXCLUDE

    item_code = Text(
        required=True, validate=validate.Regexp(r"^[0-9A-Za-z._-]{4,64}$", error="not an item code")
    )
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    item_type = fields.String(required=True, validate=validate.OneOf(list(ITEM_TYPES)))
    parent_code = Text(load_default=None, allow_none=True, validate=validate.Length(max=64))
    department = Text(required=True, validate=validate.Length(min=1, max=100))
    source_department_code = Text(load_default=None, allow_none=True)
    legal_basis = Text(load_default=None, allow_none=True)
    statutory_days = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=365))
    promised_days = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=365))
    materials = fields.List(fields.Nested(MaterialSchema), load_default=list)
    steps = fields.List(fields.Nested(StepSchema), load_default=list)
    fee = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))
    place = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))
    windows = fields.List(Text(validate=validate.Length(max=100)), load_default=list)
    online_url = Text(load_default=None, allow_none=True, validate=validate.Length(max=500))
    consult_phone = Text(load_default=None, allow_none=True, validate=validate.Length(max=64))
    complaint_phone = Text(load_default=None, allow_none=True, validate=validate.Length(max=64))
    keywords = fields.List(Text(validate=validate.Length(max=50)), load_default=list)
    guide = Text(load_default=None, allow_none=True, validate=validate.Length(max=20000))
    accepts_incomplete = fields.Boolean(load_default=False)
    retired = fields.Boolean(load_default=False)
    updated_at = fields.AwareDateTime(required=True)

    def validate_limits(self, data: dict[str, Any]) -> None:
        """The promise may not exceed the law."""
        if data["promised_days"] > data["statutory_days"]:
            raise ValidationError("promised_days exceeds statutory_days", "promised_days")


# One schema for every record: building it (and its nested schemas) per record cost more than the load.
_ITEM_RECORD = ItemRecordSchema()
# The same schema's fast path for plainly valid records (a sync validates 100,000 of them).
_LOAD_ITEM_RECORD = compile_loader(_ITEM_RECORD)


# The fields of a record that are not its content (content_hash leaves them out).
_ENVELOPE = ItemRecordSchema(only=("item_code", "source_department_code", "retired", "updated_at"))
_LOAD_ENVELOPE = compile_loader(_ENVELOPE)


def validate_item_envelope(record: dict[str, Any]) -> dict[str, Any]:
    """The fields outside an item's content, validated (ValidationError as validate_item raises)."""
    return _LOAD_ENVELOPE(record)


def validate_item(record: dict[str, Any]) -> dict[str, Any]:
    """A validated item, or ValidationError naming the fields (the sync reports it and skips the record)."""
    data = _LOAD_ITEM_RECORD(record)
    _ITEM_RECORD.validate_limits(data)
    return data


# ---- API ----------------------------------------------------------------------------------------


class MaterialOut(Schema):
    name = fields.String()
    form = fields.String()
    copies = fields.Integer()
    required = fields.Boolean()
    key = fields.Boolean()


class StepOut(Schema):
    order = fields.Integer()
    name = fields.String()
    description = fields.String(allow_none=True)


class ItemSummaryOut(Schema):
    item_code = fields.String()
    name = fields.String()
    item_type = fields.String(metadata={"enum": list(ITEM_TYPES)})
    item_type_label = fields.String()
    department = fields.String(allow_none=True, metadata={"description": "department code"})
    department_name = fields.String()
    promised_days = fields.Integer()
    statutory_days = fields.Integer()
    retired = fields.Boolean()
    parent_code = fields.String(allow_none=True)


class ItemOut(ItemSummaryOut):
    legal_basis = fields.String(allow_none=True)
    materials = fields.List(fields.Nested(MaterialOut))
    steps = fields.List(fields.Nested(StepOut))
    fee = fields.String(allow_none=True)
    place = fields.String(allow_none=True)
    windows = fields.List(fields.String())
    online_url = fields.String(allow_none=True)
    consult_phone = fields.String(allow_none=True)
    complaint_phone = fields.String(allow_none=True)
    keywords = fields.List(fields.String())
    guide = fields.String(allow_none=True)
    accepts_incomplete = fields.Boolean(metadata={"description": "容缺受理 allowed"})
    version = fields.Integer()
    source_updated_at = LocalDateTime()
    children = fields.List(fields.Nested(ItemSummaryOut), metadata={"description": "子项"})


class ItemQuery(Schema):
    q = Text(
        validate=validate.Length(min=1, max=50),
        metadata={"description": "Chinese text, full pinyin, pinyin initials or an item code"},
    )
    department = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$"))
    item_type = fields.String(validate=validate.OneOf(list(ITEM_TYPES)))
    include_retired = fields.Boolean(load_default=False)


class ItemVersionOut(Schema):
    version = fields.Integer()
    change = fields.String()
    changes = fields.Dict()
    sync_run_id = fields.Integer(allow_none=True)
    created_at = LocalDateTime()


class SyncRunOut(Schema):
    id = fields.Integer()
    source = fields.String()
    full = fields.Boolean()
    status = fields.String()
    started_at = LocalDateTime()
    finished_at = LocalDateTime(allow_none=True)
    updated_since = fields.String(allow_none=True)
    seen = fields.Integer()
    new = fields.Integer()
    changed = fields.Integer()
    unchanged = fields.Integer()
    retired = fields.Integer()
    rejected = fields.Integer()
    rejects = fields.List(fields.Dict())
    error = fields.String(allow_none=True)


class JobRunOut(Schema):
    id = fields.Integer()
    job = fields.String()
    host = fields.String()
    started_at = LocalDateTime()
    finished_at = LocalDateTime(allow_none=True)
    outcome = fields.String()
    detail = fields.Dict()


class JobRunQuery(Schema):
    job = fields.String(validate=validate.Length(min=1, max=40))
