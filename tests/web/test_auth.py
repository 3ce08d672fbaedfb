from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from gateway.app import create_app
from gateway.domain.access import Actor
from gateway.persistence.user_models import LoginFailure
from gateway.services.accounts import client_key
from gateway.services.inquiries import InquiryFilter
from tests.conftest import inquiry_payload
from tests.web.conftest import csrf_of, flashes, login, post
from tests.web.seed import PASSWORD, seed_accounts

GENERIC = "登录失败：用户名或密码错误；多次失败后账户将被暂时锁定，请稍后再试。"


def test_login_lands_on_the_roles_console_with_a_safe_cookie(client, accounts):
    page = client.get("/console/login")
    assert page.status_code == 200 and "工作人员登录" in page.text
    response = login(client, "op01")
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/console/").headers["Location"] == "/console/inquiries"
    queue = client.get("/console/inquiries")
    assert queue.status_code == 200 and "诉求队列" in queue.text and "话务员张丽" in queue.text
    assert (
        queue.headers["Cache-Control"] == "no-store"
        and "frame-ancestors 'none'" in queue.headers["Content-Security-Policy"]
    )


def test_cookie_is_secure_over_tls(app, accounts):
    client = app.test_client()
    page = client.get("/console/login", base_url="https://gateway.example")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    response = client.post(
        "/console/login",
        base_url="https://gateway.example",
        data={"username": "sup01", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_failed_login_gives_one_message_whatever_was_wrong(client, accounts):
    wrong_password = login(client, "op01", "not-the-password")
    unknown_user = login(client, "nobody", PASSWORD)
    empty = login(client, "", "")
    for response in (wrong_password, unknown_user, empty):
        assert response.status_code == 401
        assert flashes(response.text) == [GENERIC]
    assert "不存在" not in unknown_user.text


def test_repeated_failures_lock_the_account_then_it_opens_again(client, accounts, app, clock):
    staff = app.extensions["console"].staff
    for _ in range(5):
        assert login(client, "op01", "wrong-password").status_code == 401
    assert staff.get(1).locked_until == clock.now + timedelta(minutes=15)
    locked = login(client, "op01")  # the right password, but locked: the same message
    assert locked.status_code == 401 and flashes(locked.text) == [GENERIC]
    clock.advance(minutes=16)
    assert login(client, "op01", "wrong-password").status_code == 401
    assert staff.get(1).locked_until == clock.now + timedelta(minutes=30)  # doubled
    clock.advance(minutes=31)
    assert login(client, "op01").status_code == 302
    info = staff.get(1)
    assert info.failed_logins == 0 and info.locked_until is None and info.last_login_at == clock.now


def test_logout_ends_the_session(as_role):
    client = as_role("op01")
    assert client.get("/console/inquiries").status_code == 200
    assert client.get("/console/logout").status_code == 405  # only a POST with the token logs out
    response = post(client, "/console/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/console/login"
    again = client.get("/console/inquiries")
    assert again.status_code == 302 and again.headers["Location"].startswith(
        "/console/login?next=/console/inquiries"
    )


def test_a_post_without_the_csrf_token_is_refused_in_chinese(as_role, services):
    client = as_role("op01")
    form = {
        "citizen_phone": "13905911234",
        "citizen_name": "林建华",
        "kind": "consult",
        "content": "咨询",
        "mode": "save",
    }
    for token in (None, "forged"):
        data = dict(form) if token is None else {**form, "csrf_token": token}
        response = client.post("/console/inquiries/new", data=data)
        assert response.status_code == 400
        assert "CSRF" in response.text and "请刷新页面后重新提交" in response.text
    assert services.inquiries.find(InquiryFilter(), Actor("t", "admin"), offset=0, limit=10).total == 0
    assert client.post("/console/login", data={"username": "op01", "password": PASSWORD}).status_code == 400


def test_the_json_api_keeps_its_bearer_keys_and_needs_no_csrf(client, auth):
    response = client.post("/api/v1/inquiries", json=inquiry_payload(), headers=auth["operator"])
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


def test_a_role_trying_a_page_it_may_not_see_gets_a_chinese_403(as_role):
    window = as_role("win01")
    for path in (
        "/console/supervisor",
        "/console/admin/users",
        "/console/supervisor/dead-letters",
        "/console/supervisor/runs",
    ):
        response = window.get(path)
        assert response.status_code == 403, path
        assert "无权访问" in response.text
    operator = as_role("op01")
    assert operator.get("/console/supervisor/monthly.xlsx").status_code == 403
    assert operator.get("/console/window/applications").status_code == 403
    department = as_role("dept01")
    assert (
        post(department, "/console/admin/users", {"username": "x1", "password": "abcdefgh1"}).status_code
        == 403
    )


def test_without_a_session_pages_go_to_the_login_and_back(client, accounts):
    response = client.get("/console/supervisor?period=month")
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/login?next=/console/supervisor?period%3Dmonth"
    assert client.get("/console/inquiries/export.xlsx").status_code == 302  # to the login page

    def login_then(next_url: str) -> Any:
        return post(client, "/console/login", {"username": "sup01", "password": PASSWORD, "next": next_url})

    back = login_then("/console/supervisor?period=month")
    assert back.headers["Location"] == "/console/supervisor?period=month"
    evil = login_then("//evil.example/console/")
    assert evil.headers["Location"] == "/console/"


def test_deactivating_or_changing_the_password_ends_open_sessions(as_role, app):
    staff = app.extensions["console"].staff
    operator, window = as_role("op01"), as_role("win01")
    staff.deactivate("op01")
    assert operator.get("/console/inquiries").status_code == 302
    assert login(app.test_client(), "op01").status_code == 401
    staff.set_password("win01", "another-pass-1")
    assert window.get("/console/window/items").status_code == 302


def spray(client, times, **environ):
    """Failed logins across accounts (none of them often enough to lock it), from one client."""
    for n in range(times):
        response = client.post(
            "/console/login",
            data={"username": f"guess{n}", "password": "123456", "csrf_token": csrf_of(client)},
            environ_base=environ,
        )
        assert response.status_code == 401, n


def login_from(client, username, **environ):
    return client.post(
        "/console/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(client)},
        environ_base=environ,
    )


def test_an_address_that_sprays_passwords_is_refused_for_a_while(app, accounts, clock, services):
    attacker, colleague = app.test_client(), app.test_client()
    spray(attacker, 30, REMOTE_ADDR="10.0.0.7")
    refused = login_from(attacker, "op01", REMOTE_ADDR="10.0.0.7")  # even the right password
    assert refused.status_code == 429
    assert flashes(refused.text) == [
        "本机登录失败次数过多，已暂停登录，请 15 分钟后再试；如需帮助请联系系统管理员。"
    ]
    assert app.extensions["console"].staff.get(1).failed_logins == 0  # no account was locked by it
    assert login_from(colleague, "op01", REMOTE_ADDR="10.0.0.8").status_code == 302  # others log in
    clock.advance(minutes=16)  # the failures age out of the 15-minute window
    assert login_from(attacker, "op01", REMOTE_ADDR="10.0.0.7").status_code == 302
    spray(app.test_client(), 1, REMOTE_ADDR="10.0.0.9")
    with services.db.read() as session:  # aged-out failures are deleted as new ones come
        assert session.scalars(select(LoginFailure.address)).all() == ["10.0.0.9"]


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings, clock, tmp_path):
    proxied = create_app(dataclasses.replace(settings, trusted_proxies=1), clock=clock, TESTING=True)
    try:
        seed_accounts(proxied)
        via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
        attacker = proxied.test_client()
        attacker.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.5"
        spray(attacker, 30, **via_proxy)
        assert login_from(attacker, "op01", **via_proxy).status_code == 429
        colleague = proxied.test_client()  # the same proxy, another client behind it
        colleague.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.6"
        assert login_from(colleague, "op01", **via_proxy).status_code == 302
    finally:
        proxied.extensions["gateway"].close()


def test_without_trusted_proxies_a_forged_forwarded_header_changes_nothing(app, accounts):
    attacker = app.test_client()
    for n in range(30):
        attacker.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{n}"  # a new "address" each time
        spray(attacker, 1, REMOTE_ADDR="10.0.0.7")
    assert login_from(attacker, "op01", REMOTE_ADDR="10.0.0.7").status_code == 429


def test_an_ipv6_client_cannot_start_afresh_with_each_address_of_its_network(app, accounts):
    attacker = app.test_client()
    for n in range(30):  # a new address of one /64 for every attempt
        spray(attacker, 1, REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
    assert login_from(attacker, "op01", REMOTE_ADDR="2001:db8:1:2::ffff").status_code == 429
    assert login_from(app.test_client(), "op01", REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("10.0.0.7", "10.0.0.7"),
        ("::ffff:10.0.0.7", "10.0.0.7"),  # IPv4 through an IPv6 socket
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::bbbb", "2001:db8:1:2::/64"),
        ("not-an-address" * 10, ("not-an-address" * 10)[:64]),
        ("", None),
        (None, None),
    ],
)
def test_failures_are_counted_per_client_network(address, key):
    assert client_key(address) == key
