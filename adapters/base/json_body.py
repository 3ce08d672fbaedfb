"""The one reader of pushed JSON bodies for every adapter, and the optional text fields of a push.

Every webhook body goes through `load_object`: a size limit, then a depth limit checked without recursion
(json.loads recurses once per level, so `[` * 100000 would otherwise end in RecursionError, a 500), then
json.loads. The messages are Chinese and name the field (`$`, or the system's own name for the body);
which fields a push carries stays with each system's wire module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from itertools import accumulate, repeat
from operator import sub
from typing import Any

from gateway.domain.errors import WireError, too_large

MAX_BYTES = 1_048_576  # the gateway's own request limit (config max_body_bytes) by default
MAX_DEPTH = 32  # objects and arrays inside each other; real pushes nest 3 or 4 deep

# A JSON string as a whole, so that brackets inside it are skipped; an unterminated one runs to the end
# (every match attempt succeeds, so the scan stays linear whatever quotes and backslashes a body holds).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")  # minus one: opening +1, closing -1
_CHUNK = 65_536


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when objects and arrays nest deeper than `limit`; counted over the brackets, no recursion."""
    if text.count("[") + text.count("{") <= limit:
        return False  # cannot be deeper (brackets inside strings only add to this count)
    steps = _NOT_BRACKET.sub("", _STRING.sub("", text)).encode("ascii").translate(_STEP)
    depth = 0
    for start in range(0, len(steps), _CHUNK):  # in chunks, so a body of "[" stops at its first one
        levels = list(accumulate(map(sub, steps[start : start + _CHUNK], repeat(1)), initial=depth))
        if max(levels) > limit:
            return True
        depth = levels[-1]
    return False


def load_object(
    body: bytes, field: str = "$", *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> dict[str, Any]:
    """A push body as a JSON object; WireError (naming `field`) when too large, too deep or unreadable."""
    if len(body) > max_bytes:
        raise too_large(max_bytes, field)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WireError(field, "请求体不是UTF-8编码的JSON") from None
    if too_deep(text, max_depth):
        raise WireError(field, f"请求体JSON嵌套超过{max_depth}层")
    try:
        data = json.loads(text)
    except RecursionError:
        # Not reachable after the scan; kept so that no body can ever become a 500.
        raise WireError(field, f"请求体JSON嵌套超过{max_depth}层") from None
    except ValueError:
        raise WireError(field, "请求体不是UTF-8编码的JSON") from None
    if not isinstance(data, dict):
        raise WireError(field, "请求体应为JSON对象")
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
