"""Schemas of the attachment API (附件): the multipart upload, the metadata shown, the download's reason."""

from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate

from gateway.domain.attachments import AttachmentKind
from schemas.fields import LocalDateTime, Text, not_blank

KINDS = [k.value for k in AttachmentKind]


class FilePart(Upload):  # type: ignore[misc]  # flask-smorest is untyped
    """One file part of a multipart body (a plain text part under the same name is refused)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not (hasattr(value, "stream") and hasattr(value, "filename")):
            raise ValidationError("must be a file part")
        return value


class FormBoolean(fields.Boolean):
    """A multipart form's true or false: the words "true" and "false" only, as OpenAPI's boolean says
    (marshmallow's Boolean would also take "1", "yes", "on", ...)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return bool(value == "true")
        raise self.make_error("invalid")


class UploadIn(Schema):
    files: fields.List[Any] = fields.List(
        FilePart(),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "the files (each checked by its bytes, not its name)"},
    )
    kind = fields.String(
        validate=validate.OneOf(KINDS),
        metadata={"description": "recording / photo / document / scan; judged from the type when left out"},
    )
    holds_personal_data = FormBoolean(
        load_default=False, metadata={"description": "recordings and scans always do"}
    )
    public = FormBoolean(
        load_default=False,
        metadata={"description": "published with the reply (only a department; never personal data)"},
    )


class AttachmentOut(Schema):
    id = fields.Integer()
    inquiry_id = fields.Integer()
    filename = fields.String()
    media_type = fields.String(metadata={"description": "judged from the bytes"})
    size = fields.Integer()
    sha256 = fields.String(metadata={"description": "the content's address; one copy per digest is stored"})
    kind = fields.String(validate=validate.OneOf(KINDS))
    source = fields.String()
    public = FormBoolean()
    holds_personal_data = FormBoolean(
        metadata={"description": "opening it is a reveal: pii:read, a reason, an audit entry"}
    )
    created_by = fields.String()
    created_at = LocalDateTime()


class ContentQuery(Schema):
    reason = Text(
        validate=[validate.Length(min=2, max=200), not_blank()],
        metadata={"description": "why (required for a file holding personal data; written to the audit log)"},
    )
    inline = fields.Boolean(
        load_default=False, metadata={"description": "to show in the page (an image, a player), not save"}
    )
