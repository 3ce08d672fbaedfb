"""The outbox repository's queries for staff and the message builders (issue 13: SQL out of services)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gateway.domain.outbox import OutboxStatus
from gateway.persistence.db import Database, make_engine
from gateway.services import outbox
from tests.conftest import FakeClock


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(make_engine(db_url))
    yield database
    database.dispose()


def _add(db: Database, specs: list[tuple[str, str, str, str]]) -> list[int]:
    """(target, event_type, ordering_key, status) each; the new ids in order."""
    clock = FakeClock()
    with db.writing() as uow:
        rows = [
            outbox.enqueue(
                uow.outbox,
                target=target,
                event_type=event_type,
                ordering_key=key,
                payload={"n": n},
                idempotency_key=f"repo-{n}",
                now=clock(),
            )
            for n, (target, event_type, key, _status) in enumerate(specs)
        ]
        for row, (*_, status) in zip(rows, specs, strict=True):
            row.status = status
        uow.flush()
        return [row.id for row in rows]


def test_message_is_built_by_keyword_only_and_refuses_an_unknown_target() -> None:
    fields: dict[str, Any] = {
        "target": "hotline",
        "event_type": "e",
        "ordering_key": "k",
        "payload": {},
        "idempotency_key": "i",
        "now": FakeClock()(),
    }
    values = outbox.message(**fields)
    assert values["status"] == "pending" and values["attempts"] == 0
    assert values["next_attempt_at"] == values["created_at"] == fields["now"]
    assert outbox.message(**fields, status=OutboxStatus.HELD)["status"] == "held"
    with pytest.raises(ValueError, match="unknown outbox target"):
        outbox.message(**{**fields, "target": "nowhere"})
    with pytest.raises(TypeError):
        outbox.enqueue(None, "hotline")  # type: ignore[arg-type, call-arg]


def test_find_filters_orders_and_counts(db: Database) -> None:
    ids = _add(
        db,
        [
            ("hotline", "a", "k1", "dead"),
            ("website", "reply.publish", "k2", "held"),
            ("hotline", "a", "k3", "dead"),
            ("website", "reply.publish", "k2", "sent"),
        ],
    )
    with db.reading() as uow:
        rows, total = uow.outbox.find(status="dead", target="hotline", offset=0, limit=1)
        assert total == 2 and [r.id for r in rows] == [ids[2]]  # newest first
        rows, total = uow.outbox.find(
            status=None, event_types=("reply.publish",), offset=0, limit=10, newest_first=False
        )
        assert total == 2 and [r.id for r in rows] == [ids[1], ids[3]]
        rows, total = uow.outbox.find(status=None, offset=2**40, limit=10)
        assert rows == [] and total == 4  # an absurd offset is clamped, not an error
        assert uow.outbox.get(ids[0], event_types=("reply.publish",)) is None
        assert uow.outbox.get(ids[1], event_types=("reply.publish",)) is not None


def test_a_later_message_of_the_key_counts_unless_discarded(db: Database) -> None:
    ids = _add(
        db,
        [
            ("website", "reply.publish", "k", "held"),
            ("website", "other", "k", "pending"),
            ("website", "reply.publish", "k", "discarded"),
        ],
    )
    with db.writing() as uow:
        first = uow.outbox.get(ids[0], lock=True)
        assert first is not None
        assert uow.outbox.later_of_key(first, ("reply.publish",)) is None
        assert uow.outbox.later_of_key(first, ("reply.publish", "other")) == ids[1]


def test_people_are_looked_up_in_batches(db: Database) -> None:
    with db.reading() as uow:
        assert uow.people.of_inquiries([]) == {}
        # More ids than one IN (...) takes: split, and unknown ones are simply absent.
        assert uow.people.of_inquiries(range(1_000_000, 1_001_200)) == {}
        assert uow.people.of_applications(ids=range(1, 1200), receipt_nos=["none"]) == {}
