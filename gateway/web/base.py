"""The parent blueprint under /console: the session, CSRF, error pages in Chinese, security headers,
templates and static files that every console page shares."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, make_response, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from gateway.domain import access
from gateway.domain.access import (
    APP_ACCEPT,
    APP_READ,
    CREATE,
    JOBS,
    NOTICE_READ,
    OUTBOX,
    OUTBOX_MANAGE,
    READ,
    STATS,
    act,
)
from gateway.domain.errors import DomainError, Forbidden, InvalidTransition, NotFound
from gateway.domain.lifecycle import Action
from gateway.services.accounts import MANAGE
from gateway.web import delivery_problems, labels, security
from gateway.web.common import domain_message, services

log = logging.getLogger(__name__)

console = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def _nav() -> list[tuple[str, str, str]]:
    """(endpoint, label, permission) of the navigation, shown as the role allows."""
    return [
        ("console.inq.queue", "诉求队列", READ),
        ("console.inq.new", "电话登记", CREATE),
        ("console.win.items", "事项查询", READ),
        ("console.win_apps.applications", "办件", APP_READ),
        ("console.win.counter", "窗口登记诉求", APP_ACCEPT),
        ("console.rect.rectifications", "整改", access.RECTIFY),
        ("console.sup.dashboard", "督办看板", STATS),
        ("console.sup_lists.overdue", "超期督办", act(Action.ESCALATE)),
        ("console.co.tasks", "协办任务", access.OPINION_READ),
        ("console.notices.notices", "督办单", NOTICE_READ),
        ("console.sup_lists.dead_letters", "死信", OUTBOX),
        ("console.pubs.held", "答复待审核", OUTBOX_MANAGE),
        ("console.sup_lists.runs", "同步与任务", JOBS),
        ("console.admin.users", "账户管理", MANAGE),
    ]


@console.before_request
def _before() -> None:
    security.load_staff()
    security.check_csrf()


@console.after_request
def _after(response: BaseResponse) -> BaseResponse:
    return security.security_headers(response)  # type: ignore[arg-type]


@console.app_template_global()
def nav_items() -> list[tuple[str, str]]:
    """The navigation entries the logged-in person may use."""
    staff = g.get("staff")
    if staff is None:
        return []
    actor = staff.actor()
    items = [(endpoint, label) for endpoint, label, permission in _nav() if actor.can(permission)]
    if staff.role == "window":  # a window clerk logs inquiries at the counter, not by phone
        items = [i for i in items if i[0] != "console.inq.new"]
    return items


@console.app_template_global()
def delivery_problem(target: str, last_error: str | None) -> delivery_problems.Problem:
    """A dead letter's last error explained (a single configured 部门专线 is named, e.g. 12348)."""
    lines = services().settings.dept_lines
    names = dict(labels.TARGETS)
    if len(lines) == 1:
        names["dept_hotline"] = f"{lines[0].code}{lines[0].name}"
    return delivery_problems.explain(target, last_error, names)


@console.errorhandler(security.CsrfError)
def _csrf_failed(_err: security.CsrfError) -> tuple[str, int]:
    log.warning("console CSRF check failed path=%s", request.path)
    return render_template(
        "console/error.html",
        code=400,
        title="页面已过期",
        text="表单校验失败（CSRF 令牌无效或缺失）。请刷新页面后重新提交。",
    ), 400


@console.errorhandler(HTTPException)
def _http_error(err: HTTPException) -> BaseResponse:
    if err.code == 401:
        return redirect(url_for("console.auth.login"))
    return _error_page(err)


def unrouted_error(err: HTTPException) -> BaseResponse:
    """The Chinese page for an address under /console that no console view answers (404, 405).

    Flask hands routing errors to the app's handlers, not the blueprint's, and runs none of the
    blueprint's request hooks: the person, the page context and the headers are added here.
    """
    security.load_staff()
    return security.security_headers(_error_page(err, **_template_context()))  # type: ignore[arg-type]


def _error_page(err: HTTPException, **context: Any) -> BaseResponse:
    code = err.code or 500
    title, text = labels.ERROR_PAGES.get(code, ("出错了", "请求未能完成。"))
    page = render_template("console/error.html", code=code, title=title, text=text, **context)
    response = make_response(page, code)
    # A 405 names the methods the address takes, as werkzeug's own answer does.
    response.headers.extend([(k, v) for k, v in err.get_headers() if k.lower() == "allow"])
    return response


_REFUSALS = ((NotFound, 404), (Forbidden, 403), (InvalidTransition, 409))


@console.errorhandler(DomainError)
def _domain_error(err: DomainError) -> BaseResponse | tuple[str, int]:
    # Views catch refusals themselves; one that slips through still becomes a message, not a 500.
    if request.method == "POST" and request.referrer:
        flash(domain_message(err), "error")  # shown on the page the form came from
        return redirect(security.safe_next(_path(request.referrer), url_for("console.auth.home")))
    code = next((c for kind, c in _REFUSALS if isinstance(err, kind)), 400)
    return render_template(
        "console/error.html", code=code, title="操作未完成", text=domain_message(err)
    ), code


@console.errorhandler(Exception)
def _unexpected(err: Exception) -> tuple[str, int]:
    log.error("console error %s", type(err).__name__, exc_info=err)
    return render_template(
        "console/error.html", code=500, title="系统错误", text="系统出现错误，已记录日志。请稍后重试。"
    ), 500


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _can(permission: str) -> bool:
    staff = g.get("staff")
    return bool(staff is not None and staff.actor().can(permission))


@console.context_processor
def _template_context() -> dict[str, Any]:
    return {
        "L": labels,
        "csrf_token": security.csrf_token,
        "staff": g.get("staff"),
        "can": _can,
        "now": services().clock(),
        "departments": services().settings.departments,
    }
