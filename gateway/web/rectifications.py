"""整改 on the console: the rectifications bad ratings (差评) open, one's page with the rating, the
application and the 回访 record, and the two steps (record the 回访, close with the result) through the
same service calls as /api/v1/rectifications."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.domain.access import RECTIFY
from gateway.services import people
from gateway.web import labels
from gateway.web.common import actor, arg, attempt, blank_none, load, services
from gateway.web.excel import Sheet, export_response
from gateway.web.listing import every_row, page_of
from gateway.web.security import requires
from schemas.applications import CloseIn, RectificationCallbackIn

bp = Blueprint("rect", __name__, url_prefix="/rectifications")

ID = "<int(max=9223372036854775807):rect_id>"
# The form's yes / no for 申请人是否认可 as the schema reads them.
ANSWERS = {"true": "认可", "false": "不认可"}


def _find() -> partial[Any]:
    return partial(services().evaluations.rectifications, actor(), status=arg("status", labels.RECT_STATUSES))


@bp.route("", methods=["GET"])
@requires(RECTIFY)
def rectifications() -> str:
    """整改 list: newest first, by state (a department sees its own)."""
    items, pager = page_of(_find())
    return render_template("console/rectifications/list.html", items=items, pager=pager)


@bp.route("/export.xlsx", methods=["GET"])
@requires(RECTIFY)
def export() -> Response:
    """The list, as filtered, to Excel (free text redacted with each applicant's own data; audited)."""
    found: list[dict[str, Any]] = every_row(_find())
    redact = people.application_redactor(services().db, (r["application_id"] for r in found))
    names = {d.code: d.name for d in services().settings.departments}
    rows = [
        [
            r["id"],
            r["application"]["receipt_no"],
            redact(r["application_id"], r["application"]["title"]),
            labels.SATISFACTION.get(r["rating"]["level"], r["rating"]["level"]),
            redact(r["application_id"], r["rating"]["comment"]) or "",
            names.get(r["department"] or "", r["department"] or ""),
            labels.RECT_STATUSES.get(r["status"], r["status"]),
            r["due_at"],
            r["overdue"],
            r["callback_at"],
            "" if r["callback_satisfied"] is None else r["callback_satisfied"],
            redact(r["application_id"], r["callback_note"]) or "",
            redact(r["application_id"], r["measures"]) or "",
            r["closed_at"],
        ]
        for r in found
    ]
    headers = [
        "整改编号",
        "受理编号",
        "办件名称",
        "评价",
        "评价意见",
        "责任单位",
        "状态",
        "整改期限",
        "超期",
        "回访时间",
        "申请人认可",
        "回访记录",
        "整改措施",
        "办结时间",
    ]
    filters = {"status": arg("status", labels.RECT_STATUSES)}
    return export_response("rectifications", filters, "整改清单", [Sheet("整改清单", headers, rows)])


@bp.route(f"/{ID}", methods=["GET"])
@requires(RECTIFY)
def rectification(rect_id: int) -> str:
    """One rectification: the rating, the application (applicant masked), the 回访 record, the next steps."""
    who = actor()
    found = attempt(lambda: services().evaluations.rectification(rect_id, who))
    if found is None:
        abort(404)
    return render_template("console/rectifications/detail.html", r=found, answers=ANSWERS)


@bp.route(f"/{ID}/callback", methods=["POST"])
@requires(RECTIFY)
def callback(rect_id: int) -> Response:
    """回访: what the applicant said of what was done (required before closing)."""
    form = request.form
    data = load(
        RectificationCallbackIn,
        {
            "note": form.get("note", "").strip(),
            "satisfied": form.get("satisfied", ""),
            "measures": blank_none(form.get("measures")),
        },
    )
    if data is not None:
        done = attempt(lambda: services().evaluations.callback(rect_id, data, actor()))
        if done is not None:
            answer = "认可" if done["callback_satisfied"] else "不认可"
            flash(f"已记录回访（申请人{answer}整改）", "success")
    return redirect(url_for("console.rect.rectification", rect_id=rect_id))


@bp.route(f"/{ID}/close", methods=["POST"])
@requires(RECTIFY)
def close(rect_id: int) -> Response:
    """办结: close with the result (整改措施); refused until a 回访 is recorded."""
    data = load(CloseIn, {"measures": blank_none(request.form.get("measures"))})
    if data is not None:
        done = attempt(lambda: services().evaluations.close(rect_id, data, actor()))
        if done is not None:
            flash(f"整改已办结（{labels.RECT_STATUSES.get(done['status'], done['status'])}）", "success")
    return redirect(url_for("console.rect.rectification", rect_id=rect_id))
