from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from adapters.base.port import OutboundMessage
from gateway.config import DeliveryPolicy
from gateway.delivery.worker import DeliveryWorker
from gateway.domain.errors import UpstreamError, UpstreamTimeout
from gateway.persistence.db import Database, make_engine
from gateway.persistence.models import BLOCKING_ROWS, OPEN, OutboxMessage
from gateway.services import outbox
from tests.conftest import FakeClock


class FakeReceiver:
    """An in-memory receiver with scripted failures (the HTTP path is covered by the simulator tests)."""

    system = "hotline"

    def __init__(self) -> None:
        self.got: list[OutboundMessage] = []
        self.script: list[Exception] = []

    def send(self, message: OutboundMessage) -> None:
        if self.script:
            raise self.script.pop(0)
        self.got.append(message)


@pytest.fixture
def db(db_url):
    database = Database(make_engine(db_url))
    yield database
    database.dispose()


def add(db, clock, n, key="inquiry:1:hotline", target="hotline", start=0):
    with db.writing() as uow:
        for i in range(start, start + n):
            outbox.enqueue(
                uow.outbox,
                target=target,
                event_type="inquiry.status_changed",
                ordering_key=key,
                payload={"seq": i},
                idempotency_key=f"{key}-{i}",
                now=clock(),
            )


def rows(db):
    with db.read() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def worker(db, clock, receivers, **policy):
    settings = {
        "backoff_base_seconds": 1,
        "backoff_cap_seconds": 60,
        "max_attempts": 3,
        "breaker_failures": 3,
        "breaker_cooldown_seconds": 30,
        "concurrency": 4,
        "batch_size": 20,
        **policy,
    }
    return DeliveryWorker(db, receivers, DeliveryPolicy(**settings), clock, "w1", random.Random(7))


def test_sends_in_order_per_key_and_marks_sent(db):
    clock, receiver = FakeClock(), FakeReceiver()
    add(db, clock, 5, key="inquiry:1:hotline")
    add(db, clock, 5, key="inquiry:2:hotline", start=100)
    w = worker(db, clock, {"hotline": receiver})
    first = w.run_once()
    assert first.claimed == 2  # only the head of each inquiry's queue is claimable
    report = w.drain()
    w.close()
    assert first.sent + report.sent == 10
    for key, base in (("inquiry:1:hotline", 0), ("inquiry:2:hotline", 100)):
        seq = [m.payload["seq"] for m in receiver.got if m.idempotency_key.startswith(key)]
        assert seq == list(range(base, base + 5))
    assert {r.status for r in rows(db)} == {"sent"}
    assert all(r.attempts == 1 and r.sent_at == clock() for r in rows(db))


def test_retryable_failures_back_off_then_succeed(db):
    clock, receiver = FakeClock(), FakeReceiver()
    add(db, clock, 1)
    receiver.script = [UpstreamError("hotline", "HTTP 500", retryable=True, status=500)] * 2
    w = worker(db, clock, {"hotline": receiver})
    assert w.run_once().retried == 1
    row = rows(db)[0]
    assert (row.status, row.attempts) == ("pending", 1)
    assert timedelta(seconds=0.5) <= row.next_attempt_at - clock() <= timedelta(seconds=1)
    assert "HTTP 500" in row.last_error
    assert w.run_once().claimed == 0  # not due yet
    clock.advance(seconds=1)
    assert w.run_once().retried == 1
    assert timedelta(seconds=1) <= rows(db)[0].next_attempt_at - clock() <= timedelta(seconds=2)
    clock.advance(seconds=2)
    assert w.run_once().sent == 1
    w.close()
    assert rows(db)[0].status == "sent" and rows(db)[0].attempts == 3 and len(receiver.got) == 1


def test_retry_after_is_honoured(db):
    clock, receiver = FakeClock(), FakeReceiver()
    add(db, clock, 1)
    receiver.script = [UpstreamError("hotline", "HTTP 429", retryable=True, status=429, retry_after=45)]
    w = worker(db, clock, {"hotline": receiver})
    w.run_once()
    w.close()
    assert rows(db)[0].next_attempt_at - clock() == timedelta(seconds=45)


def test_permanent_failure_goes_straight_to_dead_letters_and_holds_back_the_rest(db):
    clock, receiver = FakeClock(), FakeReceiver()
    add(db, clock, 3)
    receiver.script = [
        UpstreamError("hotline", "HTTP 400", retryable=False, status=400, body='{"code":"E2001"}')
    ]
    w = worker(db, clock, {"hotline": receiver})
    report = w.drain()
    w.close()
    assert report.dead == 1 and report.sent == 0
    first, second, third = rows(db)
    assert (first.status, first.attempts) == ("dead", 1)
    assert 'HTTP 400; response: {"code":"E2001"}' in first.last_error
    assert second.status == third.status == "pending"  # a later message never overtakes a dead one


def test_attempts_run_out_into_dead_letters(db):
    clock, receiver = FakeClock(), FakeReceiver()
    add(db, clock, 1)
    receiver.script = [UpstreamTimeout("hotline")] * 5
    w = worker(db, clock, {"hotline": receiver}, breaker_failures=10)
    for _ in range(3):
        w.run_once()
        clock.advance(seconds=120)
    w.close()
    assert (rows(db)[0].status, rows(db)[0].attempts) == ("dead", 3)


def test_circuit_opens_per_system_and_others_keep_flowing(db):
    clock, hotline, website = FakeClock(), FakeReceiver(), FakeReceiver()
    for i in range(6):
        add(db, clock, 1, key=f"inquiry:{i}:hotline", start=i)
        add(db, clock, 1, key=f"inquiry:{i}:website", target="website", start=i)
    hotline.script = [UpstreamError("hotline", "down", retryable=True)] * 100
    w = worker(db, clock, {"hotline": hotline, "website": website}, breaker_failures=3, concurrency=1)
    w.run_once()
    assert len(website.got) == 6
    tried = 6 - sum(1 for r in rows(db) if r.target == "hotline" and r.attempts == 0)
    assert tried == 3  # after three failures the rest of the batch was released untried
    clock.advance(seconds=10)
    assert w.run_once().claimed == 0  # open: nothing claimed for hotline
    hotline.script = []
    clock.advance(seconds=31)
    probe = w.run_once()
    assert probe.claimed == 1 and probe.sent == 1  # half-open: one probe, which succeeds
    w.drain()
    w.close()
    assert len(hotline.got) == 6 and {r.status for r in rows(db)} == {"sent"}


def test_an_expired_lease_is_taken_over(db):
    clock, receiver = FakeClock(), FakeReceiver()
    add(db, clock, 1)
    dead_worker = worker(db, clock, {"hotline": receiver}, lease_seconds=60)
    claimed = dead_worker._claim(clock(), limit=10)  # claims, then "dies" before sending
    dead_worker.close()
    assert len(claimed) == 1 and rows(db)[0].status == "sending"
    other = worker(db, clock, {"hotline": receiver}, lease_seconds=60)
    assert other.run_once().claimed == 0
    clock.advance(seconds=61)
    assert other.run_once().sent == 1
    other.close()
    assert rows(db)[0].attempts == 2 and [m.payload["seq"] for m in receiver.got] == [0]


def test_a_stale_worker_cannot_overwrite_the_new_owner(db):
    clock, receiver = FakeClock(), FakeReceiver()
    add(db, clock, 1)
    slow = worker(db, clock, {"hotline": receiver}, lease_seconds=10)
    claimed = slow._claim(clock(), limit=1)
    clock.advance(seconds=11)
    fast = worker(db, clock, {"hotline": receiver}, lease_seconds=10)
    fast.run_once()
    outcome = slow._send(claimed[0])
    outcome.sent = False
    outcome.error = UpstreamError("hotline", "late failure", retryable=False)
    from gateway.delivery.worker import BatchReport

    slow._record([outcome], BatchReport())
    slow.close()
    fast.close()
    assert rows(db)[0].status == "sent"


def test_unknown_system_is_a_dead_letter(db):
    clock = FakeClock()
    add(db, clock, 1, target="window", key="inquiry:1:window")
    w = worker(db, clock, {})
    w.drain()
    w.close()
    assert rows(db)[0].status == "dead" and "no adapter" in rows(db)[0].last_error


def test_the_claim_states_the_partial_indexes_predicates_verbatim(db):
    """SQLite uses a partial index only for a query term identical to its WHERE (bound parameters never
    match): the claim must repeat what migration 0008 made, and the model says."""
    names = ("ix_outbox_open", "ix_outbox_blocking_key")
    with db.engine.connect() as conn:
        made = dict(
            conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE name IN (?, ?)", names).all()
        )
    where = {name: sql.split(" WHERE ", 1)[1] for name, sql in made.items()}
    assert where == {"ix_outbox_open": OPEN.text, "ix_outbox_blocking_key": BLOCKING_ROWS.text}
    compiled = worker(db, FakeClock(), {}).claim_statement(FakeClock()(), limit=10).compile(db.engine)
    claim = str(compiled)
    assert f"candidate.{OPEN.text}" in claim and f"earlier.{BLOCKING_ROWS.text}" in claim
    with db.engine.connect() as conn:
        nulls = (None,) * len(compiled.positiontup or ())
        plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + claim, nulls))
    assert "ix_outbox_blocking_key" in plan  # the hold-back check never scans a key's sent history
