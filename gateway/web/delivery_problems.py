"""A dead letter's last error in a supervisor's words: which system, what it answered, what to do.

The worker keeps an error as `reason[; HTTP nnn][; response: body]` (gateway.delivery.worker._describe);
the reasons come from adapters/base/http.py (timeouts, connections, HTTP statuses), the adapters' clients
(refusals, payloads they cannot map) and the worker itself (no adapter, an adapter's own bug).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.web.labels import TARGETS

RESEND, CONTACT, DISCARD = "resend", "contact", "discard"

_STATUS = re.compile(r"(?:^|; )HTTP (\d{3})(?=;|$)")
_RESPONSE = "; response: "
_UNMAPPABLE = re.compile(
    r"cannot map|cannot be mapped|takes no|is not sent to|is not configured|without a valid"
)

# What the worker's words mean and what to do; {s} is the system, {n} the HTTP status, {x} the detail.
_BACK = "{s}可能繁忙或出了故障。确认它恢复后点「重发」；对方按消息编号去重，重发不会重复办理。"
_ASK = "请联系{s}确认拒收原因；原样重发仍会被拒收，无法补救的点「放弃」并说明原因。"
_BY_REASON = (  # the worker's reason starts with ...
    ("timed out", "{s}在等待时间内没有应答（超时）", _BACK, RESEND),
    (
        "connection failed",
        "连接不上{s}（连接被拒绝或网络不通）",
        "{s}可能没有运行或网络中断。请联系{s}的运维人员，确认恢复后点「重发」。",
        RESEND,
    ),
    (
        "request failed",
        "请求没能发出（网关中{s}的接口地址或证书配置有误）",
        "请联系网关技术支持检查该系统的接口配置，修正后点「重发」。",
        CONTACT,
    ),
    (
        "no adapter configured",
        "网关没有配置{s}的接口",
        "请联系网关技术支持配置后点「重发」；该系统已不再对接的，点「放弃」并说明原因。",
        CONTACT,
    ),
    (
        "adapter error",
        "网关的发送程序出错（{x}）",
        "这是网关自身的问题：请联系网关技术支持，修复后点「重发」。",
        CONTACT,
    ),
)
_UNMAPPED = (
    "网关无法把这条消息转换为{s}接收的格式，消息没有发出",
    "原样重发仍会失败。请联系网关技术支持；确认不需要发送的，点「放弃」并说明原因。",
    DISCARD,
)
_UNKNOWN = ("无法识别的错误", "请联系网关技术支持，并附上下面的原始错误。", CONTACT)
_BY_STATUS = {  # the system answered HTTP ...
    "5xx": (
        "{s}返回 HTTP {n}（对方系统故障或暂时不可用）",
        "等{s}恢复后点「重发」；重发不会重复办理。",
        RESEND,
    ),
    "429": ("{s}返回 HTTP {n}（请求过多，对方限流）", "稍后点「重发」即可。", RESEND),
    "401": (
        "{s}不认可网关的身份（HTTP {n}：接口密钥或权限不对）",
        "请联系{s}核对网关的接口密钥和权限，修正后点「重发」。",
        CONTACT,
    ),
    "404": ("{s}拒收了这条消息（HTTP {n}：找不到对应的接口或记录）", _ASK, CONTACT),
    "409": ("{s}拒收了这条消息（HTTP {n}：与对方已有的记录冲突）", _ASK, CONTACT),
    "4xx": ("{s}拒收了这条消息（HTTP {n}：消息内容不符合对方要求）", _ASK, CONTACT),
    "2xx": ("{s}收到了消息，但拒绝受理（HTTP {n}）", _ASK, CONTACT),
    "2xx unreadable": (
        "{s}的应答无法识别（HTTP {n}）",
        "请联系{s}确认是否已收到；没有收到的点「重发」，不会重复办理。",
        CONTACT,
    ),
}
_WORDS_KEYS = ("msg", "errorMsg", "message", "errmsg", "error_description", "error")
_CODE_KEYS = ("code", "errorCode", "errcode", "error_code")


@dataclass(frozen=True)
class Problem:
    """One dead letter explained: the system, its answer, the receiver's own words, and what to do."""

    system: str
    answer: str
    advice: str
    remedy: str  # RESEND, CONTACT or DISCARD: the step the advice leads to
    said: str | None = None  # the receiver's message and error code, when its answer had them


def explain(target: str, last_error: str | None, systems: Mapping[str, str] = TARGETS) -> Problem:
    """The worker's last error for a message to `target`, in Chinese."""
    system = systems.get(target) or TARGETS.get(target) or target
    text = (last_error or "").strip()
    if not text:
        return Problem(system, "没有记录错误信息", "请联系网关技术支持查明原因。", CONTACT)
    reason, _, body = text.partition(_RESPONSE)
    found = _STATUS.search(reason)
    status = int(found.group(1)) if found else None
    if status is not None:
        answer, advice, remedy = _BY_STATUS[_status_class(status, reason)]
    else:
        answer, advice, remedy = next(
            ((a, d, r) for start, a, d, r in _BY_REASON if reason.startswith(start)),
            _UNMAPPED if _UNMAPPABLE.search(reason) else _UNKNOWN,
        )
    detail = reason.partition(":")[2].strip() or "未知错误"
    words = {"s": system, "n": status, "x": detail}
    return Problem(system, answer.format(**words), advice.format(**words), remedy, _their_words(body))


def _status_class(status: int, reason: str) -> str:
    if status >= 500 or status == 408:
        return "5xx"
    if status in (401, 403):
        return "401"
    if 200 <= status < 300:
        return "2xx unreadable" if "unreadable" in reason else "2xx"
    return str(status) if str(status) in _BY_STATUS else "4xx"


def _their_words(body: str) -> str | None:
    """The receiver's own message and error code from its answer body, when it is JSON that has them."""
    try:
        parsed: Any = json.loads(body) if body else None
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    words = next((parsed[k] for k in _WORDS_KEYS if isinstance(parsed.get(k), str) and parsed[k]), None)
    code = next((parsed[k] for k in _CODE_KEYS if isinstance(parsed.get(k), (str, int))), None)
    if words is None and code is None:
        return None
    return f"{words or ''}{f'（错误码 {code}）' if code is not None else ''}"[:200]
