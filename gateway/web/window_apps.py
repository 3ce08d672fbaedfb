"""办件 at the window: the list, tracking one, supplements, pickup or post, 好差评, the receipt."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.domain.access import APP_ACCEPT, APP_READ, PII
from gateway.domain.applications import AppAction
from gateway.services import people
from gateway.services.applications import ApplicationFilter
from gateway.web import labels
from gateway.web.common import actor, arg, attempt, blank_none, load, reveal_once, services
from gateway.web.excel import Sheet, export_response
from gateway.web.listing import every_row, page_of
from gateway.web.security import requires
from schemas.applications import AppNoteIn, EvaluationIn, PickupIn, PostIn, SupplementIn

bp = Blueprint("win_apps", __name__, url_prefix="/window/applications")

ID = "<int(max=9223372036854775807):app_id>"
REVEALED = "已查看申请人完整信息，本次查看已记入审计日志。"
SCHEMAS = {
    AppAction.SUPPLEMENT: SupplementIn,
    AppAction.PREPARE: AppNoteIn,
    AppAction.PICKUP: PickupIn,
    AppAction.POST: PostIn,
}
FLAGS = {"pickup_overdue": "超期未取件", "supplement_overdue": "容缺超期未补齐"}


def current_filter() -> ApplicationFilter:
    """The list's filters from the query string."""
    flag = arg("flag", FLAGS)
    status = arg("status", labels.APP_STATUSES)
    return ApplicationFilter(
        status=(status,) if status else (),
        department=arg("department"),
        item_code=arg("item_code"),
        text=arg("q"),
        pickup_overdue=True if flag == "pickup_overdue" else None,
        supplement_overdue=True if flag == "supplement_overdue" else None,
    )


@bp.route("", methods=["GET"])
@requires(APP_READ)
def applications() -> str:
    """办件 list: by status, receipt number or title, and the flags that need a phone call."""
    items, pager = page_of(partial(services().applications.find, current_filter(), actor()))
    return render_template("console/window/applications.html", items=items, pager=pager, flags=FLAGS)


@bp.route("/export.xlsx", methods=["GET"])
@requires(APP_READ)
def export() -> Response:
    """The list, as filtered, to Excel (the applicant masked, free text redacted; audited)."""
    filters = current_filter()
    found: list[dict[str, Any]] = every_row(partial(services().applications.find, filters, actor()))
    redact = people.application_redactor(services().db, (a["id"] for a in found))
    rows = [
        [
            a["receipt_no"],
            redact(a["id"], a["title"]),
            labels.APP_STATUSES.get(a["status"], a["status"]),
            a["applicant"]["name"],
            a["applicant"]["phone"],
            a["window"],
            a["accepted_by"],
            a["incomplete"],
            a["created_at"],
            a["promised_at"],
            a["decided_at"],
            a["ready_at"],
            a["delivered_at"],
            labels.DELIVERY.get(a["delivery_method"], ""),
        ]
        for a in found
    ]
    headers = [
        "受理编号",
        "办件名称",
        "状态",
        "申请人",
        "联系电话",
        "受理窗口",
        "受理人",
        "容缺待补",
        "受理时间",
        "承诺办结",
        "决定时间",
        "待取件时间",
        "出件时间",
        "送达方式",
    ]
    return export_response("applications", asdict(filters), "办件清单", [Sheet("办件清单", headers, rows)])


def _load_app(app_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    who = actor()
    found = attempt(
        lambda: (services().applications.get(app_id, who), services().applications.events(app_id, who))
    )
    if found is None:
        abort(404)
    return found


@bp.route(f"/{ID}", methods=["GET"])
@requires(APP_READ)
def application(app_id: int) -> str:
    """Tracking one application: tasks per department, materials, history, and the window's next steps."""
    return _render_application(app_id)


def _render_application(app_id: int, revealed: Any = None) -> str:
    app, events = _load_app(app_id)
    rated = any(e["action"] == "evaluate" for e in events)
    owed = {
        t["item_code"]: [m["name"] for m in t["materials"] if m["required"] and not m["provided"]]
        for t in app["tasks"]
    }
    return render_template(
        "console/window/application.html",
        app=app,
        events=events,
        rated=rated,
        owed=owed,
        may_accept=actor().can(APP_ACCEPT),
        may_reveal=actor().can(PII),
        revealed=revealed,
        rectification=services().evaluations.opened_by_rating(app_id, actor()) if rated else None,
    )


@bp.route(f"/{ID}/reveal", methods=["POST"])
@requires(APP_READ)
@requires(PII)
def reveal(app_id: int) -> Response | str:
    """Show the applicant's data in full, once, for a stated reason (written to the audit log)."""
    return reveal_once(
        services().applications, app_id, _render_application, "console.win_apps.application", REVEALED
    )


@bp.route(f"/{ID}/receipt", methods=["GET"])
@requires(APP_READ)
def receipt(app_id: int) -> str:
    """受理回执, laid out for printing."""
    app, _ = _load_app(app_id)
    return render_template("console/window/receipt.html", app=app)


@bp.route(f"/{ID}/<string(maxlength=16):action>", methods=["POST"])
@requires(APP_ACCEPT)
def act(app_id: int, action: str) -> Response:
    """补齐材料, 通知取件, 领取, 邮寄: one window step from a form."""
    try:
        chosen = AppAction(action)
    except ValueError:
        abort(404)
    if chosen not in SCHEMAS:
        abort(404)
    form = request.form
    body: dict[str, Any] = {"note": blank_none(form.get("note"))}
    if chosen is AppAction.SUPPLEMENT:
        given: dict[str, list[str]] = {}
        for value in form.getlist("material"):
            code, _, name = value.partition("::")
            given.setdefault(code, []).append(name)
        body["materials"] = given
    elif chosen is AppAction.PICKUP:
        body["collected_by"] = form.get("collected_by", "").strip()
    elif chosen is AppAction.POST:
        body["tracking_no"] = form.get("tracking_no", "").strip()
    data = load(SCHEMAS[chosen], body)
    if data is not None:
        done = attempt(lambda: services().applications.act(app_id, chosen, data, actor()))
        if done is not None:
            flash(
                f"已{labels.APP_ACTIONS.get(chosen.value, chosen.value)}：{done['receipt_no']}"
                f"（{labels.APP_STATUSES.get(done['status'], done['status'])}）",
                "success",
            )
    return redirect(url_for("console.win_apps.application", app_id=app_id))


@bp.route(f"/{ID}/evaluation", methods=["POST"])
@requires(APP_ACCEPT)
def evaluate(app_id: int) -> Response:
    """好差评: the applicant's rating after delivery; a bad one opens a rectification."""
    data = load(
        EvaluationIn,
        {"level": request.form.get("level", ""), "comment": blank_none(request.form.get("comment"))},
    )
    if data is not None:
        done = attempt(lambda: services().evaluations.evaluate(app_id, data, actor()))
        if done is not None:
            flash(f"已记录评价：{labels.SATISFACTION.get(done['level'], done['level'])}", "success")
    return redirect(url_for("console.win_apps.application", app_id=app_id))
