"""附件 on the inquiry page: the list, the upload form, image previews and an audio player. A file holding
personal data (a recording, a scan) opens only after a reason is given (查看/播放, audited once); the
person may then play or download that file for a few minutes without giving it again."""

from __future__ import annotations

import time
from io import BytesIO
from typing import Any

from flask import flash, redirect, render_template, request, send_file, session, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from gateway.domain.access import ATTACH, ATTACH_PUBLIC, PII, READ
from gateway.domain.attachments import NewFile
from gateway.domain.errors import DomainError, FileRefused
from gateway.services.attachments.service import Marks
from gateway.web.common import actor, attempt, domain_message, services
from gateway.web.inquiries import ID, bp
from gateway.web.security import requires

ATT = "<int(max=9223372036854775807):attachment_id>"
KINDS = {"recording": "录音", "photo": "照片", "document": "文件", "scan": "扫描件"}
SOURCES = {"hotline": "12345热线", "website": "政府网站", "window": "综合窗口", "department": "承办单位"}
GRANT_SECONDS = 600  # how long a revealed file stays open to the person who gave the reason
_GRANTS = "attachment_grants"
SHOWN = 50


def _granted(attachment_id: int) -> bool:
    grants = session.get(_GRANTS) or {}
    return float(grants.get(str(attachment_id), 0)) > time.time()


def _grant(attachment_id: int) -> None:
    now = time.time()
    grants = {k: v for k, v in (session.get(_GRANTS) or {}).items() if float(v) > now}
    grants[str(attachment_id)] = now + GRANT_SECONDS
    session[_GRANTS] = grants


@bp.app_context_processor
def _attachment_panel() -> dict[str, Any]:
    def attachment_panel(inquiry_id: int) -> Markup:
        """The 附件 section of an inquiry page (included by console/inquiries/detail.html)."""
        who = actor()
        page = attempt(lambda: services().attachments.find(inquiry_id, who, offset=0, limit=SHOWN))
        return Markup(  # noqa: S704 - a template of ours, rendered with autoescaping
            render_template(
                "console/inquiries/_attachments.html",
                inquiry_id=inquiry_id,
                files=page.items if page else [],
                total=page.total if page else 0,
                shown=SHOWN,
                kinds=KINDS,
                sources=SOURCES,
                granted=_granted,
                may_upload=who.can(ATTACH),
                may_publish=who.can(ATTACH_PUBLIC),
                may_reveal=who.can(PII),
                policy=services().settings.attachments,
            )
        )

    return {"attachment_panel": attachment_panel}


def _back(inquiry_id: int) -> Response:
    return redirect(url_for("console.inq.detail", inquiry_id=inquiry_id) + "#attachments")


@bp.route(f"/{ID}/attachments", methods=["POST"])
@requires(ATTACH)
def upload_attachments(inquiry_id: int) -> Response:
    """The upload form: every file checked, none stored if one is refused (the page says which)."""
    files = [NewFile(f.filename or "未命名", f.read()) for f in request.files.getlist("files") if f.filename]
    if not files:
        flash("请选择要上传的文件。", "error")
        return _back(inquiry_id)
    kind = request.form.get("kind") or None
    marks = Marks(
        kind if kind in KINDS else None,
        request.form.get("holds_personal_data") == "1",
        request.form.get("public") == "1",
    )
    try:
        made = services().attachments.upload(inquiry_id, files, marks, actor())
    except FileRefused as err:
        why = "超过大小限制" if err.too_large else "类型不允许，或扩展名与文件内容不符"
        flash(f"附件「{err.filename}」{why}，本次上传的文件均未保存。", "error")
    except DomainError as err:
        flash(domain_message(err), "error")
    else:
        flash(f"已上传 {len(made)} 个附件：" + "、".join(a.filename for a in made), "success")
    return _back(inquiry_id)


@bp.route(f"/{ID}/attachments/{ATT}/reveal", methods=["POST"])
@requires(PII)
def reveal_attachment(inquiry_id: int, attachment_id: int) -> Response:
    """查看/播放 a file holding personal data, for a reason written to the audit log."""
    reason = request.form.get("reason", "").strip()
    if len(reason) < 2:
        flash("请填写查看理由（至少2个字）。", "error")
        return _back(inquiry_id)
    done = attempt(lambda: services().attachments.reveal(inquiry_id, attachment_id, actor(), reason[:200]))
    if done is not None:
        _grant(attachment_id)
        flash(f"已打开附件「{done.filename}」，本次查看已记入审计日志。", "info")
    return _back(inquiry_id)


@bp.route(f"/{ID}/attachments/{ATT}", methods=["GET"])
@requires(READ)
def attachment_content(inquiry_id: int, attachment_id: int) -> Response:
    """The file, inline (preview, player) or as a download; with personal data, only after its reveal."""
    got = attempt(
        lambda: services().attachments.download(
            inquiry_id, attachment_id, actor(), None, revealed=_granted(attachment_id)
        )
    )
    if got is None:
        return _back(inquiry_id)
    response = send_file(
        BytesIO(got.content),
        mimetype=got.attachment.media_type,
        download_name=got.attachment.filename,
        as_attachment=request.args.get("inline") != "1",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
