"""What every console view uses: the services, the actor, paging, dates from forms, and Chinese messages."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar, cast

from flask import current_app, flash, redirect, request, url_for
from marshmallow import Schema, ValidationError
from werkzeug.wrappers import Response

from gateway.domain.access import Actor
from gateway.domain.calendar import SHANGHAI
from gateway.domain.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    UpstreamError,
)
from gateway.services.accounts import StaffService
from gateway.services.container import Services
from gateway.services.inquiries import InquiryStats
from gateway.web import labels
from gateway.web.security import current_staff
from schemas.inquiry import RevealIn

T = TypeVar("T")
PAGE_SIZE = 20
EXPORT_LIMIT = 5000  # rows in one spreadsheet; narrow the filters for more


@dataclass(frozen=True)
class Console:
    """The services only the consoles use, wired once per app."""

    staff: StaffService
    stats: InquiryStats


def services() -> Services:
    """The gateway's services."""
    return cast(Services, current_app.extensions["gateway"])


def console() -> Console:
    """The consoles' own services."""
    return cast(Console, current_app.extensions["console"])


def actor() -> Actor:
    """The logged-in person as the services see them."""
    return current_staff().actor()


# ---- paging -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pager:
    """Where a list page is, for the pager macro."""

    page: int
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def url(self, page: int) -> str:
        """This page's URL with another page number, keeping the filters."""
        args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}
        args.update(request.view_args or {}, page=page)
        return url_for(cast(str, request.endpoint), **args)


def page_number() -> int:
    """The ?page= of the request, 1 when absent or nonsense."""
    raw = request.args.get("page", "1")
    return min(int(raw), 100_000) if raw.isdigit() and int(raw) > 0 else 1


def pager(total_of: Callable[[int, int], int], size: int = PAGE_SIZE) -> Pager:
    """A pager for the request's page; total_of(offset, limit) fetches the page and returns the total."""
    page = page_number()
    total = total_of((page - 1) * size, size)
    return Pager(page, size, total)


def export_rows(fetch: Callable[[int, int], tuple[list[T], int]], batch: int = 500) -> list[T]:
    """Every row of a list, page by page, up to EXPORT_LIMIT."""
    rows: list[T] = []
    while len(rows) < EXPORT_LIMIT:
        items, total = fetch(len(rows), batch)
        rows.extend(items)
        if not items or len(rows) >= total:
            break
    return rows[:EXPORT_LIMIT]


# ---- form values -----------------------------------------------------------------------------------------


def arg(name: str, allowed: Mapping[str, Any] | None = None) -> str | None:
    """A query argument, or None when empty or not one of the allowed values."""
    value = (request.args.get(name) or "").strip()
    if not value or (allowed is not None and value not in allowed):
        return None
    return value[:100]


def day_arg(name: str) -> date | None:
    """A yyyy-mm-dd query argument."""
    value = request.args.get(name) or ""
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def day_start(day: date) -> datetime:
    """Beijing midnight at the start of a day, as an aware time."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def day_end(day: date) -> datetime:
    """Beijing midnight after a day (an exclusive end)."""
    return day_start(day + timedelta(days=1))


def blank_none(value: str | None) -> str | None:
    """Form text, stripped; empty means absent."""
    value = (value or "").strip()
    return value or None


def load(schema: type[Schema], data: Mapping[str, Any]) -> dict[str, Any] | None:
    """Validate form data with the API's schema; on failure flash the fields in Chinese and return None."""
    try:
        return cast(dict[str, Any], schema().load(_drop_blank(data)))
    except ValidationError as err:
        flash("请检查：" + "；".join(validation_messages(err.messages)), "error")
        return None


def _drop_blank(data: Mapping[str, Any]) -> dict[str, Any]:
    # An empty form field means "not given": a required one then says 必填, an optional one takes its default.
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            out[key] = _drop_blank(value)
        elif value != "":
            out[key] = value
    return out


def validation_messages(messages: Any, prefix: str = "") -> list[str]:
    """marshmallow's messages as 字段（原因）."""
    if isinstance(messages, list):
        return [
            f"{labels.FIELDS.get(prefix, prefix)}（{_reason(m)}）" for m in messages if isinstance(m, str)
        ]
    out: list[str] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            field = str(key)
            out.extend(validation_messages(value, field if not str(key).isdigit() else prefix))
    return out


def _reason(message: str) -> str:
    if message.startswith(("Missing data", "Shorter than minimum length 1", "Field may not be null")):
        return "必填"
    if "Length must be" in message or "Longer than" in message or "Shorter than" in message:
        return "长度不符合要求"
    if "control characters" in message:
        return "含有非法字符"
    if (
        "integer" in message
        or "Must be greater" in message
        or "Must be less" in message
        or "between" in message
    ):
        return "数值不符合要求"
    if "Must be one of" in message:
        return "取值无效"
    if "needed when" in message:
        return "邮寄时必填"
    return "格式不正确"


# ---- domain errors in Chinese -------------------------------------------------------------------------

_REASONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"missing required material: (.+) \(key materials"),
        lambda m: f"缺少核心要件：{m[1]}（核心要件不可容缺）",
    ),
    (
        re.compile(r"missing required material: (.+) \(this item does not allow"),
        lambda m: f"缺少必要材料：{m[1]}（该事项不支持容缺受理）",
    ),
    (re.compile(r"not on the item's checklist: (.+)"), lambda m: f"不在材料清单中：{m[1]}"),
    (re.compile(r"unknown department code:? '?([^']+)'?"), lambda m: f"未知的部门代码：{m[1]}"),
    (re.compile(r"at most (\d+) working days"), lambda m: f"延期最多 {m[1]} 个工作日"),
    (
        re.compile(r"no such item in the catalog \(or retired\): (.+)"),
        lambda m: f"事项不存在或已停用：{m[1]}",
    ),
    (re.compile(r"return window of (\d+) working days"), lambda m: f"已超过派单后 {m[1]} 个工作日的退单期限"),
    (re.compile(r"reopen .* needs a dissatisfied callback"), lambda m: "回访不满意后才能重办"),
    (re.compile(r"a rating comes after delivery"), lambda m: "出件后才能评价"),
    (re.compile(r"rated already"), lambda m: "本次办件已评价"),
    (re.compile(r"callback .* must be recorded first"), lambda m: "须先记录回访"),
    (re.compile(r"only dead letters"), lambda m: "只有死信可以重发或放弃"),
    (re.compile(r"'(.+)' is taken"), lambda m: f"用户名 {m[1]} 已被使用"),
    (re.compile(r"last active admin"), lambda m: "不能停用最后一个管理员账户"),
    (re.compile(r"must be (\d+)-(\d+) characters"), lambda m: f"长度须为 {m[1]}-{m[2]} 个字符"),
    (re.compile(r"too simple"), lambda m: "密码过于简单"),
    (re.compile(r"too few digits to be a phone"), lambda m: "号码位数不足，无法按来电人查找"),
    (re.compile(r"lookup by caller is off"), lambda m: "未配置来电人索引密钥，暂不能按号码查找"),
    (re.compile(r"needs its department code"), lambda m: "部门经办人须指定部门"),
    (re.compile(r"2-32 characters"), lambda m: "用户名须为2-32位字母、数字或 _ . -"),
]


def _translate(reason: str | None) -> str | None:
    if not reason:
        return None
    for pattern, make in _REASONS:
        match = pattern.search(reason)
        if match:
            return make(match)
    return None


def domain_message(err: DomainError) -> str:
    """What a refused operation tells the person, in Chinese."""
    if isinstance(err, InvalidTransition):
        named = (labels.STATUSES, labels.APP_STATUSES, labels.RECT_STATUSES)  # an inquiry's, 办件's, 整改's
        current = next((n[err.status] for n in named if err.status in n), err.status)
        action = labels.ACTIONS.get(err.action) or labels.APP_ACTIONS.get(err.action) or err.action
        text = f"当前状态「{current}」下不能「{action}」"
        why = _translate(err.reason)
        if why:
            text += f"：{why}"
        allowed = [labels.ACTIONS.get(a) or labels.APP_ACTIONS.get(a) or a for a in err.allowed]
        return text + (f"。可执行：{'、'.join(allowed)}" if allowed else "。")
    if isinstance(err, InvalidInput):
        why = _translate(err.reason) or "取值无效"
        return f"{labels.FIELDS.get(err.field.split('.')[0], '输入')}：{why}"
    if isinstance(err, Forbidden):
        return "您的角色无权执行此操作。"
    if isinstance(err, NotFound):
        return "记录不存在，或您无权查看。"
    if isinstance(err, UpstreamError):
        return "外部系统暂时无法响应，请稍后重试。"
    return "操作未能完成。"


class Revealing(Protocol):
    """A service that shows a record's person in full, for a reason it audits."""

    def reveal(self, record_id: int, reason: str, actor: Actor, /) -> Any: ...


def reveal_once(
    service: Revealing, record_id: int, page: Callable[..., str], detail: str, message: str
) -> Response | str:
    """A reveal form's POST: the person's data in full, shown once on the record's page (page(record_id,
    revealed=...)), for the reason given (the service writes the audit log); without a valid reason, or
    when refused, back to the `detail` endpoint of the record."""
    back = url_for(detail, **(request.view_args or {}))
    data = load(RevealIn, {"reason": request.form.get("reason", "").strip()})
    if data is None:
        return redirect(back)
    person = attempt(lambda: service.reveal(record_id, data["reason"], actor()))
    if person is None:
        return redirect(back)
    flash(message, "info")
    return page(record_id, revealed=person)


def attempt(operation: Callable[[], T]) -> T | None:
    """Run a service call; a refusal becomes a flash message (never a 500) and None."""
    try:
        return operation()
    except DomainError as err:
        flash(domain_message(err), "error")
        return None
