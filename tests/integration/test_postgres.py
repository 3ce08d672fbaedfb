from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session

from gateway.bootstrap import Services
from gateway.domain.calendar import SHANGHAI
from gateway.domain.lifecycle import Status, replay
from gateway.persistence import migrate
from gateway.persistence.models import Base, Inquiry, InquiryEvent, OutboxMessage
from tests.conftest import FakeClock, inquiry_payload, on_postgres

pytestmark = pytest.mark.postgres

Headers = dict[str, dict[str, str]]
INQUIRIES = "/api/v1/inquiries"
RACERS = 50


def _create(client: FlaskClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    resp = client.post(INQUIRIES, json=inquiry_payload(**overrides), headers=headers)
    assert resp.status_code == 201, resp.get_json()
    body: dict[str, Any] = resp.get_json()
    return body


def _act(
    client: FlaskClient, inquiry_id: int, action: str, headers: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    resp = client.post(f"{INQUIRIES}/{inquiry_id}/{action}", json=body, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    view: dict[str, Any] = resp.get_json()
    return view


def _ids(client: FlaskClient, headers: dict[str, str], **params: Any) -> set[int]:
    resp = client.get(INQUIRIES, query_string={"page_size": 100, **params}, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    items = resp.get_json()
    if items:
        assert json.loads(resp.headers["X-Pagination"])["total"] == len(items)
    return {item["id"] for item in items}


def _race(count: int, call: Callable[[int], requests.Response]) -> list[tuple[int, dict[str, Any]]]:
    barrier = threading.Barrier(count)
    results: list[tuple[int, dict[str, Any]] | None] = [None] * count
    failures: list[Exception] = []

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            resp = call(index)
            results[index] = (resp.status_code, resp.json())
        except Exception as err:  # reported below, never lost in the thread
            failures.append(err)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(i,), name=f"racer-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [t.name for t in threads if t.is_alive()], "racers still running"
    assert not failures, failures
    done = [r for r in results if r is not None]
    assert len(done) == count
    return done


def _outbox(session: Session, inquiry_id: int) -> list[OutboxMessage]:
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [m for m in rows if m.payload.get("inquiry_id") == inquiry_id]


def _signature(messages: list[OutboxMessage], action: str | None = None) -> Counter[tuple[str, str, Any]]:
    return Counter(
        (m.target, m.event_type, m.payload.get("action"))
        for m in messages
        if action is None or m.payload.get("action") == action
    )


def _rows_per_inquiry_table(session: Session, inquiry_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if "inquiry_id" in table.c:
            query = select(func.count()).select_from(table).where(table.c.inquiry_id == inquiry_id)
            counts[table.name] = session.scalar(query) or 0
    return counts


# ---- schema ---------------------------------------------------------------------------------------


@on_postgres
def test_migrations_reach_head_and_readyz_reports_ok(pg_engine: Engine, client: FlaskClient) -> None:
    head = migrate.head_revision()
    assert head is not None
    assert pg_engine.dialect.name == "postgresql"
    assert migrate.current_revision(pg_engine) == head

    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.get_json() == {
        "status": "ok",
        "database": "ok",
        "migrations": {"current": head, "head": head},
    }


def test_model_metadata_matches_migrated_schema(pg_engine: Engine) -> None:
    with pg_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diffs = compare_metadata(context, Base.metadata)
        assert diffs == []

        inspector = inspect(conn)
        assert set(inspector.get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
        uniques = {u["name"]: u["column_names"] for u in inspector.get_unique_constraints("inquiries")}
        assert uniques["uq_inquiries_channel_external_id"] == ["channel", "external_id"]
        columns = {c["name"]: c["type"] for c in inspector.get_columns("inquiries")}
        for name in ("created_at", "updated_at", "due_at", "dispatched_at", "replied_at", "closed_at"):
            assert getattr(columns[name], "timezone", False) is True, name
        kinds = conn.execute(
            text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND column_name = 'id'"
            )
        ).all()
        assert {row.data_type for row in kinds} == {"bigint"}


# ---- time -----------------------------------------------------------------------------------------


@on_postgres
def test_created_at_round_trips_as_aware_utc(
    client: FlaskClient, auth: Headers, services: Services, pg_engine: Engine, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 23, 2, 0, 0, 123456, tzinfo=UTC)
    body = _create(client, auth["operator"])
    assert body["created_at"] == "2026-11-23T10:00:00.123456+08:00"
    assert body["dispatched_at"] == "2026-11-23T10:00:00.123456+08:00"
    assert body["due_at"] == "2026-11-26T23:59:59+08:00"

    with services.db.read() as session:
        row = session.get(Inquiry, body["id"])
        assert row is not None
        assert row.created_at == clock.now
        assert row.created_at.tzinfo is not None
        assert row.created_at.utcoffset() == timedelta(0)
        assert row.due_at == datetime(2026, 11, 26, 23, 59, 59, tzinfo=SHANGHAI)
        assert row.due_at is not None and row.due_at.utcoffset() == timedelta(0)

    with pg_engine.connect() as conn:
        # Whatever zone the session runs in, the stored instant and what the ORM returns stay the same.
        conn.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))
        raw = conn.execute(
            text(
                "SELECT created_at, created_at AT TIME ZONE 'UTC' AS utc_wall, "
                "pg_typeof(created_at)::text AS type FROM inquiries WHERE id = :id"
            ),
            {"id": body["id"]},
        ).one()
        assert raw.type == "timestamp with time zone"
        assert raw.utc_wall == datetime(2026, 11, 23, 2, 0, 0, 123456)
        assert raw.created_at == clock.now
        assert raw.created_at.utcoffset() == timedelta(hours=-5)
        with Session(conn) as session:
            via_orm = session.scalar(select(Inquiry.created_at).where(Inquiry.id == body["id"]))
        assert via_orm == clock.now
        assert via_orm is not None and via_orm.tzinfo is UTC

    shown = client.get(f"{INQUIRIES}/{body['id']}", headers=auth["operator"]).get_json()
    assert shown["created_at"] == "2026-11-23T10:00:00.123456+08:00"
    assert shown["updated_at"] == "2026-11-23T10:00:00.123456+08:00"
    events = client.get(f"{INQUIRIES}/{body['id']}/events", headers=auth["operator"]).get_json()
    assert [e["created_at"] for e in events] == ["2026-11-23T10:00:00.123456+08:00"] * 2


# ---- concurrency ----------------------------------------------------------------------------------


@on_postgres
def test_concurrent_identical_intake_creates_one_inquiry(
    live_server: str, client: FlaskClient, auth: Headers, pg_engine: Engine
) -> None:
    headers = auth["system:hotline"]  # only 12345 gives its work-order ids
    # The same inquiry taken in once, without a race: what one intake writes, wherever it writes it.
    baseline = _create(client, headers, external_id="GD-BASELINE")
    payload = inquiry_payload(external_id="GD-RACE-0001")

    results = _race(
        RACERS,
        lambda _i: requests.post(f"{live_server}{INQUIRIES}", json=payload, headers=headers, timeout=60),
    )

    statuses = Counter(status for status, _ in results)
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses == Counter({201: 1, 200: RACERS - 1})
    assert len({body["id"] for _, body in results}) == 1
    assert len({body["number"] for _, body in results}) == 1
    created = next(body for status, body in results if status == 201)
    assert created["id"] != baseline["id"]
    assert (created["status"], created["department"]) == ("dispatched", "SFJ")
    assert created["external_id"] == "GD-RACE-0001"
    assert all(body == created for _, body in results)

    with Session(pg_engine) as session:
        rows = session.scalars(
            select(Inquiry).where(Inquiry.channel == "hotline", Inquiry.external_id == "GD-RACE-0001")
        ).all()
        assert [r.id for r in rows] == [created["id"]]
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 2
        actions = Counter(
            session.scalars(select(InquiryEvent.action).where(InquiryEvent.inquiry_id == created["id"]))
        )
        assert actions["intake"] == 1
        assert actions == Counter({"intake": 1, "dispatch": 1})
        assert _rows_per_inquiry_table(session, created["id"]) == _rows_per_inquiry_table(
            session, baseline["id"]
        )
        raced, single = _outbox(session, created["id"]), _outbox(session, baseline["id"])
        assert single, "a routed hotline inquiry announces its dispatch"
        assert _signature(raced) == _signature(single)
        assert max(_signature(raced).values()) == 1
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == len(raced) + len(single)


@on_postgres
def test_repeated_intake_lists_only_the_callers_actions(client: FlaskClient, auth: Headers) -> None:
    # Only 12345 gives its own work-order ids (issue 12): the repeat comes from its key, which may
    # dispatch nothing, while the operator reading the same inquiry may dispatch it.
    hotline = auth["system:hotline"]
    first = _create(client, hotline, external_id="GD-REPEAT")
    resp = client.post(INQUIRIES, json=inquiry_payload(external_id="GD-REPEAT"), headers=hotline)
    assert resp.status_code == 200
    repeat = resp.get_json()
    assert repeat["id"] == first["id"]
    assert first["allowed_actions"] == []
    assert repeat["allowed_actions"] == first["allowed_actions"]
    shown = client.get(f"{INQUIRIES}/{first['id']}", headers=auth["operator"]).get_json()
    assert shown["allowed_actions"] == ["dispatch"]


@on_postgres
def test_concurrent_acknowledge_lets_exactly_one_win(
    live_server: str, client: FlaskClient, auth: Headers, pg_engine: Engine
) -> None:
    inquiry = _create(client, auth["system:hotline"], external_id="GD-RACE-ACK")
    assert inquiry["status"] == "dispatched"
    baseline = _create(client, auth["system:hotline"], external_id="GD-BASELINE-ACK")
    _act(client, baseline["id"], "acknowledge", auth["department"], {"note": "签收"})
    url = f"{live_server}{INQUIRIES}/{inquiry['id']}/acknowledge"
    headers = auth["department"]

    results = _race(
        RACERS, lambda i: requests.post(url, json={"note": f"签收-{i}"}, headers=headers, timeout=60)
    )

    statuses = Counter(status for status, _ in results)
    assert statuses == Counter({200: 1, 409: RACERS - 1}), statuses
    winning_index, winner = next((i, body) for i, (status, body) in enumerate(results) if status == 200)
    assert winner["id"] == inquiry["id"]
    assert winner["status"] == "acknowledged"
    for status, body in results:
        if status == 409:
            assert body["code"] == 409
            assert body["errors"]["current_status"] == "acknowledged"
            assert body["errors"]["action"] == "acknowledge"

    with Session(pg_engine) as session:
        row = session.get(Inquiry, inquiry["id"])
        assert row is not None and row.status == "acknowledged"
        acks = session.scalars(
            select(InquiryEvent).where(
                InquiryEvent.inquiry_id == inquiry["id"], InquiryEvent.action == "acknowledge"
            )
        ).all()
        assert len(acks) == 1
        assert (acks[0].from_status, acks[0].to_status) == ("dispatched", "acknowledged")
        assert acks[0].note == f"签收-{winning_index}"
        raced, single = _outbox(session, inquiry["id"]), _outbox(session, baseline["id"])
        assert _signature(raced, "acknowledge"), "the acknowledgement is announced to the origin"
        assert _signature(raced, "acknowledge") == _signature(single, "acknowledge")
        assert _signature(raced) == _signature(single)


# ---- lifecycle ------------------------------------------------------------------------------------


@on_postgres
def test_full_lifecycle_replays_to_current_status(
    client: FlaskClient, auth: Headers, services: Services, pg_engine: Engine, clock: FakeClock
) -> None:
    op, dept = auth["operator"], auth["department"]
    # A 12345 work order (its own id), so that every step goes back to the platform as a status message.
    created = _create(
        client, auth["system:hotline"], external_id="GD-LIFECYCLE", content="来电人咨询申请法律援助的条件。"
    )
    iid = created["id"]
    assert (created["status"], created["department"], created["routing_rule"]) == (
        "dispatched",
        "SFJ",
        "法律服务",
    )
    assert created["due_at"] == "2026-11-26T23:59:59+08:00"

    clock.advance(hours=1)
    acked = _act(client, iid, "acknowledge", dept, {"note": "已签收"})
    assert acked["status"] == "acknowledged"
    assert acked["updated_at"] == "2026-11-23T11:00:00+08:00"

    asked = _act(client, iid, "request-extension", dept, {"workdays": 5, "reason": "需调取档案"})
    assert asked["status"] == "extension_requested"
    with Session(pg_engine) as session:
        assert session.scalar(select(Inquiry.extension_workdays).where(Inquiry.id == iid)) == 5

    approved = _act(client, iid, "approve-extension", op, {"note": "同意延期"})
    assert approved["status"] == "acknowledged"
    # Thu 11-26 + 5 working days: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3 December.
    assert approved["due_at"] == "2026-12-03T23:59:59+08:00"
    old_due = datetime(2026, 11, 26, 23, 59, 59, tzinfo=SHANGHAI)
    assert services.calendar.add_workdays(old_due, 5).at == datetime(2026, 12, 3, 23, 59, 59, tzinfo=SHANGHAI)

    replied = _act(
        client, iid, "reply", dept, {"note": "已电话答复", "public_reply": "请携带身份证到司法所申请。"}
    )
    assert replied["status"] == "replied"
    assert replied["replied_at"] == "2026-11-23T11:00:00+08:00"

    called = _act(client, iid, "callback", op, {"satisfaction": "dissatisfied", "solved": False})
    assert called["status"] == "called_back"
    assert "reopen" in called["allowed_actions"]

    clock.now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 Beijing
    reopened = _act(client, iid, "reopen", op, {"reason": "群众不满意，重办"})
    assert reopened["status"] == "reopened"
    assert reopened["due_at"] == "2026-11-27T23:59:59+08:00"
    assert (reopened["satisfaction"], reopened["solved"], reopened["reply_note"]) == (None, None, None)

    resp = client.get(f"{INQUIRIES}/{iid}/events", headers=op)
    assert resp.status_code == 200
    events = resp.get_json()
    assert [e["action"] for e in events] == [
        "intake",
        "dispatch",
        "acknowledge",
        "request-extension",
        "approve-extension",
        "reply",
        "callback",
        "reopen",
    ]
    approve = events[4]
    assert approve["data"] == {
        "workdays": 5,
        "old_due_at": "2026-11-26T23:59:59+08:00",
        "due_at": "2026-12-03T23:59:59+08:00",
    }
    assert replay((e["from_status"], e["action"], e["to_status"]) for e in events) == Status.REOPENED

    with Session(pg_engine) as session:
        stored = session.execute(
            select(InquiryEvent.from_status, InquiryEvent.action, InquiryEvent.to_status)
            .where(InquiryEvent.inquiry_id == iid)
            .order_by(InquiryEvent.id)
        ).all()
        row = session.get(Inquiry, iid)
        assert row is not None
        assert (
            replay((r.from_status, r.action, r.to_status) for r in stored)
            == Status(row.status)
            == Status.REOPENED
        )
        assert [tuple(r) for r in stored] == [(e["from_status"], e["action"], e["to_status"]) for e in events]
        assert row.due_at == datetime(2026, 11, 27, 23, 59, 59, tzinfo=SHANGHAI)
        assert row.extension_workdays is None
        messages = _outbox(session, iid)
        to_origin = [
            m for m in messages if m.target == "hotline" and m.event_type == "inquiry.status_changed"
        ]
        assert [m.payload["action"] for m in to_origin] == [e["action"] for e in events[1:]]
        assert [m.payload["status"] for m in to_origin] == [e["to_status"] for e in events[1:]]
        assert to_origin[4].payload["public_reply"] == "请携带身份证到司法所申请。"
        assert to_origin[4].payload["at"] == "2026-11-23T11:00:00+08:00"
        assert len({m.idempotency_key for m in messages}) == len(messages)


# ---- filters --------------------------------------------------------------------------------------

SQL_TEXT = "'; DROP TABLE inquiries; --"


@on_postgres
def test_text_status_and_department_filters(client: FlaskClient, auth: Headers, pg_engine: Engine) -> None:
    op, hotline = auth["operator"], auth["system:hotline"]  # 12345 takes in its own work orders
    percent = _create(
        client,
        hotline,
        external_id="F-PCT",
        kind="complaint",
        title="预付卡退款",
        content="商家承诺充值返现100%，现在拒绝退款。",
    )["id"]
    under = _create(
        client,
        hotline,
        external_id="F-UND",
        title=None,
        content="网站账号 user_name 无法登录，咨询办理流程。",
    )["id"]
    sql = _create(
        client,
        hotline,
        external_id="F-SQL",
        kind="complaint",
        title=None,
        content=f"留言：{SQL_TEXT} 小区夜间噪音，路径 C:\\new\\log",
    )["id"]
    illegal = _create(
        client, hotline, external_id="F-WJ", kind="report", title=None, content="小区内违章搭建阳台。"
    )
    manual = _create(
        client, hotline, external_id="F-MAN", kind="suggestion", title=None, content="建议增加公园长椅。"
    )["id"]
    trap = _create(
        client, hotline, external_id="F-TRAP", title=None, content="预付卡返现100元，username 已注册。"
    )["id"]
    everyone = {percent, under, sql, illegal["id"], manual, trap}

    assert _ids(client, op) == everyone
    assert _ids(client, op, q="%") == {percent}
    # Two digits or more look only at the numbers (a search must not spell out a masked phone).
    assert _ids(client, op, q="100%") == set()
    assert _ids(client, op, q="返现1") == {percent, trap}
    assert _ids(client, op, q="_") == {under}
    assert _ids(client, op, q="user_name") == {under}
    assert _ids(client, op, q="%_") == set()
    assert _ids(client, op, q="\\") == {sql}
    assert _ids(client, op, q="\\n") == {sql}
    assert _ids(client, op, q=SQL_TEXT) == {sql}
    assert _ids(client, op, q="' OR '1'='1") == set()
    assert _ids(client, op, q="100") == set()
    assert _ids(client, op, q=illegal["number"]) == {illegal["id"]}
    assert _ids(client, op, q="F-SQL") == {sql}
    with Session(pg_engine) as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == len(everyone)

    assert _ids(client, op, status="received") == {manual}
    assert _ids(client, op, status=["received", "dispatched"]) == everyone
    _act(client, sql, "acknowledge", auth["department_hbj"], {})
    assert _ids(client, op, status="acknowledged") == {sql}
    assert _ids(client, op, status=["dispatched"]) == everyone - {manual, sql}
    assert _ids(client, op, status=["closed", "replied"]) == set()

    # 违章建筑 is led by CGJ with ZJJ helping; 噪声扰民 is led by HBJ with CGJ helping.
    assert illegal["department"] == "CGJ" and illegal["co_departments"] == ["ZJJ"]
    assert _ids(client, op, department="CGJ") == {sql, illegal["id"]}
    assert _ids(client, op, department="ZJJ") == {illegal["id"]}
    assert _ids(client, op, department="HBJ") == {sql}
    assert _ids(client, op, department="SJJ") == {percent, trap}
    assert _ids(client, op, department="CGJ", status="dispatched") == {illegal["id"]}
    assert _ids(client, op, department="CGJ", q="噪音") == {sql}
    assert _ids(client, auth["department_hbj"]) == {sql}
    assert _ids(client, auth["department"]) == set()


@on_postgres
def test_deadline_and_created_filters_follow_the_clock(
    client: FlaskClient, auth: Headers, clock: FakeClock
) -> None:
    op, hotline = auth["operator"], auth["system:hotline"]  # 12345 takes in its own work orders
    consult = _create(client, hotline, external_id="D-1")  # 3 working days: Thu 11-26 end
    manual = _create(
        client, hotline, external_id="D-3", kind="suggestion", title=None, content="建议增加公园长椅。"
    )
    clock.advance(hours=1)
    complaint = _create(
        client, hotline, external_id="D-2", kind="complaint", title=None, content="工地夜间噪音扰民。"
    )
    assert consult["due_at"] == "2026-11-26T23:59:59+08:00"
    assert complaint["due_at"] == "2026-12-10T23:59:59+08:00"
    assert manual["status"] == "received" and manual["due_at"] is None
    c, p, m = consult["id"], complaint["id"], manual["id"]

    assert _ids(client, op, created_from="2026-11-23T10:30:00+08:00") == {p}
    assert _ids(client, op, created_to="2026-11-23T10:30:00") == {c, m}
    assert _ids(
        client, op, created_from="2026-11-23T02:00:00Z", created_to="2026-11-23T02:00:00.000001Z"
    ) == {c, m}

    assert _ids(client, op, overdue="true") == set()
    assert _ids(client, op, due_soon="true") == set()
    assert _ids(client, op, overdue="false") == {c, p, m}

    clock.now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday: Thursday's deadline is due soon
    assert _ids(client, op, due_soon="true") == {c}
    assert _ids(client, op, due_soon="false") == {p, m}
    assert _ids(client, op, overdue="true") == set()
    view = client.get(f"{INQUIRIES}/{c}", headers=op).get_json()
    assert view["deadline_state"] == "due_soon"

    clock.now = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday: Thursday's deadline has passed
    assert _ids(client, op, overdue="true") == {c}
    assert _ids(client, op, overdue="false") == {p, m}
    assert _ids(client, op, due_soon="true") == set()
    assert _ids(client, op, overdue="true", department="SFJ") == {c}
    assert _ids(client, op, overdue="true", department="HBJ") == set()
    assert client.get(f"{INQUIRIES}/{c}", headers=op).get_json()["deadline_state"] == "overdue"

    _act(client, c, "acknowledge", auth["department"], {})
    _act(client, c, "reply", auth["department"], {"note": "已答复"})
    assert _ids(client, op, overdue="true") == set()

    clock.now = datetime(2026, 12, 10, 16, 0, 0, tzinfo=UTC)  # 00:00 on 12-11 in Beijing
    assert _ids(client, op, overdue="true") == {p}


# ---- bad input ------------------------------------------------------------------------------------


@on_postgres
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("content", "法律援助\x00申请"),
        ("title", "标题\x00"),
        ("external_id", "GD-\x00-1"),
        ("address", "\x00"),
        ("content", "lone surrogate \ud800 here"),
    ],
)
def test_nul_and_invalid_text_is_rejected_with_422(
    client: FlaskClient, auth: Headers, pg_engine: Engine, field: str, value: str
) -> None:
    # json.dumps escapes to ASCII: the NUL and the lone surrogate travel as \u escapes, as clients send them.
    raw = json.dumps(inquiry_payload(**{field: value}))
    assert "\\u0000" in raw or "\\ud800" in raw
    resp = client.post(INQUIRIES, data=raw, content_type="application/json", headers=auth["operator"])
    assert resp.status_code == 422, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["code"] == 422
    assert field in body["errors"]["json"]
    with Session(pg_engine) as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 0


@on_postgres
def test_nul_in_citizen_query_and_action_bodies_is_rejected_with_422(
    client: FlaskClient, auth: Headers, pg_engine: Engine
) -> None:
    op = auth["operator"]
    citizen = {"name": "林\x00建华", "phone": "13905911234"}
    resp = client.post(INQUIRIES, json=inquiry_payload(citizen=citizen), headers=op)
    assert resp.status_code == 422
    assert "name" in resp.get_json()["errors"]["json"]["citizen"]

    resp = client.get(f"{INQUIRIES}?q=a%00b", headers=op)
    assert resp.status_code == 422
    assert "q" in resp.get_json()["errors"]["query"]

    created = _create(client, op)
    _act(client, created["id"], "acknowledge", auth["department"], {})
    resp = client.post(
        f"{INQUIRIES}/{created['id']}/reply", json={"note": "答复\x00"}, headers=auth["department"]
    )
    assert resp.status_code == 422
    assert "note" in resp.get_json()["errors"]["json"]
    with Session(pg_engine) as session:
        row = session.get(Inquiry, created["id"])
        assert row is not None and row.status == "acknowledged" and row.reply_note is None


@on_postgres
def test_ids_beyond_the_stored_range_answer_404(client: FlaskClient, auth: Headers) -> None:
    for inquiry_id in (2**63 - 1, 2**31, 0):
        resp = client.get(f"{INQUIRIES}/{inquiry_id}", headers=auth["operator"])
        assert resp.status_code == 404, resp.get_json()
        assert resp.get_json()["code"] == 404
