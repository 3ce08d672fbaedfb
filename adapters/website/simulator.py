"""A stand-in for the government website's interaction system, written from PROTOCOL.md (not from the client).

The website's API (replies, status updates, 办事指南, the public pages) and the simulator's controls; the
website's memory is in sim_state, the guides' checks in sim_guides. Drops repeated Idempotency-Keys,
injects faults, and refuses replies that would publish a mobile or ID number.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from adapters.base.sim_control import register_control
from adapters.base.simulator import apply_fault, simulator_app
from adapters.website import sim_guides
from adapters.website.sim_state import BEIJING, BOX_NAMES, STATUS_NAMES, WebsiteState

# Refused: a webhook URL to push to but no secret to sign with.
_UNSIGNED_PUSH = "pushing webhooks to the gateway needs at least one webhook secret"

# What the website refuses to publish, whatever the gateway claims to have redacted.
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CHECKED_FIELDS = ("replyContent", "subject", "replyDept")
_FAULT_CODES = {429: "TOO_MANY_REQUESTS", 503: "SYSTEM_BUSY"}

Answer = tuple[int, dict[str, Any]]


def create_simulator(
    gateway_webhook_url: str | None = None, webhook_secrets: list[str] | None = None
) -> Flask:
    """The website simulator app; its state is at app.extensions["simulator"]."""
    app, _ = simulator_app(
        "website_simulator", WebsiteState, gateway_webhook_url, webhook_secrets, _UNSIGNED_PUSH
    )
    app.register_blueprint(_website_api())
    app.register_blueprint(_controls())
    for status, code, text in (
        (404, "NOT_FOUND", "接口不存在"),
        (405, "PARAM_INVALID", "请求方法不支持"),
        (500, "SYSTEM_ERROR", "系统错误"),
    ):
        app.register_error_handler(status, lambda _e, s=status, c=code, t=text: _error(s, c, t))
    return app


def _state() -> WebsiteState:
    state: WebsiteState = current_app.extensions["simulator"]
    return state


def _error(status: int, code: str, text: str, headers: dict[str, str] | None = None) -> Response:
    response = jsonify({"success": False, "errorCode": code, "errorMsg": text})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _ok(data: Any) -> Response:
    return jsonify({"success": True, "data": data})


# ---- the website's API ----------------------------------------------------------------------------


def _website_api() -> Blueprint:
    api = Blueprint("website_api", __name__)

    @api.post("/interact/api/replies")
    def publish_reply() -> Response:
        return _idempotent("publish_reply", _publish)

    @api.post("/interact/api/messages/<msg_id>/status")
    def update_status(msg_id: str) -> Response:
        return _idempotent("update_status", lambda state, body: _update_status(state, msg_id, body))

    @api.get("/interact/api/public/replies")
    def public_replies() -> Response:
        replies = _state().published()
        return _ok({"total": len(replies), "list": replies})

    @api.post("/interact/api/guides/batch")
    def publish_guides() -> Response:
        return _idempotent("publish_guides", sim_guides.publish_guides)

    @api.get("/interact/api/public/guides")
    def public_guides() -> Response:
        page_no, page_size = _page_arg("pageNo", 1, 10_000), _page_arg("pageSize", 20, 100)
        if page_no is None or page_size is None:
            return _error(400, "PARAM_INVALID", "pageNo应为正整数，pageSize应为1-100")
        found = _state().published_guides(request.args.get("keyword"), request.args.get("deptName"))
        listed = found[(page_no - 1) * page_size : page_no * page_size]
        return _ok({"total": len(found), "pageNo": page_no, "pageSize": page_size, "list": listed})

    @api.get("/interact/api/public/guides/<item_code>")
    def public_guide(item_code: str) -> Response:
        guide = _state().public_guide(item_code)
        if guide is None:
            return _error(404, "GUIDE_NOT_FOUND", f"办事指南{item_code}不存在或已下架")
        return _ok(guide)

    return api


def _page_arg(name: str, default: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= high:
        return None
    return int(raw)


def _idempotent(operation: str, act: Callable[[WebsiteState, dict[str, Any]], Answer]) -> Response:
    state = _state()
    fault = apply_fault(state)
    if fault is not None:
        status, headers = fault
        return _error(status, _FAULT_CODES.get(status, "SYSTEM_ERROR"), "系统繁忙，请稍后再试", headers)
    key = request.headers.get("Idempotency-Key")
    if not key:
        return _error(400, "IDEMPOTENCY_KEY_MISSING", "缺少Idempotency-Key请求头")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "PARAM_INVALID", "请求体必须是JSON对象")
    # act runs under the state's lock (record holds it): it must not take the lock again.
    (status, answer), duplicate = state.record(operation, key, body, lambda: act(state, body))
    response = jsonify(answer)
    response.status_code = status
    if duplicate:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _refuse(status: int, code: str, text: str) -> Answer:
    return status, {"success": False, "errorCode": code, "errorMsg": text}


def _publish(state: WebsiteState, body: dict[str, Any]) -> Answer:
    content = body.get("replyContent")
    if not isinstance(content, str) or not content.strip() or len(content) > 20000:
        return _refuse(400, "PARAM_INVALID", "replyContent不能为空且不超过20000字")
    if not sim_guides.is_time(body.get("replyTime")):
        return _refuse(400, "PARAM_INVALID", "replyTime格式应为yyyy-MM-dd HH:mm:ss")
    publish = body.get("publish", "Y")
    if publish not in ("Y", "N"):
        return _refuse(400, "PARAM_INVALID", "publish应为Y或N")
    for name in _CHECKED_FIELDS:
        value = body.get(name)
        if isinstance(value, str) and (_MOBILE.search(value) or _ID_CARD.search(value)):
            return _refuse(422, "PRIVACY_DETECTED", f"{name}含有手机号码或身份证号码等个人信息，不予发布")
    msg_id = body.get("msgId")
    if msg_id is not None:
        message = state.messages.get(str(msg_id))
        if message is None:
            return _refuse(404, "MSG_NOT_FOUND", f"留言{msg_id}不存在")
        if publish == "Y" and message.get("isPublic") != "Y":
            return _refuse(422, "NOT_PUBLIC", "留言人未同意公开，答复不能公开发布")
        box_type, subject = message.get("boxType"), message.get("subject")
    else:
        box_type, subject = body.get("boxType"), body.get("subject")
        if not isinstance(body.get("refNo"), str) or not body["refNo"]:
            return _refuse(400, "PARAM_INVALID", "msgId与refNo不能同时为空")
        if box_type not in BOX_NAMES:
            return _refuse(400, "PARAM_INVALID", "boxType不合法")
        if not isinstance(subject, str) or not subject.strip():
            return _refuse(400, "PARAM_INVALID", "subject不能为空")
    files = _reply_files(body.get("attachments"))
    if isinstance(files, tuple):
        return files
    state.files.update({f["sha256"]: content for f, content in files})
    reply = {
        "replyId": f"HF{datetime.now(BEIJING):%Y%m%d}{len(state.replies) + 1:06d}",
        "msgId": msg_id,
        "refNo": body.get("refNo"),
        "boxType": box_type,
        "boxName": BOX_NAMES.get(str(box_type)),
        "subject": subject,
        "replyContent": content,
        "replyDept": body.get("replyDept"),
        "replyTime": body["replyTime"],
        "publish": publish,
    }
    if files:
        reply["attachments"] = [f for f, _ in files]
    state.replies.append(reply)
    return 200, {
        "success": True,
        "data": {
            "replyId": reply["replyId"],
            "msgId": msg_id,
            "refNo": reply["refNo"],
            "published": publish == "Y",
        },
    }


def _reply_files(items: Any) -> list[tuple[dict[str, Any], bytes]] | Answer:
    """A reply's 附件, decoded and checked against their SHA-256; a refusal if one is malformed."""
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > 20:
        return _refuse(400, "PARAM_INVALID", "attachments应为不超过20个附件的数组")
    files = []
    for item in items:
        try:
            content = base64.b64decode(str(item["content"]), validate=True)
            meta = {k: item[k] for k in ("fileId", "fileName", "contentType", "fileSize", "sha256")}
        except (KeyError, TypeError, ValueError, binascii.Error):
            return _refuse(400, "PARAM_INVALID", "附件格式不正确")
        if hashlib.sha256(content).hexdigest() != meta["sha256"] or len(content) != meta["fileSize"]:
            return _refuse(400, "PARAM_INVALID", f"附件{meta['fileName']}校验失败")
        files.append((meta, content))
    return files


def _update_status(state: WebsiteState, msg_id: str, body: dict[str, Any]) -> Answer:
    message = state.messages.get(msg_id)
    if message is None:
        return _refuse(404, "MSG_NOT_FOUND", f"留言{msg_id}不存在")
    code = body.get("statusCode")
    if isinstance(code, bool) or code not in (1, 2, 3, 4):
        return _refuse(400, "PARAM_INVALID", "statusCode应为1-4")
    if not sim_guides.is_time(body.get("updateTime")):
        return _refuse(400, "PARAM_INVALID", "updateTime格式应为yyyy-MM-dd HH:mm:ss")
    if body.get("dueTime") is not None and not sim_guides.is_time(body["dueTime"]):
        return _refuse(400, "PARAM_INVALID", "dueTime格式应为yyyy-MM-dd HH:mm:ss")
    entry = {
        "statusCode": code,
        "statusName": STATUS_NAMES[code],
        "refNo": body.get("refNo"),
        "handleDept": body.get("handleDept"),
        "dueTime": body.get("dueTime"),
        "updateTime": body["updateTime"],
    }
    state.status_history[msg_id].append(entry)
    message["status"] = code
    return 200, {"success": True, "data": {"msgId": msg_id, "statusCode": code}}


# ---- simulator controls (not part of the website) -------------------------------------------------


def _controls() -> Blueprint:
    sim = Blueprint("website_sim", __name__, url_prefix="/_sim")

    @sim.post("/messages")
    def submit() -> Response:
        fields = request.get_json(silent=True) or {}
        if not isinstance(fields, dict):
            return _error(400, "PARAM_INVALID", "请求体必须是JSON对象")
        state = _state()
        message = state.submit_message(**fields)
        with state.lock:
            push = next((p for p in reversed(state.pushes) if p["msgId"] == message["msgId"]), None)
        return _ok({"message": message, "push": push})

    @sim.get("/messages")
    def messages() -> Response:
        state = _state()
        with state.lock:
            listed = [
                {**m, "statusHistory": list(state.status_history.get(k, []))}
                for k, m in state.messages.items()
            ]
        return _ok({"total": len(listed), "list": listed})

    @sim.get("/replies")
    def replies() -> Response:
        state = _state()
        with state.lock:
            return _ok({"total": len(state.replies), "list": list(state.replies)})

    @sim.get("/guides")
    def guides() -> Response:
        state = _state()
        with state.lock:
            return _ok({"total": len(state.guides), "list": list(state.guides.values())})

    register_control(
        sim,
        _state,
        queued=lambda: _ok({"queued": True}),
        bad_fault=lambda: _error(400, "PARAM_INVALID", "故障参数不合法"),
        done_reset=lambda: _ok({"reset": True}),
        retry_after_key="retryAfter",
        prefix="",
        names=("fault", "reset", "state"),
    )

    return sim
