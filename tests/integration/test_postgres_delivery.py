from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import select

from adapters.base.http import HttpClient, make_session
from adapters.base.simulator import ServerThread
from adapters.hotline import HotlineClient, create_simulator
from gateway.config import DeliveryPolicy
from gateway.delivery.worker import DeliveryWorker
from gateway.persistence.db import Database, make_engine
from gateway.persistence.models import OutboxMessage
from gateway.services import outbox
from tests.conftest import FakeClock

pytestmark = pytest.mark.postgres

ROWS = 400
LONG_AGO = "TIMESTAMPTZ '2026-01-01 00:00+00'"  # due for any test clock


def work_order(n: int) -> dict[str, object]:
    return {
        "inquiry_id": n,
        "number": f"SQ20261126{n:08d}",
        "origin": "website",
        "external_id": f"LY{n:06d}",
        "kind": "complaint",
        "title": f"第{n}号留言:噪音扰民",
        "content": "夜间施工噪音扰民,请查处。",
        "category": None,
        "address": None,
        "district": "金山街道",
        "citizen": {"name": "陈晓燕", "phone": "13805912345", "id_number": None},
        "public_consent": False,
        "created_at": "2026-11-26T09:00:00+08:00",
    }


@pytest.fixture
def hotline_sim():
    server = ServerThread(create_simulator()).start()
    yield server
    server.stop()


def test_two_workers_on_postgres_never_send_a_row_twice(pg, hotline_sim):
    clock = FakeClock()
    seed = Database(make_engine(pg.url))
    with seed.writing() as uow:
        for n in range(ROWS):
            # three inquiries share each ordering key, so order and claiming interact
            key = f"inquiry:{n // 3}:hotline"
            outbox.enqueue(
                uow.outbox,
                target="hotline",
                event_type="workorder.create",
                ordering_key=key,
                payload=work_order(n),
                idempotency_key=f"wo-{n}",
                now=clock(),
            )
    seed.dispose()

    policy = DeliveryPolicy(batch_size=25, concurrency=4, lease_seconds=60)
    workers, sessions = [], []
    for name in ("host-a", "host-b"):
        session = make_session()
        sessions.append(session)
        client = HotlineClient(HttpClient("hotline", hotline_sim.url, session, timeout=(2, 5)))
        workers.append(
            DeliveryWorker(Database(make_engine(pg.url)), {"hotline": client}, policy, clock, name)
        )
    reports = {}

    def run(worker: DeliveryWorker) -> None:
        reports[worker.worker_id] = worker.drain()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for worker, session in zip(workers, sessions, strict=True):
        worker.close()
        worker.db.dispose()
        session.close()

    state = hotline_sim.app.extensions["simulator"]
    sends = Counter(r.idempotency_key for r in state.received if r.operation == "cjgd")
    assert len(sends) == ROWS
    assert max(sends.values()) == 1  # not even a repeat the receiver had to drop
    assert reports["host-a"].sent > 0 and reports["host-b"].sent > 0  # both really worked
    assert reports["host-a"].sent + reports["host-b"].sent == ROWS
    check = Database(make_engine(pg.url))
    with check.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    check.dispose()
    assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {1}
    order = [r.idempotency_key for r in state.received if r.operation == "cjgd"]
    for group in range(ROWS // 3):
        keys = [f"wo-{n}" for n in range(group * 3, min(group * 3 + 3, ROWS))]
        assert [k for k in order if k in keys] == keys  # one inquiry's messages arrived in order


def test_a_claim_does_not_walk_the_sent_history(pg):
    """Sent messages are kept: a claim must find the open ones without reading past the sent ones,
    also with a backlog (the planner then thought walking the primary key would find them soon)."""
    clock = FakeClock()
    db = Database(make_engine(pg.url))

    def insert(prefix: str, status: str, n: int, keys: int) -> str:
        """n messages of `keys` keys, in one statement (the test's own constants, no input)."""
        values = (
            f"'hotline', 'workorder.create', '{prefix}:' || mod(g, {keys}) || ':hotline', '{{}}'::json, "
            f"'{prefix}-' || g, '{status}', 1, {LONG_AGO}, {LONG_AGO}, NULL"
        )
        columns = (
            "target, event_type, ordering_key, payload, idempotency_key, status, attempts, next_attempt_at, "
            "created_at, sent_at"
        )
        return f"INSERT INTO outbox ({columns}) SELECT {values} FROM generate_series(1, {n}) AS g"  # noqa: S608

    try:
        with db.engine.begin() as conn:  # 20,000 sent, then a backlog of 2,000 (a receiver was down)
            conn.exec_driver_sql(insert("old", "sent", 20_000, 20_000))
            conn.exec_driver_sql(insert("new", "pending", 2000, 1000))  # two messages per key
            conn.exec_driver_sql("ANALYZE outbox")
        worker = DeliveryWorker(db, {}, DeliveryPolicy(batch_size=25), clock, "host-a")
        statement = worker.claim_statement(clock(), limit=25)
        with db.engine.begin() as conn:
            compiled = statement.compile(dialect=conn.dialect)
            plan = conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled), compiled.params
            ).scalar_one()
            conn.rollback()
        read: list[int] = []

        def walk(node: dict) -> None:
            if node.get("Relation Name") == "outbox":
                read.append(node["Actual Rows"] + node.get("Rows Removed by Filter", 0))
            for child in node.get("Plans", []):
                walk(child)

        walk(plan[0]["Plan"])
        assert read and max(read) < 1000, read  # neither the 20,000 sent rows nor the whole backlog
        with db.unit_of_work() as session:
            claimed = session.execute(statement, execution_options={"synchronize_session": False}).all()
        # the first 25 of the backlog (new-1001 onwards share their keys with new-1 to new-1000: held back)
        assert sorted(r.idempotency_key for r in claimed) == sorted(f"new-{n}" for n in range(1, 26))
    finally:
        db.dispose()
