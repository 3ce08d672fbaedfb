"""诉求: the queue with deadline timers, one inquiry with its history and actions, revealing personal data."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.domain.access import PII, READ, Actor
from gateway.domain.lifecycle import HANDLING, Action, Status
from gateway.domain.routing import InquiryFacts
from gateway.services import people
from gateway.services.inquiries import InquiryFilter
from gateway.services.snapshots import InquirySnapshot
from gateway.web import co_departments, labels
from gateway.web.common import (
    actor,
    arg,
    attempt,
    blank_none,
    day_arg,
    day_end,
    day_start,
    load,
    reveal_once,
    services,
)
from gateway.web.excel import Sheet, export_response
from gateway.web.listing import every_row, page_of
from gateway.web.security import requires, safe_next
from schemas.inquiry import ACTION_SCHEMAS

bp = Blueprint("inq", __name__, url_prefix="/inquiries")

ID = "<int(max=9223372036854775807):inquiry_id>"
REVEALED = "已查看完整个人信息，本次查看已记入审计日志。"
TABS: dict[str, tuple[str, dict[str, Any]]] = {
    "all": ("全部", {}),
    "manual": ("待派单", {"status": (Status.RECEIVED.value, Status.RETURNED.value)}),
    "handling": ("办理中", {"status": tuple(s.value for s in HANDLING)}),
    "due_soon": ("临期", {"due_soon": True}),
    "overdue": ("超期", {"overdue": True}),
    "callback": ("待回访", {"status": (Status.REPLIED.value,)}),
    "closed": ("已办结", {"status": (Status.CLOSED.value,)}),
}


def current_filter() -> InquiryFilter:
    """The queue's filters from the query string."""
    tab = arg("tab", TABS) or "all"
    start, end = day_arg("from"), day_arg("to")
    return InquiryFilter(
        **TABS[tab][1],
        kind=arg("kind", labels.KINDS),
        channel=arg("channel", labels.CHANNELS),
        department=arg("department"),
        text=arg("q"),
        # 重复来电: a lookup of personal data (the service checks pii:read and audits it).
        phone=arg("phone"),
        created_from=day_start(start) if start else None,
        created_to=day_end(end) if end else None,
    )


@bp.route("", methods=["GET"])
@requires(READ)
def queue() -> str:
    """The queue: tabs by state, filters, colour-coded deadline timers."""
    items, pager = page_of(partial(services().inquiries.find, current_filter(), actor()))
    return render_template(
        "console/inquiries/queue.html",
        items=items,
        pager=pager,
        tabs=TABS,
        tab=arg("tab", TABS) or "all",
        open_notices=services().supervision.with_open((i.id for i in items), actor()),  # 督办 badge
    )


@bp.route("/export.xlsx", methods=["GET"])
@requires(READ)
def export() -> Response:
    """The queue, as filtered, to Excel (personal data masked, free text redacted as on the website;
    audited)."""
    filters = current_filter()
    found: list[InquirySnapshot] = every_row(partial(services().inquiries.find, filters, actor()))
    redact = people.inquiry_redactor(services().db, (i.id for i in found))
    rows = [
        [
            i.number,
            labels.CHANNELS.get(i.channel, i.channel),
            labels.KINDS.get(i.kind, i.kind),
            redact(i.id, i.title) or "",
            redact(i.id, i.content),
            i.citizen.name or "",
            i.citizen.phone or "",
            department_name(i.department),
            labels.STATUSES.get(i.status, i.status),
            labels.DEADLINE.get(i.deadline_state or "", ""),
            i.due_at,
            i.escalation_count,
            labels.SATISFACTION.get(i.satisfaction or "", ""),
            i.created_at,
        ]
        for i in found
    ]
    headers = [
        "诉求编号",
        "渠道",
        "类型",
        "标题",
        "内容",
        "来电人",
        "联系电话",
        "承办单位",
        "状态",
        "时限状态",
        "办理时限",
        "督办次数",
        "满意度",
        "受理时间",
    ]
    return export_response("inquiries", asdict(filters), "诉求清单", [Sheet("诉求清单", headers, rows)])


@bp.route(f"/{ID}", methods=["GET"])
@requires(READ)
def detail(inquiry_id: int) -> str:
    """One inquiry: facts, masked citizen, timer, routing suggestion, actions and history."""
    return _render_detail(inquiry_id)


def _render_detail(inquiry_id: int, revealed: Any = None) -> str:
    from gateway.web import merges  # its routes are on this module's blueprint

    inquiries = services().inquiries
    who = actor()
    view = attempt(lambda: inquiries.get(inquiry_id, who))
    if view is None:
        abort(404)
    events = inquiries.events(inquiry_id, who)
    suggestion = None
    if Action.DISPATCH.value in view.allowed_actions:
        suggestion = inquiries.suggest(
            InquiryFacts(view.kind, view.content, view.title, view.category, view.district)
        )
    return render_template(
        "console/inquiries/detail.html",
        item=view,
        events=events,
        suggestion=suggestion,
        revealed=revealed,
        may_reveal=who.can(PII),
        role_note=_co_department_note(view, who),
        co=co_departments.panel(inquiry_id, who),
        notices=services().supervision.of_inquiry(inquiry_id, who),  # 督办单, answered on the page
        merging=merges.panel(view, who),  # 并单
    )


def _co_department_note(view: InquirySnapshot, who: Actor) -> str | None:
    """What a co-department (协办单位) may do here, in a clerk's words; None for everyone else."""
    if who.role != "department" or view.department is None or view.department == who.department_code:
        return None
    return (
        "本单位为协办单位：可查看诉求和办理历史，并向主办单位提供协办意见；"
        f"签收、退单、申请延期和答复由主办单位（{department_name(view.department)}）办理。"
    )


def _action_data(action: Action) -> dict[str, Any]:
    form = request.form
    if action is Action.DISPATCH:
        return {
            "department": form.get("department", ""),
            "note": blank_none(form.get("note")),
            "co_departments": [
                c for c in form.getlist("co_departments") if c and c != form.get("department")
            ],
        }
    if action is Action.REQUEST_EXTENSION:
        raw = (form.get("workdays") or "").strip()
        return {
            "workdays": int(raw) if raw.isdigit() and len(raw) < 4 else raw,
            "reason": form.get("reason", ""),
        }
    if action is Action.REPLY:
        return {"note": form.get("note", ""), "public_reply": blank_none(form.get("public_reply"))}
    if action is Action.CALLBACK:
        solved = form.get("solved")
        return {
            "satisfaction": form.get("satisfaction", ""),
            "note": blank_none(form.get("note")),
            "solved": {"1": True, "0": False}.get(solved or "", solved),
        }
    if action is Action.ESCALATE:  # issues a 督办单: the reason and the working days to respond in
        raw = (form.get("response_workdays") or "").strip()
        days = int(raw) if raw.isdigit() and len(raw) < 4 else blank_none(raw)
        return {"reason": form.get("reason", ""), "response_workdays": days}
    if action in (Action.RETURN, Action.REFUSE_EXTENSION, Action.REOPEN):
        return {"reason": form.get("reason", "")}
    return {"note": blank_none(form.get("note"))}


@bp.route(f"/{ID}/act/<string(maxlength=32):action>", methods=["POST"])
@requires(READ)
def act(inquiry_id: int, action: str) -> Response:
    """One lifecycle action from a form; a refusal is a message on the page it came from."""
    back = safe_next(request.form.get("next"), url_for("console.inq.detail", inquiry_id=inquiry_id))
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    data = load(ACTION_SCHEMAS[chosen.value], _action_data(chosen))
    if data is not None:
        done = attempt(lambda: services().inquiries.act(inquiry_id, chosen, data, actor()))
        if done is not None:
            flash(
                f"已{labels.ACTIONS[chosen.value]}：{done.number}（{labels.STATUSES.get(done.status)}）",
                "success",
            )
    return redirect(back)


@bp.route(f"/{ID}/reveal", methods=["POST"])
@requires(PII)
def reveal(inquiry_id: int) -> Response | str:
    """Show the citizen's data in full, once, for a stated reason (written to the audit log)."""
    return reveal_once(services().inquiries, inquiry_id, _render_detail, "console.inq.detail", REVEALED)


def department_name(code: str | None) -> str:
    department = services().settings.department(code) if code else None
    return department.name if department else (code or "")
