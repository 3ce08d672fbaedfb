"""What the console's lists do with a service's find(offset=, limit=): one page for the screen, every row
for the spreadsheet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from gateway.web.common import PAGE_SIZE, Pager, export_rows, page_number


class Found(Protocol):
    """A page of a listing as services return it."""

    @property
    def items(self) -> list[Any]: ...

    @property
    def total(self) -> int: ...


Find = Callable[..., Found]


def page_of(find: Find, size: int = PAGE_SIZE) -> tuple[list[Any], Pager]:
    """The request's page (?page=) of a listing, with the pager the template shows."""
    page = page_number()
    result = find(offset=(page - 1) * size, limit=size)
    return result.items, Pager(page, size, result.total)


def every_row(find: Find) -> list[Any]:
    """Every row of a listing for a spreadsheet, batch by batch, up to the export limit."""

    def fetch(offset: int, limit: int) -> tuple[list[Any], int]:
        result = find(offset=offset, limit=limit)
        return result.items, result.total

    return export_rows(fetch)
