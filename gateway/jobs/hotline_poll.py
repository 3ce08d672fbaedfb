"""Polling fallback for the 12345 platform: fetch work orders a webhook may have missed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from marshmallow import ValidationError

from adapters.base.port import InboundEvent
from gateway.bootstrap import Services
from gateway.services.inbound import Received
from schemas.inquiry import load_inbound_inquiry

log = logging.getLogger("gateway.jobs.hotline_poll")

CURSOR = "hotline.work_orders"


class _Poller(Protocol):
    def fetch_updates(
        self, cursor: str | None, page_size: int = 100
    ) -> tuple[list[InboundEvent], str | None]: ...


@dataclass(frozen=True)
class PollResult:
    """How many items came in, and the cursor saved."""

    received: int
    cursor: str | None


def poll_hotline(services: Services, page_size: int = 100) -> PollResult:
    """Take in everything updated since the stored cursor; the cursor moves only after success."""
    poller: Any = services.senders["hotline"]
    client: _Poller = poller
    cursor = services.inbound.cursor(CURSOR)
    events, next_cursor = client.fetch_updates(cursor, page_size)
    items: list[Received] = []
    for event in events:
        if event.kind != "inquiry":
            continue
        try:
            items.append(Received(event.kind, load_inbound_inquiry(event.data)))
        except ValidationError as err:
            # One bad work order is reported and skipped; it must not stop the others.
            log.warning("hotline poll: skipped a work order with invalid fields %s", sorted(err.messages))
    # Intake is idempotent on (channel, external_id): work orders that did arrive by webhook are not doubled.
    services.inbound.receive("hotline", items)
    if next_cursor != cursor:
        services.inbound.save_cursor(CURSOR, next_cursor)
    log.info("hotline poll: %s item(s), cursor %s -> %s", len(items), cursor, next_cursor)
    return PollResult(len(items), next_cursor)
