"""待审核: replies for the website that redaction was not sure of, for a supervisor to approve or reject."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from gateway.domain import messages
from gateway.domain.access import OUTBOX_MANAGE
from gateway.domain.errors import DomainError, InvalidInput, InvalidTransition, NotFound
from gateway.domain.outbox import OutboxStatus
from gateway.services.publications import PublicationService, PublicationSnapshot
from gateway.web.common import Pager, actor, arg, page_number, services
from gateway.web.security import requires, safe_next

bp = Blueprint("pubs", __name__, url_prefix="/supervisor/publications")

MID = "<int(max=9223372036854775807):message_id>"
PAGE = 10
STATUSES: dict[str, str] = {
    OutboxStatus.HELD: "待审核",
    OutboxStatus.PENDING: "已核准待发送",
    OutboxStatus.SENT: "已发布",
    OutboxStatus.DISCARDED: "已驳回",
}
TYPES = {messages.REPLY_PUBLISH: "网站公开答复", messages.REPLY_TO_WRITER: "仅答复留言人"}
FIELDS = {"public_reply": "答复内容", "title": "标题", "department_name": "承办单位"}


def _service() -> PublicationService:
    wired = services()
    return PublicationService(wired.db, wired.clock)


def marked(text: str | None, doubts: list[dict[str, object]], field: str) -> Markup:
    """The text with the digit runs redaction could not classify highlighted."""
    text = text or ""
    spans = sorted((int(str(d["start"])), int(str(d["end"]))) for d in doubts if d.get("field") == field)
    out, at = [], 0
    for start, end in spans:
        if start < at or end > len(text):
            continue  # a span that no longer fits the text (edited since) is not drawn
        out.append(escape(text[at:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def why(doubts: list[dict[str, object]]) -> list[str]:
    """Why a publication is held, in words."""
    return [
        f"{FIELDS.get(str(d.get('field')), '正文')}中有一串{d.get('digits')}位数字，无法判断是否为个人信息"
        for d in doubts
    ]


@bp.route("", methods=["GET"])
@requires(OUTBOX_MANAGE)
def held() -> str:
    """Held publications (or those decided), oldest first, each with approve and reject forms."""
    status = arg("status", STATUSES) or OutboxStatus.HELD
    page = page_number()
    result = _service().find(actor(), status=status, offset=(page - 1) * PAGE, limit=PAGE)
    return render_template(
        "console/supervisor/publications.html",
        items=result.items,
        pager=Pager(page, PAGE, result.total),
        status=status,
        statuses=STATUSES,
        types=TYPES,
        marked=marked,
        why=why,
    )


@bp.route(f"/{MID}/<any(approve, reject):action>", methods=["POST"])
@requires(OUTBOX_MANAGE)
def decide(message_id: int, action: str) -> Response:
    """Approve (the text as shown or edited) or reject (with a reason) one held publication."""
    back = safe_next(request.form.get("next"), url_for("console.pubs.held"))
    service = _service()
    try:
        if action == "approve":
            current = service.get(message_id, actor())
            done = service.approve(message_id, actor(), **_edits(current))
            flash(f"{done.number or done.id} 的答复已核准，将发送至政府网站。", "success")
        else:
            reason = (request.form.get("reason") or "").strip()[:4000]
            if not reason:
                flash("请填写驳回理由。", "error")
                return redirect(back)
            done = service.reject(message_id, reason, actor())
            flash(f"{done.number or done.id} 的答复已驳回，不会发布。", "success")
    except DomainError as err:
        flash(_message(err), "error")
    return redirect(back)


def _edits(current: PublicationSnapshot) -> dict[str, str | None]:
    """What the approver changed: a field sent back unchanged (or blank) is not an edit."""
    form = {
        "text": request.form.get("text", "").replace("\r\n", "\n"),
        "title": request.form.get("title", "").replace("\r\n", "\n"),
    }
    shown = {"text": current.text or "", "title": current.title or ""}
    return {k: (v if v.strip() and v != shown[k] else None) for k, v in form.items()}


def _message(err: DomainError) -> str:
    if isinstance(err, InvalidTransition):
        if err.allowed:
            return "该诉求已有更新的答复，本条只能驳回。"
        return f"该答复当前为「{STATUSES.get(err.status, err.status)}」，不在待审核中，无需再处理。"
    if isinstance(err, InvalidInput):
        return f"{FIELDS.get(err.field, '内容')}不能为空。"
    if isinstance(err, NotFound):
        return "该答复不存在。"
    return "您的角色无权审核公开答复。"
