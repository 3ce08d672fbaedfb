"""What is wrong with config.yaml, worded so that the message names the key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ConfigError(Exception):
    """config.yaml (or a setting from the environment) is unusable; the message names the key."""


def flatten_errors(errors: Any, prefix: str = "") -> list[str]:
    """Turn marshmallow's nested error dict into 'a.b.c: reason' lines."""
    if isinstance(errors, Mapping):
        lines: list[str] = []
        for key, value in errors.items():
            if key in ("_schema", "value"):  # marshmallow's Dict nests errors under "value"
                name = prefix
            elif key == "key":
                name = f"{prefix} (a key)"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            lines.extend(flatten_errors(value, name))
        return lines
    if isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        return [f"{prefix or '(top level)'}: {'; '.join(errors)}"]
    if isinstance(errors, list):
        return [line for e in errors for line in flatten_errors(e, prefix)]
    return [f"{prefix}: {errors}"]
