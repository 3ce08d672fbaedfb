"""协办任务: a co-department's tasks with the form for its 协办意见, the supervisors' list of overdue tasks,
and the 协办 panel of the inquiry page (every opinion beside the lead's reply form)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.domain.access import OPINION_READ, OPINION_WRITE, Actor
from gateway.domain.co_departments import OPINION_MAX_CHARS, OPINION_STATUSES, TaskState
from gateway.domain.errors import DomainError, Forbidden, InvalidTransition
from gateway.services.co_departments import Panel
from gateway.web.common import actor, arg, domain_message, load, services
from gateway.web.listing import page_of
from gateway.web.security import requires, safe_next
from schemas.co_departments import OpinionIn

bp = Blueprint("co", __name__, url_prefix="/co-tasks")

ID = "<int(max=9223372036854775807):inquiry_id>"
TABS = {
    "all": "全部",
    TaskState.PENDING.value: "待反馈",
    TaskState.OVERDUE.value: "超期未反馈",
    TaskState.ANSWERED.value: "已反馈",
    TaskState.LAPSED.value: "未反馈（已结束）",
}
OPEN = frozenset(s.value for s in OPINION_STATUSES)


def _default_tab(who: Actor) -> str:
    # A department works through its own tasks; a supervisor looks for the overdue ones.
    return "all" if who.department_code else TaskState.OVERDUE.value


@bp.route("", methods=["GET"])
@requires(OPINION_READ)
def tasks() -> str:
    """The tasks the person may see, by state; the department's own open ones with the opinion form."""
    who = actor()
    tab = arg("tab", TABS) or _default_tab(who)
    find = partial(
        services().co_departments.tasks,
        who,
        state=None if tab == "all" else tab,
        department=arg("department"),
    )
    items, pager = page_of(find)
    return render_template(
        "console/inquiries/co_tasks.html",
        items=items,
        pager=pager,
        tabs=TABS,
        tab=tab,
        open_statuses=OPEN,
        workdays_before=services().settings.deadlines.co_department_workdays_before,
        max_chars=OPINION_MAX_CHARS,
    )


@bp.route(f"/{ID}/opinion", methods=["POST"])
@requires(OPINION_WRITE)
def give(inquiry_id: int) -> Response:
    """Record the department's 协办意见 from a form; a refusal is a message on the page it came from."""
    back = safe_next(request.form.get("next"), url_for("console.inq.detail", inquiry_id=inquiry_id))
    data = load(OpinionIn, {"text": (request.form.get("text") or "").strip()})
    if data is not None:
        try:
            services().co_departments.give_opinion(inquiry_id, data["text"], actor())
            flash("协办意见已提交，主办单位可在诉求页面查看。", "success")
        except DomainError as err:
            flash(_refusal(err), "error")
    return redirect(back)


def panel(inquiry_id: int, who: Actor) -> Panel | None:
    """The 协办 panel of the inquiry page, or None."""
    try:
        return services().co_departments.panel(inquiry_id, who)
    except DomainError:
        return None


def _refusal(err: DomainError) -> str:
    if isinstance(err, InvalidTransition):
        if "并单" in (err.reason or ""):
            return "该诉求已并入主单，随主单办理；协办意见请在主单上提交。"
        if "answered already" in (err.reason or ""):
            return "本单位已提交过协办意见，每项协办任务提交一次。"
        return "主办单位办理期间（已派单、办理中、延期申请中、重办）才能提交协办意见；该诉求当前不在办理中。"
    if isinstance(err, Forbidden):
        return "只有该诉求的协办单位可以提交协办意见（本单位为主办单位时请通过答复办理）。"
    return domain_message(err)
