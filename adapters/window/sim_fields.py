"""The window simulator's own checks of the protocol's field formats, written from PROTOCOL.md.

Shared by the simulator's endpoints only; the adapter's client keeps its own, so neither can agree with the
other's mistake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Every time the protocol carries: Beijing time without a zone suffix.
TIME_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def text_problem(
    body: Mapping[str, Any], texts: Mapping[str, tuple[bool, int]], prefix: str, enforce_required: bool = True
) -> str | None:
    """Why a text field (name -> (required, max length)) is missing or malformed, or None.

    The message names the field after prefix; an absent field is refused only when required and
    enforce_required (a 停用 item, for one, needs none of them).
    """
    for name, (required, max_len) in texts.items():
        value = body.get(name)
        if value is None:
            if required and enforce_required:
                return f"{prefix}{name} 必填"
        elif not isinstance(value, str) or not value.strip() or len(value) > max_len:
            return f"{prefix}{name} 应为1-{max_len}个字符"
    return None
