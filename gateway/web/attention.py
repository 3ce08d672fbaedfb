"""What needs a supervisor now: overdue inquiries (one-click 督办), dead letters, sync runs and jobs."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.domain.access import JOBS, OUTBOX, OUTBOX_MANAGE, act
from gateway.domain.disclosure import redact
from gateway.domain.lifecycle import Action
from gateway.domain.outbox import OutboxStatus
from gateway.services import people
from gateway.services.inquiries import InquiryFilter
from gateway.services.snapshots import InquirySnapshot, OutboxSnapshot
from gateway.web import labels
from gateway.web.common import Pager, actor, arg, attempt, export_rows, page_number, services
from gateway.web.excel import Sheet, export_response
from gateway.web.listing import every_row, page_of
from gateway.web.security import requires, safe_next

bp = Blueprint("sup_lists", __name__, url_prefix="/supervisor")

ESCALATE = act(Action.ESCALATE)
MID = "<int(max=9223372036854775807):message_id>"


def _overdue_filter() -> InquiryFilter:
    # A child (子单) is escalated with its master: its own 督办 button could only be refused.
    return InquiryFilter(
        overdue=True,
        department=arg("department"),
        kind=arg("kind", labels.KINDS),
        text=arg("q"),
        masters_only=True,
    )


@bp.route("/overdue", methods=["GET"])
@requires(ESCALATE)
def overdue() -> str:
    """超期诉求, each with a one-click 督办."""
    items, pager = page_of(partial(services().inquiries.find, _overdue_filter(), actor()))
    return render_template("console/supervisor/overdue.html", items=items, pager=pager)


@bp.route("/overdue/export.xlsx", methods=["GET"])
@requires(ESCALATE)
def overdue_export() -> Response:
    """The overdue list to Excel (titles redacted as on the website; audited)."""
    filters = _overdue_filter()
    names = {d.code: d.name for d in services().settings.departments}
    found: list[InquirySnapshot] = every_row(partial(services().inquiries.find, filters, actor()))
    redact_own = people.inquiry_redactor(services().db, (i.id for i in found))
    rows = [
        [
            i.number,
            redact_own(i.id, i.title) or "",
            labels.KINDS.get(i.kind, i.kind),
            names.get(i.department or "", i.department or ""),
            labels.STATUSES.get(i.status, i.status),
            i.dispatched_at,
            i.due_at,
            i.escalation_count,
        ]
        for i in found
    ]
    headers = ["诉求编号", "标题", "类型", "承办单位", "状态", "派单时间", "办理时限", "督办次数"]
    return export_response(
        "overdue_inquiries", asdict(filters), "超期诉求", [Sheet("超期诉求", headers, rows)]
    )


@bp.route("/dead-letters", methods=["GET"])
@requires(OUTBOX)
def dead_letters() -> str:
    """Messages that failed every attempt: resend once the other system is back, or give up."""
    dead = partial(services().outbox.find, status=OutboxStatus.DEAD, target=arg("target", labels.TARGETS))
    items, pager = page_of(dead)
    return render_template(
        "console/supervisor/dead_letters.html",
        items=items,
        pager=pager,
        may_manage=actor().can(OUTBOX_MANAGE),
    )


@bp.route("/dead-letters/export.xlsx", methods=["GET"])
@requires(OUTBOX)
def dead_letters_export() -> Response:
    """Dead letters to Excel (without their payloads; the errors redacted by the service; audited)."""
    target = arg("target", labels.TARGETS)
    dead: list[OutboxSnapshot] = every_row(
        partial(services().outbox.find, status=OutboxStatus.DEAD, target=target)
    )
    rows = [
        [
            m.id,
            labels.TARGETS.get(m.target, m.target),
            m.event_type,
            m.ordering_key,
            m.attempts,
            m.last_error or "",
            m.created_at,
        ]
        for m in dead
    ]
    headers = ["消息号", "接收系统", "消息类型", "顺序键", "尝试次数", "最后错误", "创建时间"]
    filters = {"status": OutboxStatus.DEAD, "target": target}
    return export_response("dead_letters", filters, "死信", [Sheet("死信", headers, rows)])


@bp.route(f"/dead-letters/{MID}/<any(resend, discard):action>", methods=["POST"])
@requires(OUTBOX_MANAGE)
def dead_letter_action(message_id: int, action: str) -> Response:
    """Resend or discard a dead letter, with a reason for the audit log."""
    reason = (request.form.get("reason") or "").strip()[:4000]
    if not reason:
        flash("请填写理由。", "error")
    else:
        outbox = services().outbox
        call = outbox.resend if action == "resend" else outbox.discard
        done = attempt(lambda: call(message_id, reason, actor()))
        if done is not None:
            flash(f"消息 {done.id} 已{'重新排队发送' if action == 'resend' else '放弃'}。", "success")
    return redirect(safe_next(request.form.get("next"), url_for("console.sup_lists.dead_letters")))


RUN_KINDS = {"sync": "事项同步", "jobs": "定时任务"}


def _runs(kind: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    catalog = services().catalog
    page = (
        catalog.sync_runs(offset, limit)
        if kind == "sync"
        else catalog.job_runs(arg("job", labels.JOBS), offset, limit)
    )
    return page.items, page.total


@bp.route("/runs", methods=["GET"])
@requires(JOBS)
def runs() -> str:
    """事项同步 runs and scheduler job history."""
    kind = arg("kind", RUN_KINDS) or "sync"
    page = page_number()
    items, total = _runs(kind, (page - 1) * 20, 20)
    return render_template(
        "console/supervisor/runs.html", items=items, pager=Pager(page, 20, total), kind=kind, kinds=RUN_KINDS
    )


@bp.route("/runs/export.xlsx", methods=["GET"])
@requires(JOBS)
def runs_export() -> Response:
    """Sync runs or job runs to Excel (their error texts redacted; audited)."""
    kind = arg("kind", RUN_KINDS) or "sync"
    items = export_rows(lambda offset, limit: _runs(kind, offset, limit))
    if kind == "sync":
        headers = [
            "运行号",
            "来源",
            "全量",
            "状态",
            "开始",
            "结束",
            "读取",
            "新增",
            "变更",
            "未变",
            "停用",
            "拒收",
            "错误",
        ]
        rows = [
            [
                r["id"],
                r["source"],
                r["full"],
                labels.RUN_OUTCOMES.get(r["status"], r["status"]),
                r["started_at"],
                r["finished_at"],
                r["seen"],
                r["new"],
                r["changed"],
                r["unchanged"],
                r["retired"],
                r["rejected"],
                redact(r["error"]) or "",
            ]
            for r in items
        ]
    else:
        headers = ["运行号", "任务", "主机", "开始", "结束", "结果", "详情"]
        rows = [
            [
                r["id"],
                labels.JOBS.get(r["job"], r["job"]),
                r["host"],
                r["started_at"],
                r["finished_at"],
                labels.RUN_OUTCOMES.get(r["outcome"], r["outcome"]),
                redact(r["detail"]),
            ]
            for r in items
        ]
    listing, filters = ("sync_runs", {}) if kind == "sync" else ("job_runs", {"job": arg("job", labels.JOBS)})
    return export_response(listing, filters, RUN_KINDS[kind], [Sheet(RUN_KINDS[kind], headers, rows)])
