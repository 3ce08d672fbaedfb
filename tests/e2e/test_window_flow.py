from __future__ import annotations

import requests
from sqlalchemy import select

from gateway.persistence.application_models import ApplicationEvent
from gateway.persistence.models import OutboxMessage
from tests.catalog_seed import FOOD, INSTANT, JOBS, LEGAL_AID, seed

APPS = "/api/v1/applications"
APPLICANT = {"name": "郑美玲", "phone": "13600591234", "id_number": "350104199001011234"}


def call(world, method, path, role="window", expect=(200, 201), **kwargs):
    response = requests.request(
        method, f"{world.gateway.url}{path}", headers=world.headers[role], timeout=10, **kwargs
    )
    assert response.status_code in expect, response.text
    return response.json()


def accept(world, codes, materials, expect=(200, 201), **extra):
    body = {
        "item_codes": codes,
        "applicant": APPLICANT,
        "materials": materials,
        "window": "综合窗口3号",
        **extra,
    }
    return call(world, "POST", APPS, expect=expect, json=body)


def department(world):
    return world.sim("department")


def task_ids(app):
    return {t["item_code"]: t["id"] for t in app["tasks"]}


def window_notices(world, receipt_no):
    """(bjzt, czlx, tznr) of each 办件状态通知 the window system took for one 办件, in order."""
    return [(n["bjzt"], n["czlx"], n["tznr"]) for n in world.sim("window").notices(receipt_no)]


def assert_no_dead_letters(world):
    world.drain()
    with world.services.db.read() as session:
        dead = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "dead")).all()
        assert [(m.target, m.event_type, m.last_error) for m in dead] == []


def test_single_department_application_from_acceptance_to_pickup(world):
    seed(world.services)
    app = accept(world, [FOOD], {FOOD: ["营业执照", "食品经营许可申请书"]})
    assert app["status"] == "accepted" and app["receipt_no"].startswith("SL20261123")
    assert app["promised_at"] == "2026-12-07T23:59:59+08:00"  # Monday + 10 working days
    assert app["applicant"]["phone"] == "136****1234"
    world.drain()
    task = task_ids(app)[FOOD]
    sent = department(world).task(task)
    assert sent is not None  # the back office has the task
    department(world).review(task)
    assert call(world, "GET", f"{APPS}/{app['id']}")["status"] == "under_review"
    department(world).grant(task, result_no="JY35010420260001")
    decided = call(world, "GET", f"{APPS}/{app['id']}")
    assert decided["status"] == "granted" and decided["tasks"][0]["result_no"] == "JY35010420260001"
    assert call(world, "POST", f"{APPS}/{app['id']}/prepare", json={})["status"] == "ready"
    done = call(world, "POST", f"{APPS}/{app['id']}/pickup", json={"collected_by": "郑美玲"})
    assert done["status"] == "delivered" and done["collected_by"] == "郑**" and done["delivered_at"]
    again = call(world, "POST", f"{APPS}/{app['id']}/pickup", json={"collected_by": "郑美玲"}, expect=(409,))
    assert again["errors"]["current_status"] == "delivered"
    history = call(world, "GET", f"{APPS}/{app['id']}/events")
    assert [e["action"] for e in history] == [
        "accept",
        "task-under_review",
        "review",
        "task-granted",
        "grant",
        "prepare",
        "pickup",
    ]
    world.drain()
    receipt = app["receipt_no"]
    assert window_notices(world, receipt) == [
        ("20", "SC", None),
        ("30", "ZY", None),
        ("40", "CJ", f"您的办件{receipt}已办结，请到统一出件窗口领取。"),
        ("90", "LQ", None),
    ]
    assert_no_dead_letters(world)


def test_a_joint_application_with_one_refusal(world):
    seed(world.services)
    app = accept(
        world,
        [FOOD, JOBS],
        {FOOD: ["营业执照", "食品经营许可申请书"], JOBS: ["居民身份证"]},
        title="开办餐馆一件事",
    )
    assert app["joint"] is True and len(app["tasks"]) == 2
    world.drain()
    tasks = task_ids(app)
    department(world).grant(tasks[JOBS])
    assert call(world, "GET", f"{APPS}/{app['id']}")["status"] == "accepted"  # one of two: not decided yet
    department(world).refuse(tasks[FOOD], reason="经营场所不符合食品安全要求")
    decided = call(world, "GET", f"{APPS}/{app['id']}")
    assert decided["status"] == "refused"
    assert decided["refused_by"] == "SJJ" and decided["decision_reason"] == "经营场所不符合食品安全要求"
    world.drain()
    assert call(world, "GET", f"{APPS}/{app['id']}")["status"] == "refused"
    assert_no_dead_letters(world)


def test_incomplete_acceptance_with_a_late_supplement(world):
    seed(world.services)
    refused = accept(world, [FOOD], {FOOD: ["营业执照"]}, expect=(422,), window="综合窗口1号")
    assert "食品经营许可申请书" in refused["errors"]["json"][f"materials.{FOOD}"][0]
    key_missing = accept(world, [LEGAL_AID], {LEGAL_AID: ["居民身份证"]}, expect=(422,), window="综合窗口1号")
    assert "法律援助申请表" in key_missing["errors"]["json"][f"materials.{LEGAL_AID}"][0]

    app = accept(world, [LEGAL_AID], {LEGAL_AID: ["居民身份证", "法律援助申请表"]}, proxy="代办员小林")
    assert app["incomplete"] is True and app["supplement_due_at"] == "2026-11-30T23:59:59+08:00"
    world.drain()
    world.clock.advance(days=10)  # past the 5 working days
    assert call(world, "GET", f"{APPS}/{app['id']}")["supplement_overdue"] is True
    late = call(world, "GET", APPS, params={"supplement_overdue": "true"})
    assert [a["id"] for a in late] == [app["id"]]
    done = call(
        world,
        "POST",
        f"{APPS}/{app['id']}/supplement",
        json={"materials": {LEGAL_AID: ["经济困难状况说明"]}, "note": "申请人补交材料"},
    )
    assert done["incomplete"] is False and done["supplement_overdue"] is False
    events = call(world, "GET", f"{APPS}/{app['id']}/events")
    supplement = events[-1]
    assert supplement["action"] == "supplement" and supplement["data"]["late"] is True
    assert supplement["proxy"] == "代办员小林"  # 全程代办: the proxy is recorded on the step
    world.drain()
    task = department(world).task(task_ids(app)[LEGAL_AID])
    assert task is not None
    assert window_notices(world, app["receipt_no"]) == [("10", "BZ", None)]  # 容缺补齐: no call to make
    assert_no_dead_letters(world)


def test_a_correction_request_reaches_the_applicant_through_the_window(world):
    seed(world.services)
    app = accept(world, [FOOD], {FOOD: ["营业执照", "食品经营许可申请书"]})
    world.drain()
    task = task_ids(app)[FOOD]
    department(world).request_correction(task, materials=["营业执照"], reason="营业执照已过期")
    assert call(world, "GET", f"{APPS}/{app['id']}")["status"] == "correction"
    world.drain()
    receipt = app["receipt_no"]
    ((bjzt, czlx, text),) = window_notices(world, receipt)
    assert (bjzt, czlx) == ("21", "BZGZ")
    # Monday + 5 working days for the supplement
    assert text == (
        f"您的办件{receipt}需补正材料：营业执照（原因：营业执照已过期），"
        "请于2026-11-30前携带材料到综合窗口3号补交。"
    )

    supplied = call(world, "POST", f"{APPS}/{app['id']}/supplement", json={"materials": {FOOD: ["营业执照"]}})
    assert supplied["status"] == "under_review"
    world.drain()
    department(world).review(task)
    department(world).grant(task)
    call(world, "POST", f"{APPS}/{app['id']}/prepare", json={})
    world.drain()
    assert [(b, c) for b, c, _ in window_notices(world, receipt)] == [
        ("21", "BZGZ"),
        ("20", "BZ"),
        ("30", "ZY"),
        ("40", "CJ"),
    ]
    assert window_notices(world, receipt)[-1][2] == f"您的办件{receipt}已办结，请到统一出件窗口领取。"
    assert_no_dead_letters(world)


def test_a_bad_rating_opens_a_rectification_that_needs_a_callback(world):
    seed(world.services)
    app = accept(world, [INSTANT], {INSTANT: ["居民身份证"]})
    assert app["status"] == "ready"  # 即办件: decided and handed out at the window
    early = call(world, "POST", f"{APPS}/{app['id']}/evaluation", expect=(409,), json={"level": "satisfied"})
    assert early["errors"]["current_status"] == "ready"
    call(world, "POST", f"{APPS}/{app['id']}/pickup", json={"collected_by": "郑美玲"})
    rating = call(
        world,
        "POST",
        f"{APPS}/{app['id']}/evaluation",
        json={"level": "very_dissatisfied", "comment": "窗口等候时间太长"},
    )
    assert rating["score"] == 1 and rating["department"] == "MZJ"
    twice = call(world, "POST", f"{APPS}/{app['id']}/evaluation", expect=(409,), json={"level": "satisfied"})
    assert "rated already" in twice["message"]
    (rect,) = call(world, "GET", "/api/v1/rectifications", role="supervisor")
    assert (
        rect["status"] == "open" and rect["department"] == "MZJ" and rect["allowed_actions"] == ["callback"]
    )
    blocked = call(
        world, "POST", f"/api/v1/rectifications/{rect['id']}/close", role="supervisor", expect=(409,), json={}
    )
    assert blocked["errors"]["allowed_actions"] == ["callback"]
    call(
        world,
        "POST",
        f"/api/v1/rectifications/{rect['id']}/callback",
        role="supervisor",
        json={"note": "已电话回访,申请人认可整改措施", "satisfied": True, "measures": "增设叫号窗口"},
    )
    closed = call(world, "POST", f"/api/v1/rectifications/{rect['id']}/close", role="supervisor", json={})
    assert closed["status"] == "closed" and closed["measures"] == "增设叫号窗口"
    stats = call(world, "GET", f"{APPS}/stats", role="supervisor", params={"group": "department"})
    mzj = next(s for s in stats if s["key"] == "MZJ")
    assert (mzj["applications"], mzj["decided"], mzj["on_time_rate"], mzj["bad_ratings"]) == (1, 1, 1.0, 1)
    with world.services.db.read() as session:
        actions = session.scalars(
            select(ApplicationEvent.action).where(ApplicationEvent.application_id == app["id"])
        )
        assert list(actions) == ["accept", "grant", "prepare", "pickup", "evaluate"]
    assert_no_dead_letters(world)
