"""Reading the gateway's own ``catalog.items_changed`` payload, for the systems that publish the catalog.

Protocol-neutral: every reader names the gateway payload's field (``items[3].materials[0].form``) in a
WireError, since a payload an adapter cannot map is the gateway's bug. What each system calls the fields
and how it pages its calls stay in its own catalog_wire module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from gateway.domain.errors import WireError

Indexed = tuple[int, Mapping[str, Any]]  # (index in the payload's items, the item)
Items = dict[str, Indexed]  # by item code


def pages(codes: list[str], items: Items, size: int) -> Iterator[tuple[int, int, list[Indexed]]]:
    """(number, page count, [(index, item)]) per page of `size` codes, in item_codes order.

    Pages are cut from item_codes, so a retry cuts the same pages. A code listed but absent from items was
    deleted meanwhile: it is skipped (a page may come out empty).
    """
    count = max(1, -(-len(codes) // size))
    for number in range(1, count + 1):
        chunk = codes[(number - 1) * size : number * size]
        yield number, count, [items[code] for code in chunk if code in items]


def page_key(message_key: str, number: int, count: int) -> str:
    """A page's Idempotency-Key: the message's own, or ``{key}-{n}`` when the message takes pages."""
    return message_key if count == 1 else f"{message_key}-{number}"


@dataclass(frozen=True)
class CatalogPage:
    """One call of a message's publication; pages are cut from item_codes, so a retry cuts the same ones."""

    number: int  # 1-based
    pages: int

    def key(self, message_key: str) -> str:
        """The call's Idempotency-Key: the message's own, or ``{key}-{n}`` when the message takes pages."""
        return page_key(message_key, self.number, self.pages)


def entry_pages(
    payload: Mapping[str, Any],
    size: int,
    entry: Callable[[Mapping[str, Any], str], dict[str, Any]],
    code_max_len: int | None = 64,
) -> Iterator[tuple[int, int, list[dict[str, Any]], str | None]]:
    """(number, page count, the system's entries, sync run) for each page of `size` codes with entries.

    `entry(item, path)` maps one item. A code listed but absent from items was deleted meanwhile: it is
    skipped, and a page left with no entries is not yielded.
    """
    codes = item_codes(payload)
    items = items_by_code(payload, codes, code_max_len)
    run = sync_run(payload)
    for number, count, found in pages(codes, items, size):
        entries = [entry(item, f"items[{index}]") for index, item in found]
        if entries:
            yield number, count, entries, run


def item_codes(payload: Mapping[str, Any]) -> list[str]:
    codes = payload.get("item_codes")
    if not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
        raise WireError("item_codes", "must be a list of item codes")
    return list(dict.fromkeys(codes))


def items_by_code(payload: Mapping[str, Any], codes: list[str], code_max_len: int | None = 64) -> Items:
    items = payload.get("items")
    if not isinstance(items, list):
        raise WireError("items", "is required (the message was not filled in before sending)")
    listed = set(codes)
    found: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for index, entry in enumerate(items):
        item = object_at(entry, f"items[{index}]")
        code = text(item, "item_code", f"items[{index}]", required=True, max_len=code_max_len)
        assert code is not None
        if code not in listed:
            raise WireError(f"items[{index}].item_code", "is not listed in item_codes")
        if code in found:
            raise WireError(f"items[{index}].item_code", "appears twice")
        found[code] = (index, item)
    return found


def sync_run(payload: Mapping[str, Any]) -> str | None:
    run = payload.get("sync_run_id")
    if run is None:
        return None
    if isinstance(run, bool) or not isinstance(run, int):
        raise WireError("sync_run_id", "must be an integer")
    return str(run)


def material(entry: Any, path: str, forms: Mapping[str, str]) -> tuple[str | None, str, int, bool, bool]:
    """One entry of an item's materials: (name, the system's form code, copies, required, key)."""
    found = object_at(entry, path)
    return (
        text(found, "name", path, required=True, max_len=200),
        table_code(forms, found, "form", path),
        integer(found, "copies", path, high=99),
        boolean(found, "required", path),
        boolean(found, "key", path, default=False),
    )


def object_at(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise WireError(path, "must be an object")
    return value


def text(
    data: Mapping[str, Any], name: str, path: str, *, max_len: int | None, required: bool = False
) -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise WireError(f"{path}.{name}", "is required")
        return None
    if not isinstance(value, str):
        raise WireError(f"{path}.{name}", "must be a string")
    if max_len is not None and len(value) > max_len:
        raise WireError(f"{path}.{name}", f"must be at most {max_len} characters")
    return value


def strings(data: Mapping[str, Any], name: str, path: str, *, max_len: int) -> list[str]:
    values = list_at(data, name, path)
    for index, value in enumerate(values):
        if not isinstance(value, str) or len(value) > max_len:
            raise WireError(f"{path}.{name}[{index}]", f"must be a string of at most {max_len} characters")
    return [v for v in values if v.strip()]


def list_at(data: Mapping[str, Any], name: str, path: str) -> list[Any]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise WireError(f"{path}.{name}", "must be a list")
    return value


def integer(data: Mapping[str, Any], name: str, path: str, *, low: int = 0, high: int = 365) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WireError(f"{path}.{name}", f"must be an integer from {low} to {high}")
    return value


def boolean(data: Mapping[str, Any], name: str, path: str, default: bool | None = None) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise WireError(f"{path}.{name}", "must be true or false")
    return value


def table_code(table: Mapping[str, str], data: Mapping[str, Any], name: str, path: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or value not in table:
        raise WireError(f"{path}.{name}", f"must be one of {', '.join(table)}")
    return table[value]
