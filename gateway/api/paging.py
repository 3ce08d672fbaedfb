"""What every paged listing does: its filter from the query string, one page, the total in X-Pagination."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from flask_smorest.pagination import PaginationParameters

from gateway.services.inquiries.queries import MAX_OFFSET

F = TypeVar("F")


class Page(Protocol):
    """A page of a listing as services return it."""

    @property
    def items(self) -> list[Any]: ...

    @property
    def total(self) -> int: ...


def filter_of(kind: Callable[..., F], query: Mapping[str, Any]) -> F:
    """A listing's filter from its loaded query: the same names, `q` as the text, the statuses a tuple."""
    values = {("text" if name == "q" else name): value for name, value in query.items()}
    values["status"] = tuple(values.get("status") or ())
    return kind(**values)


def paged(pagination: PaginationParameters, find: Callable[..., Page]) -> list[Any]:
    """The page asked for from a service's find(offset=, limit=); its total goes to X-Pagination."""
    # A page far past the end is empty, not a database overflow (SQLite's integers stop at 2**63).
    page = find(offset=min(pagination.first_item, MAX_OFFSET), limit=pagination.page_size)
    pagination.item_count = page.total
    return page.items
