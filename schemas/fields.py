"""Field types shared by the API's schemas."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from marshmallow import ValidationError, fields

from gateway.domain.calendar import SHANGHAI

# Printable text: no control characters except tab and newlines, no lone surrogates, no NUL
# (PostgreSQL refuses NUL in text, which would otherwise turn bad input into a 500).
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class Text(fields.String):
    """A string without control characters or unpaired surrogates; also documents that as a pattern."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("pattern", TEXT_PATTERN)
        super().__init__(*args, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _BAD_CHARS.search(text):
            raise ValidationError("contains control characters or invalid Unicode")
        return text


class LocalDateTime(fields.AwareDateTime):
    """ISO 8601 in; always shown in Asia/Shanghai (+08:00). A naive input is read as Beijing time."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=SHANGHAI, **kwargs)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return super()._serialize(value.astimezone(SHANGHAI), attr, obj, **kwargs)
