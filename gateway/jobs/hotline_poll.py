"""Polling fallback for the 12345 platform: work orders and 回访 results a webhook may have missed.

The platform is a Poller (adapters/base/port.py), handed to the inbound service by the wiring; what it
lists goes through the same inbound path as the webhooks (InboundService.poll -> handle): the same
validation, receipts and handling, so a 回访 is taken in once whichever way it came, and the cursor moves
only past what was taken in.
"""

from __future__ import annotations

import logging

from gateway.services.container import Services
from gateway.services.inbound import PollResult

log = logging.getLogger("gateway.jobs.hotline_poll")

SYSTEM = "hotline"
CURSOR = "hotline.work_orders"


def poll_hotline(services: Services, page_size: int = 100) -> PollResult:
    """Take in everything the platform lists as changed since the stored cursor."""
    result = services.inbound.poll(SYSTEM, CURSOR, page_size)
    log.info(
        "hotline poll: %s new, %s known, %s refused; cursor %s",
        result.received,
        result.repeated,
        result.rejected,
        result.cursor,
    )
    return result
