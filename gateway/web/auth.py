"""Logging in and out, and each role's start page."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.web import security
from gateway.web.common import console

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

# One message for an unknown user, a wrong password, a deactivated or a locked account: no hint which.
LOGIN_FAILED = "登录失败：用户名或密码错误；多次失败后账户将被暂时锁定，请稍后再试。"
# An address with too many failed logins (across accounts) is refused for a while, whatever it sends.
ADDRESS_BLOCKED = "本机登录失败次数过多，已暂停登录，请 15 分钟后再试；如需帮助请联系系统管理员。"
START = {
    "operator": "console.inq.queue",
    "window": "console.win.items",
    "department": "console.inq.queue",
    "supervisor": "console.sup.dashboard",
    "admin": "console.sup.dashboard",
}


@bp.route("/", methods=["GET"])
@security.requires()
def home() -> Response:
    """Each role starts on its own console."""
    return redirect(url_for(START.get(security.current_staff().role, "console.inq.queue")))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """The login form; a failure says only that it failed."""
    target = security.safe_next(request.values.get("next"), url_for("console.auth.home"))
    if request.method == "GET":
        return render_template("console/login.html", next=target)
    username = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    staff, address = console().staff, request.remote_addr  # the client's, behind limits.trusted_proxies
    if staff.address_blocked(address):
        flash(ADDRESS_BLOCKED, "error")
        return render_template("console/login.html", next=target, username=username[:32]), 429
    info = staff.authenticate(username, password, address) if username and password else None
    if info is None:
        log.info("console login failed")  # neither the name nor the password is logged
        flash(LOGIN_FAILED, "error")
        return render_template("console/login.html", next=target, username=username[:32]), 401
    security.login(info)
    log.info("console login account=%s role=%s", info.id, info.role)
    return redirect(target)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """End the session (a POST with the CSRF token, so no other site can log anyone out)."""
    security.logout()
    flash("您已退出登录。", "info")
    return redirect(url_for("console.auth.login"))
