"""Reading the gateway's own payloads in a wire module: a field that must be there, a code from a table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.domain.errors import WireError


def need(payload: Mapping[str, Any], key: str, field: str) -> Any:
    """payload[key]; a WireError naming the system's field when it is absent or null."""
    value = payload.get(key)
    if value is None:
        raise WireError(field, f"消息缺少 {key}")
    return value


def code_for(table: Mapping[Any, str], value: Any, field: str) -> str:
    """The system's code for a gateway value; a WireError naming the system's field when there is none."""
    try:
        return table[value]
    except (KeyError, TypeError):
        raise WireError(field, f"没有对应的代码: {value!r}") from None
