"""Speaks the 12345 platform's API: 互联互通 work orders, 流转反馈, 知识库 and the polling fallback."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any, TypeVar

import requests

from adapters.base.http import HttpClient, bad_answer, json_answer
from adapters.base.port import Listed, OutboundMessage
from adapters.hotline import catalog_wire, codes, wire
from gateway.domain.errors import UpstreamError, WireError
from gateway.domain.messages import CATALOG_ITEMS, STATUS_CHANGED, WORKORDER_CREATE

log = logging.getLogger("gateway.adapters.hotline")

CREATE_PATH = "/api/gd/cjgd"
FEEDBACK_PATH = "/api/gd/lzfk"
LIST_PATH = "/api/gd/list"
MAX_PAGE_SIZE = 500
# A guard against a platform that ignores paging; far more than any real backlog needs.
MAX_LIST_REQUESTS = 10_000

Mapped = TypeVar("Mapped")


def _error_json(body: str | None) -> dict[str, Any]:
    return json_answer(body) or {}


class HotlineClient:
    """Outbound adapter for the 12345 platform; raises UpstreamError (ValueError for bad arguments)."""

    system = codes.SYSTEM

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def send(self, message: OutboundMessage) -> None:
        """Deliver one outbox message under its idempotency key."""
        if message.event_type == WORKORDER_CREATE:
            body = self._map(message, wire.work_order_request)
            data = self._post(CREATE_PATH, "create_work_order", body, message.idempotency_key, exists_ok=True)
            # The work order number is nowhere else: log it beside our own number (neither is personal data).
            log.info("hotline work order gdbh=%s for wbbh=%s", data.get("gdbh"), body["wbbh"])
        elif message.event_type == STATUS_CHANGED:
            body = self._map(message, wire.feedback_request)
            self._post(FEEDBACK_PATH, "feedback", body, message.idempotency_key)
        elif message.event_type == CATALOG_ITEMS:
            # A failed page fails the message; its retry replays the pages already taken under their keys.
            for page in self._map(message, catalog_wire.knowledge_pages):
                key = page.key(message.idempotency_key)
                self._post(catalog_wire.KNOWLEDGE_PATH, "update_knowledge", page.body, key)
        else:
            raise UpstreamError(
                self.system,
                f"event type '{message.event_type}' is not sent to the 12345 platform",
                retryable=False,
            )

    def fetch(self, url: str) -> bytes:
        """A file the platform serves (a pushed work order's 附件 link); only links on the platform."""
        base = self.http.base_url + "/"
        if not url.startswith(base):
            raise UpstreamError(self.system, "attachment link is not on the 12345 platform", retryable=False)
        response = self.http.request("GET", "/" + url[len(base) :], operation="fetch_attachment")
        return response.content

    def changes(self, cursor: str | None, page_size: int = 100) -> Iterator[list[Listed]]:
        """Pages of work orders changed at or after `cursor` (ISO 8601), each with the events it tells.

        Pages by moving gxsj to the last update time seen (ys only within one second), so work orders that
        change while we page move ahead of us instead of shifting unseen ones onto pages already read. A
        page is asked for only when the caller wants it, so it has taken in the one before.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1-{MAX_PAGE_SIZE}")
        since = datetime.fromisoformat(cursor) if cursor else None
        if since is not None and since.utcoffset() is None:
            raise ValueError("cursor must be an ISO 8601 time with a UTC offset")
        boundary, page = since, 1
        seen: set[tuple[str, datetime]] = set()
        for _ in range(MAX_LIST_REQUESTS):
            items = self._list_page(boundary, page, page_size)
            last: datetime | None = None
            records: list[Listed] = []
            for item in items:
                gdbh, changed = self._identify(item)
                last = changed if last is None else max(last, changed)
                if (gdbh, changed) in seen:
                    continue  # listed again because the boundary is inclusive
                seen.add((gdbh, changed))
                records.append(self._listed(item, gdbh, changed))
            if records:
                yield records
            if len(items) < page_size:
                return
            if last is not None and (boundary is None or last > boundary):
                boundary, page = last, 1
            else:
                page += 1
        raise UpstreamError(self.system, "work order list did not end", retryable=True)

    def _listed(self, item: object, gdbh: str, changed: datetime) -> Listed:
        position = changed.isoformat()
        try:
            return Listed(position, gdbh, wire.events_from_listed(item))
        except WireError as err:
            # Its push was refused the same way; the caller reports it and goes on with the others.
            log.warning(
                "hotline work order unreadable gdbh=%s field=%s reason=%s", gdbh, err.field, err.reason
            )
            return Listed(position, gdbh, problem=err)

    # ---- plumbing --------------------------------------------------------------------------------

    def _map(self, message: OutboundMessage, mapper: Callable[[Mapping[str, Any]], Mapped]) -> Mapped:
        try:
            return mapper(message.payload)
        except WireError as err:
            raise UpstreamError(
                self.system, f"{message.event_type} payload cannot be mapped: {err}", retryable=False
            ) from None

    def _post(
        self, path: str, operation: str, body: dict[str, Any], key: str, exists_ok: bool = False
    ) -> dict[str, Any]:
        try:
            response = self.http.request(
                "POST", path, operation=operation, json=body, headers={"Idempotency-Key": key}
            )
        except UpstreamError as err:
            answer = _error_json(err.body)
            if exists_ok and err.status == 409 and answer.get("code") == codes.E_EXISTS:
                # Created earlier under another key (the platform keys work orders by wbbh): delivered.
                data = answer.get("data")
                return data if isinstance(data, dict) else {}
            raise
        return self._data(response, operation)

    def _data(self, response: requests.Response, operation: str) -> dict[str, Any]:
        """The `data` of a success body; a 2xx that is not one is refused (or retried if unreadable)."""
        try:
            parsed: Any = response.json()
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("code"), str):
            raise bad_answer(
                self.system, response, f"{operation} answered an unreadable body", retryable=True
            )
        if parsed["code"] != codes.OK:
            raise bad_answer(
                self.system,
                response,
                f"{operation} refused with code {parsed['code']}",
                retryable=parsed["code"] in codes.RETRYABLE_CODES,
            )
        data = parsed.get("data")
        return data if isinstance(data, dict) else {}

    def _list_page(self, boundary: datetime | None, page: int, page_size: int) -> list[Any]:
        params: dict[str, Any] = {"ys": page, "mys": page_size}
        if boundary is not None:
            params["gxsj"] = codes.format_time(boundary)
        response = self.http.request("GET", LIST_PATH, operation="list_work_orders", params=params)
        items = self._data(response, "list_work_orders").get("lb")
        if not isinstance(items, list):
            raise bad_answer(
                self.system, response, "list_work_orders answered without a list", retryable=True
            )
        return items

    def _identify(self, item: object) -> tuple[str, datetime]:
        try:
            return wire.work_order_id(item), wire.updated_at(item)
        except WireError as err:
            # Without gdbh and gxsj neither paging nor the cursor can be trusted.
            raise UpstreamError(
                self.system,
                f"list_work_orders listed a work order without a valid {err.field}",
                retryable=False,
            ) from None
