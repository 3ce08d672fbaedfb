"""What the account services hand back: accounts and keys as shown, never a hash or a live row."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from gateway.domain.access import Actor

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_T = TypeVar("_T", bound="DataclassInstance")


@dataclass(frozen=True)
class StaffInfo:
    """An account as shown and as a console request sees it (never the hash itself)."""

    id: int
    username: str
    display_name: str
    role: str
    department_code: str | None
    active: bool
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None

    def actor(self) -> Actor:
        """The actor the services see for this person."""
        return Actor(
            name=f"{self.display_name}[{self.username}]", role=self.role, department_code=self.department_code
        )


@dataclass(frozen=True)
class KeyInfo:
    """A key as listed (never the key itself)."""

    id: int
    name: str
    role: str
    department_code: str | None
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def snapshot(kind: type[_T], row: Any) -> _T:
    """A snapshot of a record: each of the snapshot's fields read from the record's attribute of that
    name (the snapshots carry a subset of their record's columns, under the same names)."""
    return kind(**{field.name: getattr(row, field.name) for field in fields(kind)})
