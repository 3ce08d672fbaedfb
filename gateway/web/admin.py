"""账户管理: staff accounts for administrators (create, reset a password, deactivate or reactivate)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.services.accounts import MANAGE, StaffInfo
from gateway.web import labels
from gateway.web.common import PAGE_SIZE, Pager, actor, arg, attempt, console, page_number, services
from gateway.web.excel import Sheet, export_response
from gateway.web.security import current_staff, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")

USER = "<string(maxlength=32):username>"


@bp.route("/users", methods=["GET"])
@requires(MANAGE)
def users() -> str:
    """Every account, with its role, department, state and last login."""
    accounts = console().staff.all(actor())
    role, text = arg("role", labels.ROLES), (arg("q") or "").lower()
    accounts = [
        a for a in accounts if (not role or a.role == role) and (text in a.username or text in a.display_name)
    ]
    page = page_number()
    return render_template(
        "console/admin/users.html",
        accounts=accounts[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        pager=Pager(page, PAGE_SIZE, len(accounts)),
        me=current_staff().username,
    )


@bp.route("/users/export.xlsx", methods=["GET"])
@requires(MANAGE)
def users_export() -> Response:
    """Every account to Excel (never a password or its hash; audited)."""
    now = services().clock()
    rows = [
        [
            a.username,
            a.display_name,
            labels.ROLES.get(a.role, a.role),
            a.department_code or "",
            "启用" if a.active else "停用",
            "是" if a.locked_until and a.locked_until > now else "否",
            a.created_at,
            a.last_login_at,
        ]
        for a in console().staff.all(actor())
    ]
    headers = ["用户名", "姓名", "角色", "部门", "状态", "已锁定", "创建时间", "最近登录"]
    return export_response("staff_accounts", {}, "工作人员账户", [Sheet("账户", headers, rows)])


@bp.route("/users", methods=["POST"])
@requires(MANAGE)
def create() -> Response:
    """A new account."""
    form = request.form
    password = form.get("password") or ""
    if password != (form.get("password2") or ""):
        flash("两次输入的密码不一致。", "error")
        return redirect(url_for("console.admin.users"))
    return _change(
        lambda: console().staff.create(
            form.get("username", ""),
            password,
            form.get("display_name", ""),
            form.get("role", ""),
            form.get("department") or None,
            actor(),
        ),
        lambda info: f"已创建账户 {info.username}（{labels.ROLES.get(info.role, info.role)}）。",
    )


@bp.route(f"/users/{USER}/password", methods=["POST"])
@requires(MANAGE)
def password(username: str) -> Response:
    """Set a new password (also lifts a lock); the person's open sessions end."""
    return _change(
        lambda: console().staff.set_password(username, request.form.get("password") or "", actor()),
        lambda info: f"已重置 {info.username} 的密码。",
    )


@bp.route(f"/users/{USER}/active", methods=["POST"])
@requires(MANAGE)
def active(username: str) -> Response:
    """Deactivate or reactivate an account."""
    enable = request.form.get("active") == "1"
    return _change(
        lambda: console().staff.set_active(username, enable, actor()),
        lambda info: f"已{'启用' if enable else '停用'}账户 {info.username}。",
    )


def _change(change: Callable[[], StaffInfo], done: Callable[[StaffInfo], str]) -> Response:
    """Change an account; say what was done (or why not) on the list of accounts."""
    info = attempt(change)
    if info is not None:
        flash(done(info), "success")
    return redirect(url_for("console.admin.users"))
