"""并单 on the inquiry page: the duplicate candidates with why they matched, merging into a master (主单),
the children listed on the master's page, undoing a merge. The routes live on the inquiries blueprint:
/console/inquiries/<id>/merge and …/unmerge; ``panel`` is what the inquiry page shows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from gateway.domain.access import MERGE, Actor
from gateway.domain.errors import DomainError, InvalidTransition
from gateway.domain.lifecycle import Status
from gateway.services.inquiries import InquiryFilter
from gateway.web.common import actor, attempt, domain_message, load, services
from gateway.web.inquiries import bp
from gateway.web.security import requires, safe_next
from schemas.merge import MergeIn, UnmergeIn

# Why a merge is refused (gateway.domain.merging), in the clerk's words.
_WHY: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"into itself"), "不能并入本单"),
    (re.compile(r"a cycle"), "主单已并入本单，不能循环并单"),
    (
        re.compile(r"is itself merged into inquiry (\d+)"),
        "所选主单本身已并入其他诉求（ID {0}），请并入该诉求",
    ),
    (re.compile(r"already merged into"), "本单已并入该主单"),
    (
        re.compile(r"already merged elsewhere \(into inquiry (\d+)\)"),
        "本单已并入其他诉求（ID {0}），请先取消并单",
    ),
    (re.compile(r"is itself a master of (\d+)"), "本单已是 {0} 件诉求的主单，请先取消其子单"),
    (re.compile(r"the child is closed"), "本单已办结"),
    (re.compile(r"the master is closed"), "主单已办结"),
    (re.compile(r"the master has been answered.*undone only before"), "主单已答复，不能再取消并单"),
    (re.compile(r"the master has been answered"), "主单已答复，不能再并入"),
    (re.compile(r"the child has been answered"), "本单已答复"),
    (re.compile(r"only a supervisor"), "两单主办单位不同，须由督办员并单"),
    (re.compile(r"not merged into any inquiry"), "本单未并入任何诉求"),
    (re.compile(r"no inquiry \d+ that you may see"), "找不到该主单，或您无权查看"),
]


@dataclass(frozen=True)
class Panel:
    """What the inquiry page shows of 并单."""

    may_merge: bool
    master: Any = None  # the master (MasterRef: its number, and whether this user may open it)
    candidates: list[Any] = field(default_factory=list)
    children: list[Any] = field(default_factory=list)
    children_total: int = 0


def panel(view: Any, who: Actor) -> Panel:
    """Candidates (for a role that may merge, on an inquiry that may still be merged), the master of a
    child, the children of a master."""
    inquiries = services().inquiries
    may = who.can(MERGE)
    # A clerk who may not read the master (a window's child of a 12345 master) sees only its number.
    master = inquiries.master_of(view.id, who) if view.master_id else None
    page = inquiries.children(view.id, who, offset=0, limit=50)
    candidates: list[Any] = []
    if may and view.master_id is None and view.status != Status.CLOSED.value:
        candidates = attempt(lambda: inquiries.candidates(view.id, who)) or []
    return Panel(may, master, candidates, page.items, page.total)


@bp.route("/<int(max=9223372036854775807):inquiry_id>/merge", methods=["POST"])
@requires(MERGE)
def merge(inquiry_id: int) -> Response:
    """并单: this inquiry becomes a child of the chosen master."""
    back = safe_next(request.form.get("next"), url_for("console.inq.detail", inquiry_id=inquiry_id))
    raw = (request.form.get("master_id") or "").strip()
    typed = (request.form.get("master_number") or "").strip().upper()
    if typed:  # staff know the inquiry number (诉求编号), not the id
        raw = _id_of(typed) or ""
        if not raw:
            flash(f"未找到编号为 {typed[:30]} 的诉求，或您无权查看。", "error")
            return redirect(back)
    data = load(
        MergeIn,
        {
            "master_id": int(raw) if raw.isdigit() and len(raw) < 19 else raw,
            "reason": request.form.get("reason", ""),
        },
    )
    if data is not None:
        done = _attempt(
            lambda: services().inquiries.merge(inquiry_id, data["master_id"], data["reason"], actor())
        )
        if done is not None:
            master = services().inquiries.master_of(done.id, actor())
            named = master.number if master is not None else f"ID {data['master_id']}"
            flash(f"已并单：{done.number} 并入主单 {named}，随主单办理", "success")
    return redirect(back)


def _id_of(number: str) -> str | None:
    """The id of the inquiry with exactly this number, among those the user may see."""
    page = services().inquiries.find(InquiryFilter(text=number[:40]), actor(), offset=0, limit=5)
    return next((str(i.id) for i in page.items if i.number == number), None)


@bp.route("/<int(max=9223372036854775807):inquiry_id>/unmerge", methods=["POST"])
@requires(MERGE)
def unmerge(inquiry_id: int) -> Response:
    """Undo a merge (until the master is replied)."""
    back = safe_next(request.form.get("next"), url_for("console.inq.detail", inquiry_id=inquiry_id))
    data = load(UnmergeIn, {"reason": request.form.get("reason", "")})
    if data is not None:
        done = _attempt(lambda: services().inquiries.unmerge(inquiry_id, data["reason"], actor()))
        if done is not None:
            flash(f"已取消并单：{done.number} 单独办理", "success")
    return redirect(back)


def _attempt(operation: Any) -> Any:
    """Like ``attempt``, with a refused merge told in Chinese."""
    try:
        return operation()
    except InvalidTransition as err:
        flash("不能并单：" + _why(err.reason), "error")
    except DomainError as err:
        flash(domain_message(err), "error")
    return None


def _why(reason: str | None) -> str:
    for pattern, text in _WHY:
        match = pattern.search(reason or "")
        if match:
            return text.format(*match.groups())
    return reason or "操作未能完成"
