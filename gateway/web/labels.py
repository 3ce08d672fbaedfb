"""Chinese words for the codes the services speak, for pages and spreadsheets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from gateway.domain import messages
from gateway.domain.applications import AppStatus
from gateway.domain.calendar import SHANGHAI
from gateway.domain.catalog import ITEM_TYPES, MATERIAL_FORMS
from gateway.domain.inquiry import KIND_LABELS
from gateway.domain.lifecycle import STATUS_LABELS
from gateway.domain.outbox import OUTBOX_STATUS_LABELS
from gateway.domain.satisfaction import SATISFACTION_LABELS

# The plain tables are text, kept in labels.yaml beside this module; those keyed by the domain's own codes
# (enums, message types) are built here from them.
_TEXT: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "labels.yaml").read_text(encoding="utf-8"))

KINDS = {k.value: v for k, v in KIND_LABELS.items()}
STATUSES = {k.value: v for k, v in STATUS_LABELS.items()}
SATISFACTION = {k.value: v for k, v in SATISFACTION_LABELS.items()}
CHANNELS: dict[str, str] = _TEXT["channels"]
ROLES: dict[str, str] = _TEXT["roles"]
DEADLINE: dict[str, str] = _TEXT["deadline"]
ACTIONS: dict[str, str] = _TEXT["actions"]
APP_STATUSES = {
    AppStatus.ACCEPTED.value: "已受理",
    AppStatus.UNDER_REVIEW.value: "审查中",
    AppStatus.CORRECTION.value: "待补正",
    AppStatus.GRANTED.value: "准予",
    AppStatus.REFUSED.value: "不予",
    AppStatus.READY.value: "待取件",
    AppStatus.DELIVERED.value: "已出件",
}
TASK_STATUSES: dict[str, str] = _TEXT["task_statuses"]
APP_ACTIONS: dict[str, str] = _TEXT["app_actions"]
RECT_STATUSES: dict[str, str] = _TEXT["rect_statuses"]
DELIVERY: dict[str, str] = _TEXT["delivery"]
ITEM_TYPE_LABELS = dict(ITEM_TYPES)
MATERIAL_FORM_LABELS = dict(MATERIAL_FORMS)
OUTBOX_STATUSES = {k.value: v for k, v in OUTBOX_STATUS_LABELS.items()}
TARGETS = {**CHANNELS, "department": "部门业务系统", "catalog_source": "事项库"}
MESSAGES = {
    messages.STATUS_CHANGED: "诉求状态通知",
    messages.WORKORDER_CREATE: "转12345工单",
    messages.REPLY_PUBLISH: "发布公开答复",
    messages.REPLY_TO_WRITER: "答复留言人",
    messages.TRANSFER_CREATE: "转接部门专线",
    messages.TASK_SUBMITTED: "推送办件",
    messages.SUPPLEMENT: "补齐材料",
    messages.WITHDRAWN: "撤回办件",
    messages.APPLICATION_STATUS: "办件状态通知",
    messages.CATALOG_ITEMS: "事项变更",
}
RUN_OUTCOMES: dict[str, str] = _TEXT["run_outcomes"]
JOBS: dict[str, str] = _TEXT["jobs"]
GROUPS: dict[str, str] = _TEXT["groups"]
FIELDS: dict[str, str] = _TEXT["fields"]
# An error page's title and text by HTTP status.
ERROR_PAGES: dict[int, tuple[str, str]] = {
    code: (title, text) for code, (title, text) in _TEXT["error_pages"].items()
}


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware time in Beijing time, or an empty string."""
    return value.astimezone(SHANGHAI).strftime(fmt) if value else ""


def duration(seconds: float) -> str:
    """2天3小时, 5小时12分, 8分."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{minutes}分"
    return f"{minutes}分"


def percent(value: float | None) -> str:
    """0.9512 -> 95.1%; None -> —."""
    return "—" if value is None else f"{value * 100:.1f}%"
