from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, text

from gateway.app import create_app
from gateway.persistence.user_models import StaffSession
from tests.web.conftest import csrf_of, login, post
from tests.web.seed import PASSWORD

COOKIE = "gateway_console"


def saved_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def replay(app: Flask, value: str) -> FlaskClient:
    """A fresh browser holding nothing but a copy of a cookie saved earlier."""
    client = app.test_client()
    client.set_cookie(COOKIE, value)
    return client


def assert_sent_to_login(client: FlaskClient, path: str = "/console/inquiries") -> None:
    response = client.get(path)
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == f"/console/login?next={path}"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "工作人员登录" in page.text and "话务员张丽" not in page.text


def assert_logged_in(client: FlaskClient) -> None:
    page = client.get("/console/inquiries")
    assert page.status_code == 200 and "诉求队列" in page.text and "话务员张丽" in page.text


def test_a_cookie_saved_before_logout_no_longer_works(app, as_role, services):
    client = as_role("op01")
    assert_logged_in(client)
    saved = saved_cookie(client)
    out = post(client, "/console/logout")
    assert out.status_code == 302 and out.headers["Location"] == "/console/login"
    stolen = replay(app, saved)
    assert_sent_to_login(stolen)
    intake = stolen.post(  # nor does it act: the saved session's own CSRF token is no help
        "/console/inquiries/new",
        data={
            "citizen_phone": "13905911234",
            "citizen_name": "林建华",
            "kind": "consult",
            "content": "咨询",
            "mode": "save",
            "csrf_token": csrf_of(stolen),
        },
    )
    assert intake.status_code == 302 and intake.headers["Location"] == "/console/login"
    with services.db.read() as session:
        assert session.scalar(text("SELECT count(*) FROM inquiries")) == 0


def test_a_password_change_ends_every_session_of_the_account(app, as_role):
    first, second, admin = as_role("op01"), as_role("op01"), as_role("admin")
    saved = saved_cookie(second)
    reset = post(admin, "/console/admin/users/op01/password", {"password": "another-pass-1"})
    assert reset.status_code == 302
    assert_sent_to_login(first)
    assert_sent_to_login(replay(app, saved))
    assert admin.get("/console/admin/users").status_code == 200  # the administrator's own session goes on
    assert login(app.test_client(), "op01", PASSWORD).status_code == 401
    again = app.test_client()
    assert login(again, "op01", "another-pass-1").status_code == 302
    assert_logged_in(again)


def test_deactivation_ends_sessions_for_good_even_after_reactivation(app, as_role):
    operator, admin = as_role("op01"), as_role("admin")
    saved = saved_cookie(operator)
    assert post(admin, "/console/admin/users/op01/active", {"active": "0"}).status_code == 302
    assert post(admin, "/console/admin/users/op01/active", {"active": "1"}).status_code == 302
    # The account may log in again, but the session it had when it was deactivated stays ended.
    assert_sent_to_login(replay(app, saved))
    assert_sent_to_login(operator)
    fresh = app.test_client()
    assert login(fresh, "op01").status_code == 302
    assert_logged_in(fresh)


@pytest.fixture
def second_instance(settings, clock) -> Iterator[Flask]:
    """Another gateway process on the same database (same settings, same session key)."""
    other = create_app(settings, clock=clock, TESTING=True)
    yield other
    other.extensions["gateway"].close()


def test_a_session_ended_on_another_instance_is_refused_at_once(app, accounts, second_instance):
    on_a = app.test_client()
    assert login(on_a, "op01").status_code == 302
    assert_logged_in(on_a)
    on_b = replay(second_instance, saved_cookie(on_a))  # the same browser, its next request balanced to B
    assert_logged_in(on_b)
    assert post(on_b, "/console/logout").headers["Location"] == "/console/login"
    assert_sent_to_login(on_a)


def test_an_account_deactivated_on_another_instance_is_logged_out_there_at_once(
    app, accounts, second_instance
):
    on_a = app.test_client()
    assert login(on_a, "op01").status_code == 302
    admin_on_b = second_instance.test_client()
    assert login(admin_on_b, "admin").status_code == 302
    assert post(admin_on_b, "/console/admin/users/op01/active", {"active": "0"}).status_code == 302
    assert_sent_to_login(on_a)


def test_a_session_idle_past_its_lifetime_is_refused_by_the_server(as_role, clock):
    client = as_role("op01")
    clock.advance(hours=9)
    assert_logged_in(client)  # in use: the lifetime counts from the last request
    clock.advance(hours=9)
    assert_logged_in(client)
    clock.advance(hours=10, minutes=1)  # a cookie kept unused past its lifetime
    assert_sent_to_login(client)


def test_the_cookie_carries_only_the_session_id_and_the_database_only_its_hash(
    app, accounts, services, clock
):

    client = app.test_client()
    response = client.post(
        "/console/login",
        data={"username": "op01", "password": PASSWORD, "csrf_token": csrf_of(client)},
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) 政务外网终端"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302
    data = app.session_interface.get_signing_serializer(app).loads(saved_cookie(client))  # type: ignore[attr-defined]
    assert set(data) <= {"sid", "csrf", "_permanent"} and "uid" not in data
    sid = data["sid"]
    with services.db.read() as session:
        row = session.scalars(select(StaffSession)).one()
        stored = [str(v) for v in session.execute(text("SELECT * FROM staff_sessions")).one()]
    assert row.id_hash == hashlib.sha256(sid.encode()).hexdigest()
    assert not any(sid in value for value in stored)  # the id itself is nowhere in the database
    assert (row.user_id, row.created_at, row.last_seen_at, row.ended_at) == (1, clock.now, clock.now, None)
    assert row.user_agent == "Mozilla/5.0 (Windows NT 10.0) 政务外网终端" and row.address == "10.1.2.3"
    clock.advance(minutes=5)
    post(client, "/console/logout")
    with services.db.read() as session:
        ended = session.scalars(select(StaffSession)).one()
    assert (ended.ended_at, ended.end_reason) == (clock.now, "logout")


def test_checking_a_session_costs_one_primary_key_lookup(as_role, services, clock):
    client = as_role("op01")
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(services.db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/console/").status_code == 302  # the start page: a redirect and nothing else
        within_a_minute = list(statements)
        statements.clear()
        clock.advance(minutes=2)
        assert client.get("/console/").status_code == 302
        later = list(statements)
    finally:
        event.remove(services.db.engine, "before_cursor_execute", record)
    within_a_minute = [s for s in within_a_minute if not s.startswith("BEGIN")]  # see persistence.db
    later = [s for s in later if not s.startswith("BEGIN")]
    assert len(within_a_minute) == 1, within_a_minute  # no write while the session was seen lately
    lookup = within_a_minute[0]
    assert "FROM staff_sessions JOIN staff_users" in lookup and "WHERE staff_sessions.id_hash = ?" in lookup
    with services.db.read() as session:
        rows = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {lookup}", ("x",))
        plan = " | ".join(str(r[-1]) for r in rows)
    assert "SCAN" not in plan and "sqlite_autoindex_staff_sessions_1 (id_hash=?)" in plan, plan
    assert "INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    # Last seen is written at most once a minute per session.
    assert (
        len(later) == 2
        and later[0] == lookup
        and later[1].startswith("UPDATE staff_sessions SET last_seen_at")
    ), later
