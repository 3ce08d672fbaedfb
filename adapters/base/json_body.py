"""Reading a pushed JSON body and its optional text fields, for systems that push plain JSON objects.

The messages are the ones these systems' PROTOCOL.md pages share (Chinese, naming the field); which
fields a push carries stays with each system's wire module.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from adapters.base.port import WireError


def load_object(body: bytes) -> dict[str, Any]:
    """A push body as a JSON object."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WireError("$", "请求体不是UTF-8编码的JSON") from None
    if not isinstance(data, dict):
        raise WireError("$", "请求体应为JSON对象")
    return data


def optional_text(body: Mapping[str, Any], key: str, field: str | None = None) -> str | None:
    """An optional text, stripped; "" (the systems' empty value) and a missing field are both None."""
    value = body.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise WireError(field or key, "应为字符串")
    return value.strip()


def required_text(body: Mapping[str, Any], key: str, field: str | None = None) -> str:
    """A text that must be given."""
    value = optional_text(body, key, field)
    if value is None:
        raise WireError(field or key, "必填")
    return value
