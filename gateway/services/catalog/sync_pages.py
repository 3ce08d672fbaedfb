"""The source's pages as the sync reads them, the report it keeps, and the screening of a page's records:
which are unchanged, which are rejected, and which are prepared for writing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from gateway.domain.catalog import content_hash
from gateway.services.catalog.records import Prepared, prepare

log = logging.getLogger("gateway.catalog")

MAX_REJECTS_KEPT = 1000


class Page(Protocol):
    """One page of the source's listing."""

    @property
    def records(self) -> list[dict[str, Any]]: ...
    @property
    def next_cursor(self) -> str | None: ...
    @property
    def server_time(self) -> str: ...


class Source(Protocol):
    """The provincial 事项库, listed page by page (all of it, or what changed since a time)."""

    def iter_pages(self, *, updated_since: str | None, page_size: int = 500) -> Iterator[Page]: ...


# `factory().iter_pages(**kwargs)`'s pages, read in a child process (adapters.base.apart.pages_apart).
ReadApart = Callable[..., Generator[Page, None, None]]
# The same pages, the next one fetched on a thread while the caller works (adapters.base.apart.ahead).
ReadAhead = Callable[[Iterator[Page]], Generator[Page, None, None]]
Validator = Callable[[dict[str, Any]], dict[str, Any]]  # raises an exception with .messages when invalid
# What a run counts, stored on its SyncRun row with the rejects.
COUNTED = ("seen", "new", "changed", "unchanged", "retired", "rejected")


@dataclass
class SyncReport:
    """Counts of one run (COUNTED), also stored on its SyncRun row, and the first rejects."""

    run_id: int = 0
    seen: int = 0  # records listed
    new: int = 0
    changed: int = 0  # restored ones included
    unchanged: int = 0
    retired: int = 0
    rejected: int = 0  # invalid records, skipped
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The counts by name (COUNTED)."""
        return {name: getattr(self, name) for name in COUNTED}

    def reject(self, code: Any, messages: Any) -> None:
        """Count an invalid record, and keep why (the first MAX_REJECTS_KEPT)."""
        self.rejected += 1
        if len(self.rejects) < MAX_REJECTS_KEPT:
            self.rejects.append({"item_code": code if isinstance(code, str) else None, "reasons": messages})
        log.warning("catalog record %s rejected: %s", code, messages)


@dataclass(frozen=True)
class Screen:
    """How a sync judges records: full validation, the envelope check, the departments' codes."""

    validate: Validator
    # Checks the fields outside an item's content; given, unchanged content skips full validation.
    validate_envelope: Validator | None
    departments: dict[str, str]  # normalized department name -> configured code

    def valid(
        self,
        records: list[dict[str, Any]],
        stored: dict[str, tuple[str, bool]],
        report: SyncReport,
        seen: set[str],
        *,
        revalidate: bool,
    ) -> dict[str, Prepared]:
        """The records that need writing, validated and prepared (a later listing in the page wins);
        the others are counted or rejected. stored: code -> (content hash, retired) of the stored
        items among the page's codes not seen before in the run."""
        valid: dict[str, Prepared] = {}
        for record in records:
            report.seen += 1
            code = record.get("item_code")
            known = stored.get(code) if isinstance(code, str) and code not in seen else None
            if (
                known is not None
                and not revalidate
                and record.get("retired") is known[1]
                and (known[1] or content_hash(record) == known[0])
                and self._envelope_valid(record)
            ):
                seen.add(record["item_code"])  # a stored code, so a str
                if not known[1]:
                    report.unchanged += 1
                continue
            try:
                item = self.validate(record)
            except Exception as err:  # noqa: BLE001 - any invalid record is reported, never fatal
                report.reject(code, getattr(err, "messages", str(err)))
                continue
            valid[item["item_code"]] = prepare(item, self.departments)
            seen.add(item["item_code"])
        return valid

    def _envelope_valid(self, record: dict[str, Any]) -> bool:
        if self.validate_envelope is None:
            return False  # no such check given: every record is validated in full
        try:
            self.validate_envelope(record)
        except Exception:  # noqa: BLE001 - the full validation names what is wrong
            return False
        return True
