"""What every list (inquiries, applications) may be narrowed by."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListFilter:
    """The narrowing every list takes: its statuses (any of them), one department, and free text."""

    status: tuple[str, ...] = ()
    department: str | None = None
    text: str | None = None
