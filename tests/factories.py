"""Sample payloads for the wire tests: the gateway's own messages and each system's bodies.

The samples are data (tests/samples/*.json); a test asks for one by name and overrides the fields its
case is about, so every wire test builds its payloads the same way.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gateway.domain.errors import WireError

SAMPLES = Path(__file__).resolve().parent / "samples"
_PAYLOADS: dict[str, dict[str, Any]] = json.loads((SAMPLES / "payloads.json").read_text("utf-8"))
_NAMES: dict[str, list[str]] = json.loads((SAMPLES / "names.json").read_text("utf-8"))
_CODES: dict[str, dict[str, str]] = json.loads((SAMPLES / "codes.json").read_text("utf-8"))

Factory = Callable[..., dict[str, Any]]


def sample(name: str, /, **overrides: Any) -> dict[str, Any]:
    """A fresh copy of the named sample with the given top-level fields replaced."""
    payload = copy.deepcopy(_PAYLOADS[name])
    payload.update(overrides)
    return payload


def factory(name: str) -> Factory:
    """A builder of the named sample: `factory("hotline.status")(action="reply")`."""

    def build(**overrides: Any) -> dict[str, Any]:
        return sample(name, **overrides)

    build.__name__ = name.replace(".", "_")
    return build


def names(name: str) -> set[str]:
    """A named set of field names (the gateway's, or a system's)."""
    return set(_NAMES[name])


def codes_of(name: str) -> dict[str, str]:
    """A system's code table as its PROTOCOL.md lists it (code or gateway value -> the other side)."""
    return dict(_CODES[name])


def keys_of(value: Any) -> set[str]:
    """Every key of every mapping inside value, lists included."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def refusal(convert: Callable[[Any], Any], payload: Any) -> WireError:
    """The WireError convert(payload) raises (its field names what is wrong); the test fails on none."""
    with pytest.raises(WireError) as caught:
        convert(payload)
    return caught.value
