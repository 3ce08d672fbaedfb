"""The window flow over its repository, on SQLite and on PostgreSQL: what the services write and read back
(the list's filters, the joint refusal's withdrawals, the figures), and a second rating's race."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from gateway.domain.access import Actor
from gateway.domain.applications import AppAction, ApplicationFilter
from gateway.domain.errors import InvalidTransition
from gateway.domain.messages import APPLICATION_STATUS, TASK_SUBMITTED, WITHDRAWN
from gateway.persistence.application_models import Evaluation
from gateway.persistence.models import OutboxMessage
from gateway.persistence.repositories.applications import AlreadyRated, ApplicationRepository
from tests.catalog_seed import FOOD, INSTANT, LEGAL_AID, seed
from tests.conftest import on_both

WINDOW = Actor("窗口李明", "window")
OFFICE = Actor("部门审批系统", "system:department")
ADMIN = Actor("管理员", "admin")
SFJ = Actor("司法局王芳", "department", department_code="SFJ")

pytestmark = on_both


def accept(services: Any, *codes: str, title: str | None = None) -> dict[str, Any]:
    materials = {
        LEGAL_AID: ["居民身份证", "法律援助申请表", "经济困难状况说明"],
        FOOD: ["营业执照", "食品经营许可申请书"],
        INSTANT: ["居民身份证"],
    }
    data: dict[str, Any] = {
        "item_codes": list(codes),
        "materials": {c: materials[c] for c in codes},
        "window": "综合窗口1号",
        "applicant": {"name": "陈晓燕", "phone": "13805912345"},
    }
    if title:
        data["title"] = title
    result: dict[str, Any] = services.applications.accept(data, WINDOW)
    return result


def messages(services: Any, event_type: str) -> list[dict[str, Any]]:
    with services.db.read() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_type == event_type).order_by(OutboxMessage.id)
        )
        return [dict(r.payload) for r in rows]


def deliver(services: Any, app: dict[str, Any], level: str | None = None) -> None:
    for task in app["tasks"]:
        services.applications.task_status({"task_id": task["id"], "status": "granted"}, OFFICE)
    services.applications.act(app["id"], AppAction.POST, {"tracking_no": "EMS1"}, WINDOW)
    if level:
        services.evaluations.evaluate(app["id"], {"level": level}, WINDOW)


def test_a_refusal_withdraws_the_other_task_of_a_joint_application(services):
    seed(services)
    app = accept(services, LEGAL_AID, FOOD)
    assert app["joint"] is True and app["receipt_no"].endswith(f"{app['id']:08d}")
    assert [m["item_code"] for m in messages(services, TASK_SUBMITTED)] == [LEGAL_AID, FOOD]
    food = next(t for t in app["tasks"] if t["item_code"] == FOOD)

    after = services.applications.task_status(
        {"task_id": food["id"], "status": "refused", "reason": "场所不符"}, OFFICE
    )

    assert after["status"] == "refused" and after["refused_by"] == "SJJ"
    assert {t["item_code"]: t["status"] for t in after["tasks"]} == {LEGAL_AID: "withdrawn", FOOD: "refused"}
    withdrawn = messages(services, WITHDRAWN)
    assert [(m["department"], m["reason"]) for m in withdrawn] == [("SFJ", "联办事项被SJJ不予受理: 场所不符")]
    assert messages(services, APPLICATION_STATUS)[-1]["status"] == "refused"
    history = services.applications.events(app["id"], ADMIN)
    assert [e["action"] for e in history] == ["accept", "task-refused", "refuse"]


def test_the_list_is_narrowed_by_the_filter_and_a_department_sees_its_own(services):
    seed(services)
    legal = accept(services, LEGAL_AID, title="法律援助一件事")
    food = accept(services, FOOD)
    instant = accept(services, INSTANT)
    assert instant["status"] == "ready"  # 即办件: handed out at once

    def ids(f: ApplicationFilter, actor: Actor = ADMIN) -> tuple[list[int], int]:
        page = services.applications.find(f, actor, offset=0, limit=2)
        return [a["id"] for a in page.items], page.total

    assert ids(ApplicationFilter()) == ([instant["id"], food["id"]], 3)
    assert ids(ApplicationFilter(status=("ready",))) == ([instant["id"]], 1)
    assert ids(ApplicationFilter(department="SJJ")) == ([food["id"]], 1)
    assert ids(ApplicationFilter(item_code=LEGAL_AID)) == ([legal["id"]], 1)
    assert ids(ApplicationFilter(text="一件事")) == ([legal["id"]], 1)
    assert ids(ApplicationFilter(text=food["receipt_no"])) == ([food["id"]], 1)
    assert ids(ApplicationFilter(pickup_overdue=True)) == ([], 0)
    assert ids(ApplicationFilter(pickup_overdue=False), ADMIN)[1] == 3
    assert ids(ApplicationFilter(supplement_overdue=True)) == ([], 0)
    assert ids(ApplicationFilter(department="SJJ"), SFJ) == ([legal["id"]], 1)  # its own, whatever is asked
    assert services.applications.find(ApplicationFilter(), ADMIN, offset=2**40, limit=5).items == []


def test_the_figures_count_decisions_and_ratings_per_item_and_per_department(services):
    seed(services)
    deliver(services, accept(services, LEGAL_AID), "very_satisfied")
    deliver(services, accept(services, LEGAL_AID, FOOD), "very_dissatisfied")
    accept(services, FOOD)

    by_item = {r["key"]: r for r in services.evaluations.stats(ADMIN, group="item", start=None, end=None)}
    by_dept = {
        r["key"]: r for r in services.evaluations.stats(ADMIN, group="department", start=None, end=None)
    }

    assert (by_item[LEGAL_AID]["applications"], by_item[LEGAL_AID]["decided"]) == (2, 2)
    assert (by_item[FOOD]["applications"], by_item[FOOD]["decided"], by_item[FOOD]["granted"]) == (2, 1, 1)
    assert (by_item[LEGAL_AID]["ratings"], by_item[LEGAL_AID]["bad_ratings"]) == (2, 1)
    assert (by_item[FOOD]["ratings"], by_item[FOOD]["bad_ratings"]) == (1, 1)
    assert by_dept["SFJ"]["ratings"] == 2 and by_dept["SFJ"]["average_rating"] == 3.0
    assert by_dept["SJJ"]["ratings"] == 0 and by_dept["SJJ"]["average_rating"] is None
    page = services.evaluations.rectifications(ADMIN, status="open", offset=0, limit=10)
    assert page.total == 1 and page.items[0]["allowed_actions"] == ["callback"]


def test_a_second_rating_is_refused_by_the_repository(services):
    seed(services)
    app = accept(services, LEGAL_AID)
    deliver(services, app, "satisfied")

    with pytest.raises(AlreadyRated), services.db.writing() as uow:
        uow.applications.add_evaluation(
            Evaluation(application_id=app["id"], level="satisfied", score=4, created_at=services.clock())
        )


def test_a_rating_that_loses_the_race_is_told_the_visit_is_rated(services, monkeypatch):
    seed(services)
    app = accept(services, LEGAL_AID)
    deliver(services, app, "satisfied")
    # As if a concurrent rating committed between the check and the insert.
    monkeypatch.setattr(ApplicationRepository, "is_rated", lambda self, app_id: False)

    with pytest.raises(InvalidTransition, match="rated already"):
        services.evaluations.evaluate(app["id"], {"level": "dissatisfied"}, WINDOW)
    assert services.evaluations.rectifications(ADMIN, status=None, offset=0, limit=5).total == 0
