"""Field types shared by the API's schemas."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, cast

from marshmallow import ValidationError, fields, validate

from gateway.domain.calendar import SHANGHAI

# China Standard Time. Before 1901 the tz database gives Asia/Shanghai its local mean time,
# +08:05:43, an offset in seconds that RFC 3339 (OpenAPI's date-time) cannot express.
_CST = timezone(timedelta(hours=8), "CST")

INPUT_YEARS = (1900, 2999)
INPUT_YEARS_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-"

# Printable text: no control characters except tab and newlines, no lone surrogates, no NUL
# (PostgreSQL refuses NUL in text, which would otherwise turn bad input into a 500).
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# The same, as documented (lone surrogates cannot be written in a JSON Schema pattern).
_PRINTABLE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff"
TEXT_PATTERN = rf"^[^{_PRINTABLE}]*$"


# Printable text with at least one character that is not whitespace (a reason written for the audit log,
# an edited reply): the server and the spec then agree that "  " or a newline alone is no text.
# U+FEFF is whitespace to ECMA-262 (the spec's regex) but not to Python: excluded by name.
NOT_BLANK_PATTERN = rf"^[^{_PRINTABLE}]*[^\s\ufeff{_PRINTABLE}][^{_PRINTABLE}]*$"


def at_least(count: int, chars: str) -> str:
    """Printable text with at least ``count`` characters of the class ``chars`` (digits, ``"0-9A-Za-z"``)
    among anything else printable: a pattern that reads the same in Python and in a JSON Schema."""
    other = rf"[^{chars}{_PRINTABLE}]"
    return rf"^{other}*(?:[{chars}]{other}*){{{count},}}$"


class Pattern(validate.Regexp):
    """A regex the whole value must match, as the documented JSON Schema `pattern` means it.

    marshmallow's Regexp uses re.match, where `$` also matches before a final newline: "SFJ" and a
    newline would pass ^[A-Za-z0-9_-]{1,32}$ here while the spec (ECMA-262 regex) says it does not.
    """

    def __call__(self, value: Any) -> Any:
        regex = cast("re.Pattern[str]", self.regex)
        if not isinstance(value, str) or regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


def not_blank() -> Pattern:
    """The validator of NOT_BLANK_PATTERN."""
    return Pattern(NOT_BLANK_PATTERN, error="must not be blank")


class Text(fields.String):
    """A string without control characters or unpaired surrogates; also documents that as a pattern.

    A field with its own Pattern (which admits no control characters) keeps that one as the
    documented pattern: an OpenAPI schema holds one pattern, and a metadata pattern would replace it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not any(isinstance(v, validate.Regexp) for v in self.validators):
            self.metadata = {"pattern": TEXT_PATTERN, **self.metadata}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _BAD_CHARS.search(text):
            raise ValidationError("contains control characters or invalid Unicode")
        return text

    @staticmethod
    def fast_deserialize(value: Any) -> str:
        """The common case for schemas.fastload: a clean str comes back as it is; anything else raises."""
        if type(value) is not str or _BAD_CHARS.search(value):
            raise ValueError("not plainly valid text")
        return value


class StrictBoolean(fields.Boolean):
    """JSON true or false, as documented; marshmallow's Boolean also takes 1, "yes", "on", "f", ...

    For JSON bodies only: a query string has no booleans, there the lenient Boolean is right.
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class LocalDateTime(fields.AwareDateTime):
    """ISO 8601 in; always shown in Asia/Shanghai (+08:00). A naive input is read as Beijing time."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=SHANGHAI, **kwargs)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        local = value.astimezone(SHANGHAI)
        offset = local.utcoffset()
        if offset is not None and offset % timedelta(minutes=1):
            local = value.astimezone(_CST)  # local mean time before 1901: show standard time instead
        return super()._serialize(local, attr, obj, **kwargs)


class LocalDateTimeIn(LocalDateTime):
    """A LocalDateTime that callers send: years 1900-2999, documented as a pattern on the year.

    datetime ends at year 9999: a later start plus an offset or some working days overflows it
    (OverflowError, a 500). No hotline date is anywhere near, and a documented range lets clients know.
    """

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": INPUT_YEARS_PATTERN, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        if not INPUT_YEARS[0] <= moment.year <= INPUT_YEARS[1]:  # the year as written, like the pattern
            raise ValidationError(f"the year must be between {INPUT_YEARS[0]} and {INPUT_YEARS[1]}")
        return moment


class DepartmentCode(fields.String):
    """A department (承办单位) code.

    The gateway's Api documents the codes configured for the deployment as the field's enum
    (see gateway.api.errors.GatewayApi); the service rejects any other code with 422.
    """


class SettingCapped(fields.Integer):
    """An integer whose upper bound is also a deployment setting, named by its path in Settings.

    The gateway's Api documents the lower of the field's own maximum and the configured one (see
    gateway.api.errors.GatewayApi); the service refuses more with 422 naming the field.
    """

    def __init__(self, setting: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.setting = setting
