"""Demo data: a few inquiries in several states, made through the services so their history is real."""

from __future__ import annotations

from typing import Any

from gateway.bootstrap import Services
from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action

ADMIN = Actor(name="演示管理员", role="admin")

# (intake payload, actions to apply after intake)
DEMO: list[tuple[dict[str, Any], list[tuple[Action, dict[str, Any]]]]] = [
    (
        {
            "channel": "hotline",
            "external_id": "DEMO-GD-0001",
            "kind": "consult",
            "title": "申请法律援助需要哪些材料",
            "content": "来电人咨询因工伤赔偿纠纷申请法律援助需要准备哪些材料,在哪里办理。",
            "district": "临江街道",
            "public_consent": True,
            "citizen": {"name": "林建华", "phone": "13905911234"},
        },
        [],
    ),
    (
        {
            "channel": "website",
            "external_id": "DEMO-LY-0002",
            "kind": "complaint",
            "title": "小区旁工地夜间施工噪音扰民",
            "content": "金山街道某小区旁工地连续多日夜间十一点后仍在施工,噪声很大,影响休息,请相关部门查处。",
            "district": "金山街道",
            "address": "仓山区金山街道浦上大道",
            "public_consent": True,
            "citizen": {"name": "陈晓燕", "phone": "13805912345", "id_number": "350104198805061234"},
        },
        [(Action.ACKNOWLEDGE, {"note": "已签收,安排执法人员夜间巡查"})],
    ),
    (
        {
            "channel": "hotline",
            "external_id": "DEMO-GD-0003",
            "kind": "help",
            "title": "公司拖欠三个月工资",
            "content": "来电人反映所在装修公司拖欠其三个月工资共计一万二千元,多次讨要无果,请求帮助。",
            "district": "城门镇",
            "public_consent": False,
            "citizen": {"name": "王国强", "phone": "15859112345"},
        },
        [
            (Action.ACKNOWLEDGE, {"note": "已签收"}),
            (
                Action.REPLY,
                {
                    "note": "已约谈企业负责人,企业承诺本周内结清工资",
                    "public_reply": "经核实,我局已督促该企业限期支付拖欠工资。",
                },
            ),
        ],
    ),
    (
        {
            "channel": "dept_hotline",
            "external_id": "DEMO-12348-0004",
            "kind": "consult",
            "title": "办理公证的流程",
            "content": "12348转来:市民咨询办理房产继承公证的流程和所需时间。",
            "district": "仓前街道",
            "public_consent": True,
            "citizen": {"name": "郑美玲", "phone": "13600591234"},
        },
        [
            (Action.ACKNOWLEDGE, {}),
            (
                Action.REPLY,
                {
                    "note": "已电话答复",
                    "public_reply": "继承公证需携带被继承人死亡证明、亲属关系证明等材料,到区公证处申请。",
                },
            ),
            (Action.CALLBACK, {"satisfaction": "very_satisfied", "solved": True, "note": "市民表示满意"}),
            (Action.CLOSE, {"note": "办结"}),
        ],
    ),
    (
        {
            "channel": "window",
            "external_id": "DEMO-CK-0005",
            "kind": "suggestion",
            "title": "建议增加周末窗口",
            "content": "市民在综合窗口建议行政服务中心周六上午增开综合窗口,方便上班族办事。",
            "public_consent": False,
            "citizen": {"name": "黄志明", "phone": "18650012345"},
        },
        [],
    ),
    (
        {
            "channel": "hotline",
            "external_id": "DEMO-GD-0006",
            "kind": "report",
            "title": "违章搭建",
            "content": "来电人举报对湖街道某小区顶楼住户私搭乱建阳光房,存在安全隐患。",
            "district": "对湖街道",
            "public_consent": False,
            "citizen": {"name": "刘芳", "phone": "13763812345"},
        },
        [
            (Action.ACKNOWLEDGE, {}),
            (Action.REQUEST_EXTENSION, {"workdays": 5, "reason": "需会同住建部门现场核查"}),
        ],
    ),
]


def load_demo(services: Services) -> int:
    """Create the demo inquiries that are not there yet; returns how many were new."""
    created_count = 0
    for payload, actions in DEMO:
        # Each arrives as it would in production: through its channel system, which alone gives its ids.
        arrived = Actor(name="演示接口", role=f"system:{payload['channel']}")
        view, created = services.inquiries.intake(payload, arrived)
        if not created:
            continue
        created_count += 1
        for action, data in actions:
            services.inquiries.act(view.id, action, data, ADMIN)
    return created_count


# Console accounts for the demo, one per role. DEMO ONLY: they share one published password.
DEMO_ACCOUNTS: list[tuple[str, str, str, str | None]] = [
    ("op01", "话务员张丽", "operator", None),
    ("win01", "窗口人员李明", "window", "XZFW"),
    ("dept01", "司法局经办人王芳", "department", "SFJ"),
    ("sup01", "督办员陈刚", "supervisor", None),
    ("admin", "系统管理员", "admin", None),
]


def create_demo_accounts(staff: Any, password: str) -> list[tuple[str, str, str, bool]]:
    """Create the demo accounts not there yet: [(username, display name, role, created)]."""
    from gateway.domain.errors import InvalidInput

    existing = {info.username for info in staff.all()}
    out = []
    for username, display_name, role, department in DEMO_ACCOUNTS:
        if username in existing:
            out.append((username, display_name, role, False))
            continue
        try:
            staff.create(username, password, display_name, role, department)
        except InvalidInput:  # made meanwhile by another process
            out.append((username, display_name, role, False))
            continue
        out.append((username, display_name, role, True))
    return out
