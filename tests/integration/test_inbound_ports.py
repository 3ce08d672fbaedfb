"""The thin edge: one webhook use case named by system, and polling through the Poller port for any
system that can be polled (the same inbound path as a push), with no adapter reached from a job or view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from adapters.base.port import Listed, Poller
from gateway.bootstrap import Services
from gateway.domain.errors import NotFound, WireError
from gateway.domain.inbound import InboundEvent, InboundKind
from gateway.persistence.models import Inquiry
from tests.conftest import inquiry_payload


class ListedMessages:
    """A website that lists its 留言 (in memory): one readable, one that cannot be mapped."""

    system = "website"

    def __init__(self) -> None:
        self.asked: list[tuple[str | None, int]] = []

    def changes(self, cursor: str | None, page_size: int) -> Iterator[list[Listed]]:
        self.asked.append((cursor, page_size))
        data = inquiry_payload(channel="website", external_id="LY-20261123-0001")
        message = InboundEvent(InboundKind.INQUIRY, data)
        yield [
            Listed("2026-11-23T10:01:00+08:00", "LY-20261123-0001", [message]),
            Listed("2026-11-23T10:02:00+08:00", "LY-20261123-0002", problem=WireError("lylx", "未知类型")),
        ]


def test_any_poller_is_polled_through_the_one_inbound_path(services: Services) -> None:
    website = ListedMessages()
    pollers: dict[str, Poller] = {"website": website}
    services.inbound.pollers = pollers

    result = services.inbound.poll("website", "website.messages", page_size=50)
    again = services.inbound.poll("website", "website.messages", page_size=50)

    assert (result.received, result.repeated, result.rejected) == (1, 0, 1)
    assert result.rejections == "LY-20261123-0002: lylx: 未知类型"
    assert result.cursor == "2026-11-23T10:02:00+08:00"
    assert website.asked == [(None, 50), ("2026-11-23T10:02:00+08:00", 50)]
    assert (again.received, again.repeated, again.rejected) == (0, 1, 0)  # receipts: nothing twice
    with services.db.read() as session:
        stored = session.scalars(select(Inquiry.external_id).where(Inquiry.channel == "website")).all()
    assert stored == ["LY-20261123-0001"]
    assert services.inbound.cursor("website.messages") == "2026-11-23T10:02:00+08:00"


def test_a_system_that_cannot_be_polled_is_named(services: Services) -> None:
    with pytest.raises(NotFound, match="window cannot be polled"):
        services.inbound.poll("window", "window.items")


def test_the_webhook_use_case_takes_the_system_by_name(services: Services) -> None:
    with pytest.raises(NotFound, match="no such system: fax"):
        services.inbound.handle_webhook("fax", {}, b"{}")
    unsigned = services.inbound.handle_webhook("website", {"content-type": "application/json"}, b"{}")
    too_large = services.inbound.handle_webhook("website", {}, b"", too_large_for=1024)
    assert unsigned.status == 401 and "webhook" in str(unsigned.body).lower()
    assert too_large.status == 413
