"""Catalog items, staff accounts and traffic written into the test database, for the console tests."""

from __future__ import annotations

import contextlib
from typing import Any

from tests import catalog_seed
from tests.catalog_seed import FOOD, LEGAL_AID, material, write_items

PASSWORD = "pass-word-2026"  # noqa: S105 - test accounts only
ACCOUNTS = {
    "op01": ("话务员张丽", "operator", None),
    "win01": ("窗口李明", "window", "XZFW"),
    "dept01": ("司法局王芳", "department", "SFJ"),
    "sup01": ("督办员陈刚", "supervisor", None),
    "admin": ("管理员", "admin", None),
}


# The first two items, as a console shows them: steps, a legal basis, a place and phones to call.
PRESENTED: dict[str, Any] = {
    "steps": [
        {"order": 1, "name": "受理", "description": "窗口收取材料"},
        {"order": 2, "name": "审查", "description": None},
    ],
    "legal_basis": "《法律援助法》",
    "place": "区政务服务中心一楼",
    "consult_phone": "0591-12348",
    "complaint_phone": "12345",
}
ITEMS: list[dict[str, Any]] = [
    {
        **catalog_seed.ITEMS[0],
        **PRESENTED,
        "keywords": ["法律援助"],
        "guide": "经济困难的公民因劳动报酬、工伤等事项需要代理的，可以申请法律援助。",
        "materials": [
            *catalog_seed.ITEMS[0]["materials"],
            material("相关证据材料", False, required=False),
        ],
    },
    {**catalog_seed.ITEMS[1], **PRESENTED},
]


# A complaint no routing rule matches: it waits in 待派单 until it is dispatched by hand.
UNROUTED_COMPLAINT: dict[str, Any] = {
    "channel": "hotline",
    "kind": "complaint",
    "title": "楼道堆放杂物",
    "content": "楼道长期堆放杂物，存在消防隐患。",
    "citizen": {"name": "林建华", "phone": "13905911234"},
}


def seed_items(services: Any) -> None:
    write_items(services, ITEMS)


def seed_accounts(app: Any) -> None:
    staff = app.extensions["console"].staff
    for username, (name, role, department) in ACCOUNTS.items():
        staff.create(username, PASSWORD, name, role, department)


def seed_traffic(services: Any, clock: Any, days_later: int = 20) -> tuple[Any, Any, Any]:
    """Three inquiries: answered on time and called back, overdue (website), answered at once; time passes."""
    from gateway.domain.access import Actor
    from gateway.domain.lifecycle import Action
    from tests.conftest import inquiry_payload

    admin = Actor("测试管理员", "admin")
    hotline, website = Actor("12345平台", "system:hotline"), Actor("网站互动系统", "system:website")
    a, _ = services.inquiries.intake(
        inquiry_payload(external_id="A", title="欠薪", content="公司拖欠工资三个月"), hotline
    )
    services.inquiries.act(a.id, Action.ACKNOWLEDGE, {}, admin)
    services.inquiries.act(a.id, Action.REPLY, {"note": "已约谈"}, admin)
    services.inquiries.act(a.id, Action.CALLBACK, {"satisfaction": "satisfied", "solved": True}, admin)
    b, _ = services.inquiries.intake(
        inquiry_payload(
            external_id="B",
            kind="complaint",
            content="小区电梯坏了",
            channel="website",
            title='=HYPERLINK("http://x")',
        ),
        website,
    )
    c, _ = services.inquiries.intake(
        inquiry_payload(external_id="C", title="户外广告", content="户外广告怎么设置"), hotline
    )
    services.inquiries.act(
        c.id, Action.REPLY, {"note": "当场答复", "public_reply": "户外广告设置到区城管局办理。"}, admin
    )
    clock.advance(days=days_later)  # b (13 working days) is overdue by then
    return a, b, c


TEMPLATES = [
    ("hotline", "consult", "法律援助怎么申请", "来电人咨询申请法律援助需要哪些材料。"),
    ("hotline", "help", "公司拖欠工资", "来电人反映装修公司拖欠其三个月工资，请求帮助。"),
    ("website", "complaint", "工地夜间施工噪音", "小区旁工地夜间十一点后仍在施工，噪声扰民。"),
    ("hotline", "report", "违章搭建", "顶楼住户私搭乱建阳光房，存在安全隐患。"),
    ("window", "suggestion", "建议增加周末窗口", "建议行政服务中心周六上午增开综合窗口。"),
    ("website", "consult", "幼儿园入学报名", "咨询今年幼儿园入学报名时间和所需材料。"),
    ("hotline", "complaint", "餐馆出售过期食品", "某餐馆出售过期食品，请求查处。"),
    ("dept_hotline", "consult", "继承公证办理", "12348转来：咨询房产继承公证的流程。"),
    ("hotline", "help", "小区电梯经常故障", "小区电梯经常故障，物业不处理。"),
    ("hotline", "consult", "异地就医医保报销", "咨询异地就医的医保报销流程。"),
    ("website", "praise", "表扬窗口工作人员", "表扬综合窗口工作人员耐心细致。"),
    ("hotline", "complaint", "网约车绕路多收费", "网约车司机绕路多收费，请求处理。"),
    ("hotline", "consult", "户外广告设置", "咨询店铺门头户外广告设置需要什么手续。"),
]
LEVELS = ["very_satisfied"] * 4 + ["satisfied"] * 4 + ["basically_satisfied"] * 2 + ["dissatisfied"]


def seed_busy(services: Any, clock: Any, seed: int = 7) -> None:
    """Three weeks of traffic up to the clock's time: every channel and kind, answered early, late or not."""
    import random
    from datetime import timedelta

    from gateway.domain.access import Actor
    from gateway.domain.errors import DomainError
    from gateway.domain.lifecycle import Action

    rng = random.Random(seed)
    admin, end = Actor("演示数据", "admin"), clock.now
    clock.now = end - timedelta(days=21)
    plans: dict[int, list[tuple[int, Action, dict[str, Any]]]] = {}
    day, n = 0, 0
    while clock.now < end - timedelta(hours=2):
        for _ in range(rng.choice((1, 2, 2, 3))):
            channel, kind, title, content = TEMPLATES[n % len(TEMPLATES)]
            n += 1
            citizen = {
                "name": rng.choice("林陈王黄郑刘张")
                + rng.choice(("建华", "晓燕", "国强", "美玲", "志明", "芳")),
                "phone": f"13{rng.randint(100000000, 999999999)}",
            }
            view, _ = services.inquiries.intake(
                {
                    "channel": channel,
                    "external_id": f"BUSY-{n:04d}",
                    "kind": kind,
                    "title": title,
                    "content": content,
                    "citizen": citizen,
                    "public_consent": True,
                },
                Actor("演示接口", f"system:{channel}"),  # only a channel's own system gives its ids
            )
            if view.status == "received":
                plans.setdefault(day, []).append((view.id, Action.DISPATCH, {"department": "XZFW"}))
            if rng.random() < 0.75:
                reply_day = day + rng.choice((1, 1, 2, 3, 4, 6))
                plans.setdefault(day + 1, []).append((view.id, Action.ACKNOWLEDGE, {}))
                plans.setdefault(reply_day, []).append(
                    (
                        view.id,
                        Action.REPLY,
                        {"note": "已办理", "public_reply": f"关于{title}，已按规定办理并答复。"},
                    )
                )
                if rng.random() < 0.8:
                    level = rng.choice(LEVELS)
                    plans.setdefault(reply_day + 1, []).append(
                        (view.id, Action.CALLBACK, {"satisfaction": level, "solved": level != "dissatisfied"})
                    )
                    plans.setdefault(reply_day + 1, []).append((view.id, Action.CLOSE, {}))
        for inquiry_id, action, data in plans.pop(day, []):
            with contextlib.suppress(DomainError):  # e.g. a reply planned before its acknowledgement
                services.inquiries.act(inquiry_id, action, data, admin)
        clock.advance(days=1)
        day += 1
    clock.now = end


def seed_applications(services: Any) -> None:
    """Four applications at the window: two collected and rated, one ready, one under review."""
    from gateway.domain.access import Actor
    from gateway.domain.applications import AppAction

    window, office = Actor("窗口演示", "window"), Actor("部门审批系统", "system:department")
    specs = [
        (LEGAL_AID, ["居民身份证", "法律援助申请表", "经济困难状况说明"], "very_satisfied"),
        (FOOD, ["营业执照", "食品经营许可申请书"], "basically_satisfied"),
        (LEGAL_AID, ["居民身份证", "法律援助申请表"], None),
        (FOOD, ["营业执照", "食品经营许可申请书"], "pending"),
    ]
    for code, materials, outcome in specs:
        app = services.applications.accept(
            {
                "item_codes": [code],
                "materials": {code: materials},
                "window": "综合窗口1号",
                "applicant": {"name": "陈晓燕", "phone": "13805912345"},
            },
            window,
        )
        if outcome == "pending":
            continue
        task = app["tasks"][0]
        services.applications.task_status({"task_id": task["id"], "status": "granted"}, office)
        services.applications.act(app["id"], AppAction.PREPARE, {}, window)
        if outcome:
            services.applications.act(app["id"], AppAction.PICKUP, {"collected_by": "陈晓燕"}, window)
            services.evaluations.evaluate(app["id"], {"level": outcome}, window)
