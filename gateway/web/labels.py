"""Chinese words for the codes the services speak, for pages and spreadsheets."""

from __future__ import annotations

from datetime import datetime

from gateway.domain import messages
from gateway.domain.applications import AppStatus
from gateway.domain.calendar import SHANGHAI
from gateway.domain.catalog import ITEM_TYPES, MATERIAL_FORMS
from gateway.domain.inquiry import KIND_LABELS
from gateway.domain.lifecycle import STATUS_LABELS
from gateway.domain.outbox import OUTBOX_STATUS_LABELS
from gateway.domain.satisfaction import SATISFACTION_LABELS

KINDS = {k.value: v for k, v in KIND_LABELS.items()}
STATUSES = {k.value: v for k, v in STATUS_LABELS.items()}
SATISFACTION = {k.value: v for k, v in SATISFACTION_LABELS.items()}
CHANNELS = {
    "hotline": "12345热线",
    "website": "政府网站",
    "window": "综合窗口",
    "dept_hotline": "部门专线",
    "api": "接口",
}
ROLES = {
    "operator": "话务员",
    "window": "窗口人员",
    "department": "部门经办人",
    "supervisor": "督办人员",
    "admin": "管理员",
}
DEADLINE = {"normal": "正常", "due_soon": "临期", "overdue": "超期"}
ACTIONS = {
    "intake": "受理",
    "dispatch": "派单",
    "acknowledge": "签收",
    "return": "退单",
    "request-extension": "申请延期",
    "approve-extension": "批准延期",
    "refuse-extension": "不予延期",
    "reply": "答复",
    "callback": "回访",
    "close": "办结",
    "reopen": "重办",
    "escalate": "督办",
}
APP_STATUSES = {
    AppStatus.ACCEPTED.value: "已受理",
    AppStatus.UNDER_REVIEW.value: "审查中",
    AppStatus.CORRECTION.value: "待补正",
    AppStatus.GRANTED.value: "准予",
    AppStatus.REFUSED.value: "不予",
    AppStatus.READY.value: "待取件",
    AppStatus.DELIVERED.value: "已出件",
}
TASK_STATUSES = {
    "submitted": "已推送",
    "under_review": "审查中",
    "correction": "待补正",
    "granted": "准予",
    "refused": "不予",
    "done": "办结",
    "withdrawn": "已撤回",
}
APP_ACTIONS = {
    "accept": "受理",
    "review": "审查",
    "request-correction": "要求补正",
    "supplement": "补齐材料",
    "grant": "准予",
    "refuse": "不予",
    "prepare": "通知取件",
    "pickup": "领取",
    "post": "邮寄",
    "evaluate": "好差评",
    "task-under_review": "部门审查",
    "task-correction": "部门要求补正",
    "task-granted": "部门准予",
    "task-refused": "部门不予",
    "task-done": "部门办结",
    "task-withdrawn": "撤回",
}
DELIVERY = {"pickup": "窗口领取", "post": "邮寄送达"}
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
RUN_OUTCOMES = {"running": "运行中", "succeeded": "成功", "failed": "失败", "skipped": "跳过"}
JOBS = {
    "deliver": "消息投递",
    "hotline_poll": "12345轮询",
    "catalog_sync": "事项同步",
    "deadline_sweep": "超期督办扫描",
}
GROUPS = {"department": "承办单位", "channel": "渠道", "kind": "诉求类型"}

FIELDS = {
    "channel": "渠道",
    "external_id": "外部编号",
    "kind": "诉求类型",
    "title": "标题",
    "content": "诉求内容",
    "category": "分类",
    "address": "地址",
    "district": "街道",
    "citizen": "来电人",
    "applicant": "申请人",
    "name": "姓名",
    "phone": "联系电话",
    "id_number": "身份证号",
    "public_consent": "同意公开",
    "department": "承办单位",
    "co_departments": "协办单位",
    "note": "说明",
    "reason": "理由",
    "workdays": "延期工作日",
    "public_reply": "公开答复",
    "satisfaction": "满意度",
    "solved": "是否解决",
    "item_codes": "事项",
    "materials": "材料",
    "window": "受理窗口",
    "proxy": "代办人",
    "delivery_method": "送达方式",
    "delivery_address": "邮寄地址",
    "collected_by": "领取人",
    "tracking_no": "邮寄单号",
    "level": "评价",
    "comment": "评价意见",
    "username": "用户名",
    "password": "密码",
    "display_name": "姓名",
    "role": "角色",
    "period": "周期",
    "group": "分组",
    "_schema": "表单",
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
