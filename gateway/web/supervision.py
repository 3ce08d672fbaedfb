"""督办单 on the console: the list (supervisors all, a department its own), and the department's 签收 and
督办回复 from the inquiry page. Issuing is the inquiry's 督办 action (the inquiry page, the overdue list)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.domain.access import NOTICE_ANSWER, NOTICE_READ
from gateway.domain.supervision import STATE_LABELS, NoticeAction
from gateway.web.common import actor, arg, attempt, blank_none, load, services
from gateway.web.listing import page_of
from gateway.web.security import requires, safe_next
from schemas.supervision import NoticeAcknowledgeIn, NoticeRespondIn

bp = Blueprint("notices", __name__, url_prefix="/supervision-notices")

NID = "<int(max=9223372036854775807):notice_id>"
DONE = {NoticeAction.ACKNOWLEDGE: "已签收督办单", NoticeAction.RESPOND: "已提交督办回复"}


@bp.app_template_global()
def notice_state_label(state: str) -> str:
    """A notice's state in Chinese (待签收, 已签收, 逾期未回复, 已回复, 已关闭)."""
    return STATE_LABELS.get(state, state)


@bp.app_template_global()
def notice_default_workdays() -> int:
    """The working days a department is given to respond when the issuer names no date."""
    return services().settings.supervision.response_workdays


@bp.route("", methods=["GET"])
@requires(NOTICE_READ)
def notices() -> str:
    """督办单 with their state: a supervisor's every notice, a department's own."""
    find = partial(
        services().supervision.find,
        actor(),
        state=arg("state", STATE_LABELS),
        department=arg("department"),
    )
    items, pager = page_of(find)
    return render_template("console/supervision/notices.html", items=items, pager=pager, states=STATE_LABELS)


@bp.route(f"/{NID}/<any(acknowledge, respond):action>", methods=["POST"])
@requires(NOTICE_ANSWER)
def answer(notice_id: int, action: str) -> Response:
    """签收 or 督办回复 from a form; a refusal is a message on the page it came from."""
    back = safe_next(request.form.get("next"), url_for("console.notices.notices"))
    chosen = NoticeAction(action)
    if chosen is NoticeAction.ACKNOWLEDGE:
        data = load(NoticeAcknowledgeIn, {"note": blank_none(request.form.get("note"))})
        call = services().supervision.acknowledge
    else:
        data = load(NoticeRespondIn, {"response": request.form.get("response", "")})
        call = services().supervision.respond
    if data is not None:
        done = attempt(lambda: call(notice_id, data, actor()))
        if done is not None:
            flash(f"{DONE[chosen]}：{done.inquiry_number}（{notice_state_label(done.state)}）", "success")
    return redirect(back)
