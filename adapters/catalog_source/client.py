"""Reads the provincial catalog of service items (事项库), page by page, in full or incrementally."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests

from adapters.base.apart import ahead
from adapters.base.http import HttpClient, bad_answer, explained, make_session
from adapters.catalog_source import wire
from gateway.domain.errors import UpstreamError, WireError

log = logging.getLogger("gateway.adapters.catalog_source")

ITEMS_PATH = "/api/sxk/items"
OPERATION = "list_items"
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class CatalogPage:
    """One page of the catalog, already in the gateway's item shape (not yet validated)."""

    records: list[dict[str, Any]]
    next_cursor: str | None  # opaque; None when this was the last page
    server_time: str  # ISO 8601 +08:00: pass it as updated_since next time (incremental sync)


class CatalogSourceClient:
    """Inbound pull from the 政务服务平台; raises UpstreamError (ValueError for bad arguments)."""

    system = "catalog_source"

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    @classmethod
    def connect(cls, base_url: str, timeout_seconds: float) -> CatalogSourceClient:
        """A client with its own HTTP session (e.g. in a process of its own, where nothing is shared)."""
        return cls(
            HttpClient(cls.system, base_url, make_session(pool_size=2), timeout=(3.05, timeout_seconds))
        )

    def fetch_page(
        self, *, updated_since: str | None, cursor: str | None, page_size: int = 500
    ) -> CatalogPage:
        """One page: the first of a listing when cursor is None, else the page that cursor continues to."""
        return self._page(self._answer(updated_since, cursor, page_size))

    def iter_pages(
        self, *, updated_since: str | None, page_size: int = 500, read_ahead: bool = False
    ) -> Iterator[CatalogPage]:
        """Every page of one listing, one request at a time (only one page is held at once).

        read_ahead: the next page is requested (and its JSON decoded) on a thread while this page's
        records are mapped, so the platform prepares it meanwhile. Worth it where nothing else in the
        process competes for the GIL (a reader process of its own: adapters.base.apart).
        """
        answers = self._answers(updated_since, page_size)
        for answer in ahead(answers) if read_ahead else answers:
            yield self._page(answer)

    def _answers(self, updated_since: str | None, page_size: int) -> Iterator[dict[str, Any]]:
        """Each page's data and its next cursor, following the cursors to the end."""
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            data = self._answer(updated_since, cursor, page_size)
            yield data
            cursor = self._next_cursor(data.get("nextCursor"))
            if cursor is None:
                return
            if cursor in seen:
                # A platform that hands out a cursor twice would have us loop for ever.
                raise UpstreamError(self.system, f"{OPERATION} repeated a cursor", retryable=False)
            seen.add(cursor)

    def _answer(self, updated_since: str | None, cursor: str | None, page_size: int) -> dict[str, Any]:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1-{MAX_PAGE_SIZE}")
        params: dict[str, Any] = {"size": page_size}
        if updated_since is not None:
            try:
                params["gxsj_start"] = wire.format_time(updated_since)
            except WireError:
                raise ValueError(f"updated_since must be an ISO 8601 time, not {updated_since!r}") from None
        if cursor:
            params["cursor"] = cursor
        return self._data(params)

    def _page(self, data: dict[str, Any]) -> CatalogPage:
        return CatalogPage(
            records=self._records(data.get("items")),
            next_cursor=self._next_cursor(data.get("nextCursor")),
            server_time=self._server_time(data.get("serverTime")),
        )

    # ---- plumbing --------------------------------------------------------------------------------

    def _data(self, params: dict[str, Any]) -> dict[str, Any]:
        """The `data` of a success answer; anything else becomes an UpstreamError naming resultCode."""
        try:
            response = self.http.request("GET", ITEMS_PATH, operation=OPERATION, params=params)
        except UpstreamError as err:
            answer = wire.read_answer(_json(err.body))
            if answer is None:
                raise
            raise explained(err, f"resultCode={answer[0]} {answer[1]}") from None
        parsed = _json(response.text)
        answer = wire.read_answer(parsed)
        if answer is None:
            # Not the platform's shape at all (a proxy's page, a cut-off body): may well pass.
            raise self._bad(response, "an unreadable body", retryable=True)
        if answer[0] != wire.OK:
            # A 200 whose resultCode is not 200 is a refusal all the same (PROTOCOL.md).
            raise self._bad(
                response,
                f"resultCode={answer[0]} {answer[1]}",
                retryable=answer[0] in wire.RETRYABLE_CODES,
            )
        data = parsed.get("data") if isinstance(parsed, dict) else None
        if not isinstance(data, dict):
            raise self._bad(response, "success without data", retryable=False)
        return data

    def _records(self, items: Any) -> list[dict[str, Any]]:
        if not isinstance(items, list):
            raise UpstreamError(self.system, f"{OPERATION} answered without an items list", retryable=False)
        records: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            try:
                records.append(wire.item_from_source(item))
            except WireError as err:
                # One unreadable record must not stop the sync; it carries no code we could report.
                log.warning(
                    "catalog_source record skipped index=%d field=%s reason=%s", index, err.field, err.reason
                )
        return records

    def _next_cursor(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise UpstreamError(
                self.system, f"{OPERATION} answered a cursor that is not a string", retryable=False
            )
        return value

    def _server_time(self, value: Any) -> str:
        try:
            return wire.parse_time(value, "serverTime").isoformat()
        except WireError as err:
            # Without it the next incremental listing has no safe starting point.
            raise UpstreamError(self.system, f"{OPERATION} answered {err}", retryable=False) from None

    def _bad(self, response: requests.Response, detail: str, *, retryable: bool) -> UpstreamError:
        return bad_answer(
            self.system,
            response,
            f"{OPERATION} answered HTTP {response.status_code}: {detail}",
            retryable=retryable,
        )


def _json(text: str | None) -> Any:
    try:
        return json.loads(text or "")
    except ValueError:
        return None
