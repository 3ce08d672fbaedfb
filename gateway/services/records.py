"""Copying a stored record's columns into what services hand back, under the same names.

Snapshots and messages mostly carry a record's columns as they are; these say so once and name only
what differs (a masked, redacted or renamed value), instead of spelling out ``name=row.name`` per field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_T = TypeVar("_T", bound="DataclassInstance")


def copied(kind: type[_T], row: object, **given: Any) -> _T:
    """A dataclass whose every field is the row's attribute of that name, unless given here instead."""
    return kind(**picked(row, (field.name for field in fields(kind)), **given))


def picked(row: object, names: Iterable[str], **given: Any) -> dict[str, Any]:
    """The row's attributes of these names, in this order; a value given here stands for the row's."""
    return {name: given[name] if name in given else getattr(row, name) for name in names}
