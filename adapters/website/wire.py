"""The website's payloads <-> the gateway's own terms. Pure: no I/O, no clock, no config.

Inbound errors name the website's field (``message.boxType``); outbound errors name the gateway payload's
field, since a payload the adapter cannot map is the gateway's bug, not the website's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from adapters.website import attachment_wire
from gateway.domain.calendar import SHANGHAI
from gateway.domain.errors import WireError
from gateway.domain.inbound import InboundEvent, InboundKind
from gateway.domain.inquiry import KIND_LABELS, Channel, Kind
from gateway.domain.lifecycle import Status
from gateway.domain.pii import Person, redact_text

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # the website's yyyy-MM-dd HH:mm:ss, Beijing time
EVENT_SUBMITTED = "message.submitted"

# boxType -> (the box's name, the kind when the writer picked no letterType)
BOXES: dict[str, tuple[str, Kind]] = {
    "LDXX": ("领导信箱", Kind.SUGGESTION),  # letters to the district head are mostly advice
    "ZXZX": ("在线咨询", Kind.CONSULT),
    "TSJB": ("投诉举报", Kind.COMPLAINT),
    "JYXC": ("建言献策", Kind.SUGGESTION),
}
LETTER_TYPES: dict[str, Kind] = {label: kind for kind, label in KIND_LABELS.items()}
KIND_TO_BOX: dict[Kind, str] = {
    Kind.CONSULT: "ZXZX",
    Kind.HELP: "ZXZX",
    Kind.COMPLAINT: "TSJB",
    Kind.REPORT: "TSJB",
    Kind.SUGGESTION: "JYXC",
    Kind.PRAISE: "LDXX",
}
STATUS_NAMES: dict[int, str] = {0: "待受理", 1: "已受理", 2: "办理中", 3: "已答复", 4: "已办结"}
STATUS_CODES: dict[Status, int] = {
    Status.RECEIVED: 1,
    Status.RETURNED: 1,
    Status.DISPATCHED: 2,
    Status.ACKNOWLEDGED: 2,
    Status.EXTENSION_REQUESTED: 2,
    Status.REOPENED: 2,
    Status.REPLIED: 3,
    Status.CALLED_BACK: 3,
    Status.CLOSED: 4,
}

_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_ID_CARD = re.compile(r"\d{17}[\dXx]")


@dataclass(frozen=True)
class WebsiteCall:
    """One call to the website's API: what to send where."""

    operation: str
    path: str
    body: dict[str, Any]


# ---- website -> gateway ---------------------------------------------------------------------------


def inquiry_from_website(body: Any) -> InboundEvent:
    """Map a ``message.submitted`` webhook body to an InquiryIn-shaped inquiry event."""
    if not isinstance(body, dict):
        raise WireError("body", "must be a JSON object")
    if body.get("eventType") != EVENT_SUBMITTED:
        raise WireError("eventType", f"must be {EVENT_SUBMITTED}")
    message = body.get("message")
    if not isinstance(message, dict):
        raise WireError("message", "must be an object")

    box_type = message.get("boxType")
    if box_type not in BOXES:
        raise WireError("message.boxType", f"must be one of {', '.join(BOXES)}")
    box_name, kind = BOXES[box_type]
    letter_type = _text(message, "letterType", required=False, max_len=8)
    if letter_type is not None:
        if letter_type not in LETTER_TYPES:
            raise WireError("message.letterType", f"must be one of {', '.join(LETTER_TYPES)}")
        kind = LETTER_TYPES[letter_type]

    mobile = _text(message, "writerMobile", required=True, max_len=11)
    if mobile is None or not _MOBILE.fullmatch(mobile):
        raise WireError("message.writerMobile", "must be an 11-digit mobile number")
    id_card = _text(message, "writerIdCard", required=False, max_len=18)
    if id_card is not None and not _ID_CARD.fullmatch(id_card):
        raise WireError("message.writerIdCard", "must be 17 digits and a digit or X")
    parse_website_time(message.get("submitTime"), "message.submitTime")

    return InboundEvent(
        kind=InboundKind.INQUIRY,
        files=attachment_wire.files_from_message(message),  # 附件, decoded from base64
        data={
            "channel": Channel.WEBSITE.value,
            "external_id": _text(message, "msgId", required=True, max_len=64),
            "kind": kind.value,
            "title": _text(message, "subject", required=True, max_len=200),
            "content": _text(message, "content", required=True, max_len=20000, strip=False),
            "category": box_name,
            "address": _text(message, "eventAddress", required=False, max_len=200),
            "district": _text(message, "area", required=False, max_len=64),
            "citizen": {
                "name": _text(message, "writerName", required=True, max_len=64),
                "phone": mobile,
                "id_number": id_card.upper() if id_card else None,
            },
            "public_consent": _flag(message, "isPublic"),
        },
    )


def parse_website_time(value: Any, field: str) -> datetime:
    """A website ``yyyy-MM-dd HH:mm:ss`` (Beijing time) as an aware datetime."""
    if not isinstance(value, str):
        raise WireError(field, "must be yyyy-MM-dd HH:mm:ss")
    try:
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=SHANGHAI)
    except ValueError:
        raise WireError(field, "must be yyyy-MM-dd HH:mm:ss") from None


def _text(
    message: dict[str, Any], name: str, *, required: bool, max_len: int, strip: bool = True
) -> str | None:
    field = f"message.{name}"
    value = message.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise WireError(field, "is required")
        return None
    if not isinstance(value, str):
        raise WireError(field, "must be a string")
    if _BAD_CHARS.search(value):
        raise WireError(field, "contains control characters or invalid Unicode")
    text = value.strip() if strip else value
    if len(text) > max_len:
        raise WireError(field, f"must be at most {max_len} characters")
    return text


def _flag(message: dict[str, Any], name: str) -> bool:
    value = message.get(name, "N")
    if value not in ("Y", "N"):
        raise WireError(f"message.{name}", "must be Y or N")
    return bool(value == "Y")


# ---- gateway -> website ---------------------------------------------------------------------------


def writer_reply_call(payload: dict[str, Any]) -> WebsiteCall | None:
    """``reply.to_writer`` -> POST /interact/api/replies with ``publish`` N: on the writer's own message,
    for them alone."""
    if _website_msg_id(payload) is None:
        raise WireError("external_id", "a reply for its writer alone needs the website's message id")
    return reply_call(payload, public=False)


def reply_call(payload: dict[str, Any], *, public: bool = True) -> WebsiteCall | None:
    """``reply.publish`` -> POST /interact/api/replies, shown to visitors; None when there is no reply
    text."""
    text = payload.get("public_reply")
    if text is None or (isinstance(text, str) and not text.strip()):
        return None  # no reply text for the citizen: nothing to show on the website
    if not isinstance(text, str):
        raise WireError("public_reply", "must be a string")
    # Redacted when queued; again here, so that no text reaches a page without passing one redaction.
    person = _citizen(payload)
    body: dict[str, Any] = {
        "refNo": _required_str(payload, "number"),
        "replyContent": redact_text(text, person=person),
        "replyTime": website_time(payload.get("replied_at"), "replied_at"),
        "publish": "Y" if public else "N",
    }
    department = _optional_str(payload, "department_name")
    if department:
        body["replyDept"] = redact_text(department, person=person)
    files = attachment_wire.reply_files(payload) if public else None  # only the public 附件, published
    if files:
        body["attachments"] = files
    msg_id = _website_msg_id(payload)
    if msg_id is not None:
        body["msgId"] = msg_id
    else:
        kind = payload.get("kind")
        if kind not in KIND_TO_BOX:
            raise WireError("kind", "must be a gateway kind")
        title = _optional_str(payload, "title") or body["refNo"]
        body["boxType"] = KIND_TO_BOX[Kind(kind)]
        body["subject"] = redact_text(title, person=person)
    return WebsiteCall("publish_reply", "/interact/api/replies", body)


def status_call(payload: dict[str, Any]) -> WebsiteCall | None:
    """``inquiry.status_changed`` -> POST .../messages/{msgId}/status; None unless from the website."""
    msg_id = _website_msg_id(payload)
    if msg_id is None:
        return None  # the website keeps status only for its own messages
    status = payload.get("status")
    if status not in STATUS_CODES:
        raise WireError("status", "must be a gateway status")
    code = STATUS_CODES[Status(status)]
    body: dict[str, Any] = {
        "statusCode": code,
        "statusName": STATUS_NAMES[code],
        "updateTime": website_time(payload.get("at"), "at"),
    }
    number = _optional_str(payload, "number")
    if number:
        body["refNo"] = number
    department = _optional_str(payload, "department_name")
    if department:
        body["handleDept"] = department
    if payload.get("due_at") is not None:
        body["dueTime"] = website_time(payload["due_at"], "due_at")
    return WebsiteCall("update_status", f"/interact/api/messages/{_path_segment(msg_id)}/status", body)


def website_time(value: Any, field: str) -> str:
    """An ISO 8601 time from the gateway as the website's ``yyyy-MM-dd HH:mm:ss`` in Beijing time."""
    if not isinstance(value, str):
        raise WireError(field, "must be an ISO 8601 date and time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise WireError(field, "must be an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)  # the gateway's convention for a naive time
    return moment.astimezone(SHANGHAI).strftime(TIME_FORMAT)


def _website_msg_id(payload: dict[str, Any]) -> str | None:
    # external_id is the website's msgId only when the inquiry came from the website.
    origin = payload.get("origin")
    if origin is not None and origin != Channel.WEBSITE.value:
        return None
    return _optional_str(payload, "external_id")


def _citizen(payload: dict[str, Any]) -> Person:
    # reply.publish carries no citizen; if one slipped in, use it for redaction and send nothing of it.
    citizen = payload.get("citizen")
    if not isinstance(citizen, dict):
        return Person()
    name, phone, id_number = (citizen.get(k) for k in ("name", "phone", "id_number"))
    return Person(
        name if isinstance(name, str) else None,
        phone if isinstance(phone, str) else None,
        id_number if isinstance(id_number, str) else None,
    )


def _required_str(payload: dict[str, Any], field: str) -> str:
    value = _optional_str(payload, field)
    if not value:
        raise WireError(field, "is required")
    return value


def _optional_str(payload: dict[str, Any], field: str) -> str | None:
    value = payload.get(field)
    if value is not None and not isinstance(value, str):
        raise WireError(field, "must be a string")
    return value


def _path_segment(value: str) -> str:
    return quote(value, safe="")
