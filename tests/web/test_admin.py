from __future__ import annotations

import pytest
from sqlalchemy import select

from gateway.domain.errors import Forbidden, InvalidInput
from gateway.persistence.user_models import StaffUser
from tests.web.conftest import flashes, login, post


def test_admin_page_creates_resets_and_deactivates_accounts(as_role, app):
    client = as_role("admin")
    page = client.get("/console/admin/users")
    assert "账户管理" in page.text and "op01" in page.text and "password_hash" not in page.text
    created = post(
        client,
        "/console/admin/users",
        {
            "username": "Win02",
            "display_name": "窗口赵强",
            "role": "window",
            "department": "XZFW",
            "password": "counter-2026",
            "password2": "counter-2026",
        },
    )
    assert "已创建账户 win02（窗口人员）。" in flashes(client.get(created.headers["Location"]).text)
    assert login(app.test_client(), "WIN02", "counter-2026").status_code == 302
    taken = post(
        client,
        "/console/admin/users",
        {
            "username": "win02",
            "display_name": "x",
            "role": "window",
            "password": "counter-2026",
            "password2": "counter-2026",
        },
    )
    assert "用户名：用户名 win02 已被使用" in flashes(client.get(taken.headers["Location"]).text)
    weak = post(
        client,
        "/console/admin/users",
        {
            "username": "w3",
            "display_name": "x",
            "role": "operator",
            "password": "aaaaaaaa",
            "password2": "aaaaaaaa",
        },
    )
    assert "密码：密码过于简单" in flashes(client.get(weak.headers["Location"]).text)
    post(client, "/console/admin/users/win02/password", {"password": "new-pass-2026"})
    assert login(app.test_client(), "win02", "new-pass-2026").status_code == 302
    post(client, "/console/admin/users/win02/active", {"active": "0"})
    assert login(app.test_client(), "win02", "new-pass-2026").status_code == 401
    with app.extensions["gateway"].db.read() as session:
        stored = session.scalar(select(StaffUser.password_hash).where(StaffUser.username == "win02"))
    assert stored.startswith("scrypt:") and "new-pass-2026" not in stored


def test_the_last_admin_stays_and_only_admins_manage(app, accounts):
    staff = app.extensions["console"].staff
    with pytest.raises(InvalidInput, match="last active admin"):
        staff.deactivate("admin")
    from gateway.domain.access import Actor

    with pytest.raises(Forbidden):
        staff.create("x9", "abcd-efgh-1", "x", "operator", actor=Actor("督办", "supervisor"))


def test_users_cli(app):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "users",
            "create",
            "op09",
            "--role",
            "operator",
            "--name",
            "话务员九",
            "--password",
            "cli-pass-2026",
        ]
    )
    assert created.exit_code == 0 and "op09" in created.output
    bad = runner.invoke(
        args=["users", "create", "d9", "--role", "department", "--name", "x", "--password", "cli-pass-2026"]
    )
    assert bad.exit_code != 0 and "department" in bad.output
    assert "op09\toperator\t话务员九\tactive" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "passwd", "op09", "--password", "cli-pass-2027"]).exit_code == 0
    assert login(app.test_client(), "op09", "cli-pass-2027").status_code == 302
    assert runner.invoke(args=["users", "deactivate", "op09"]).exit_code == 0
    assert "inactive" in runner.invoke(args=["users", "list"]).output
    demo = runner.invoke(args=["demo", "accounts"])
    assert demo.exit_code == 0 and "sup01" in demo.output and "admin" in demo.output
    assert "already there" in runner.invoke(args=["demo", "accounts"]).output
    assert login(app.test_client(), "win01", "demo-2026").status_code == 302
