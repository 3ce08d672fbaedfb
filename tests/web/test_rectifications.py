"""整改 on the console: the list, one rectification's page, 回访 and closing by form posts, who may."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import openpyxl
from sqlalchemy import select

from gateway.domain.access import Actor
from gateway.domain.applications import AppAction
from gateway.persistence.application_models import Rectification
from gateway.persistence.models import AuditEntry
from tests.conftest import on_both
from tests.web.conftest import flashes, post
from tests.web.seed import FOOD, LEGAL_AID

WINDOW, OFFICE = Actor("窗口演示", "window"), Actor("部门审批系统", "system:department")
MATERIALS = {
    LEGAL_AID: ["居民身份证", "法律援助申请表", "经济困难状况说明"],
    FOOD: ["营业执照", "食品经营许可申请书"],
}
URL = "/console/rectifications"


def rated_application(services: Any, code: str, level: str, comment: str | None = None) -> dict[str, Any]:
    """An application accepted, granted, collected and rated at the window."""
    app = services.applications.accept(
        {
            "item_codes": [code],
            "materials": {code: MATERIALS[code]},
            "window": "综合窗口1号",
            "applicant": {"name": "陈晓燕", "phone": "13805912345"},
        },
        WINDOW,
    )
    services.applications.task_status({"task_id": app["tasks"][0]["id"], "status": "granted"}, OFFICE)
    services.applications.act(app["id"], AppAction.PREPARE, {}, WINDOW)
    services.applications.act(app["id"], AppAction.PICKUP, {"collected_by": "陈晓燕"}, WINDOW)
    services.evaluations.evaluate(app["id"], {"level": level, "comment": comment}, WINDOW)
    return app


def stored(services: Any, rect_id: int) -> Rectification:
    with services.db.read() as session:
        row = session.get(Rectification, rect_id)
        assert row is not None
        session.expunge(row)
        return row


def same_time(stored_at: datetime, now: datetime) -> bool:
    # SQLite gives the stored time back without its zone (UTC); PostgreSQL's is aware, as the clock's.
    return (stored_at if stored_at.tzinfo else stored_at.replace(tzinfo=UTC)) == now


@on_both
def test_the_window_opens_one_from_the_list_calls_back_and_closes(as_role, items, services, clock):
    bad = rated_application(services, LEGAL_AID, "very_dissatisfied", "窗口等候时间太长")
    rated_application(services, FOOD, "satisfied")  # a good rating opens nothing
    client = as_role("win01")

    listing = client.get(URL)
    assert listing.status_code == 200
    assert f'href="{URL}"' in listing.text and ">整改</a>" in listing.text  # in the navigation
    assert f'href="{URL}/1"' in listing.text and bad["receipt_no"] in listing.text
    for shown in ("法律援助申请", "陈**", "非常不满意", "待回访", "共 1 条"):
        assert shown in listing.text, shown
    assert "陈晓燕" not in listing.text and "13805912345" not in listing.text
    assert "食品经营许可" not in listing.text

    # The rating's page (the application's) links to the rectification it opened.
    rated_page = client.get(f"/console/window/applications/{bad['id']}")
    assert f'href="{URL}/1"' in rated_page.text and "差评整改" in rated_page.text

    page = client.get(f"{URL}/1")
    for shown in ("窗口等候时间太长", "非常不满意", bad["receipt_no"], "138****2345", "尚未回访", "区司法局"):
        assert shown in page.text, shown
    assert f'href="/console/window/applications/{bad["id"]}"' in page.text
    assert "陈晓燕" not in page.text and "13805912345" not in page.text

    too_early = post(client, f"{URL}/1/close", {"measures": "已整改"}, follow_redirects=True)
    assert flashes(too_early.text) == ["当前状态「待回访」下不能「办结」：须先记录回访。可执行：回访"]
    assert (stored(services, 1).status, stored(services, 1).measures) == ("open", None)

    no_answer = post(client, f"{URL}/1/callback", {"note": "已回访"}, follow_redirects=True)
    assert flashes(no_answer.text) == ["请检查：申请人是否认可（必填）"]
    assert stored(services, 1).callback_at is None

    called = post(
        client,
        f"{URL}/1/callback",
        {"satisfied": "true", "note": "已电话回访，申请人认可整改措施", "measures": "增设叫号窗口"},
        follow_redirects=True,
    )
    assert flashes(called.text) == ["已记录回访（申请人认可整改）"]
    row = stored(services, 1)
    assert (row.status, row.callback_note, row.callback_satisfied, row.measures) == (
        "called_back",
        "已电话回访，申请人认可整改措施",
        True,
        "增设叫号窗口",
    )
    assert row.callback_at is not None and same_time(row.callback_at, clock())
    assert "已电话回访，申请人认可整改措施" in called.text and "认可整改" in called.text

    clock.advance(hours=2)
    result = {"measures": "增设叫号窗口，高峰时段加开两个窗口"}
    closed = post(client, f"{URL}/1/close", result, follow_redirects=True)
    assert flashes(closed.text) == ["整改已办结（已办结）"]
    row = stored(services, 1)
    assert (row.status, row.measures) == ("closed", "增设叫号窗口，高峰时段加开两个窗口")
    assert row.closed_at is not None and same_time(row.closed_at, clock())
    assert "记录回访" not in closed.text.split("回访记录", 1)[1]  # no more action forms

    again = post(client, f"{URL}/1/callback", {"satisfied": "false", "note": "再次"}, follow_redirects=True)
    assert flashes(again.text) == ["当前状态「已办结」下不能「回访」。"]
    assert stored(services, 1).callback_note == "已电话回访，申请人认可整改措施"

    assert f'href="{URL}/1"' in client.get(URL, query_string={"status": "closed"}).text
    assert "没有符合条件的整改" in client.get(URL, query_string={"status": "open"}).text


def test_the_supervisor_sees_every_department_and_exports_the_list_audited(as_role, items, services):
    rated_application(services, LEGAL_AID, "very_dissatisfied", "态度差，电话 13905911234")
    rated_application(services, FOOD, "dissatisfied")
    client = as_role("sup01")
    listing = client.get(URL)
    assert "区司法局" in listing.text and "共 2 条" in listing.text and ">整改</a>" in listing.text
    assert "不满意" in client.get(f"{URL}/2").text

    export = client.get(f"{URL}/export.xlsx", query_string={"status": "open"})
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("整改编号", "受理编号", "办件名称", "评价") and len(rows) == 3
    comments = {r[0]: r[4] for r in rows[1:]}
    assert "13905911234" not in comments[1] and comments[1].startswith("态度差")
    with services.db.read() as session:
        (entry,) = session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.subject_id) == ("export", "rectifications")


def test_a_department_reaches_only_its_own_and_an_operator_is_refused(as_role, items, services):
    rated_application(services, LEGAL_AID, "very_dissatisfied")  # 区司法局's: dept01's department
    rated_application(services, FOOD, "very_dissatisfied")  # 区市场监督管理局's
    department = as_role("dept01")
    listing = department.get(URL)
    assert f'href="{URL}/1"' in listing.text and f'href="{URL}/2"' not in listing.text
    other = department.get(f"{URL}/2")
    assert other.status_code == 404 and "记录不存在，或您无权查看。" in flashes(other.text)
    refused = post(department, f"{URL}/2/callback", {"satisfied": "true", "note": "越权回访"})
    assert refused.status_code == 302
    assert stored(services, 2).status == "open"

    operator = as_role("op01")
    assert f'href="{URL}"' not in operator.get("/console/inquiries").text  # no 整改 in the navigation
    for response in (
        operator.get(URL),
        operator.get(f"{URL}/1"),
        post(operator, f"{URL}/1/callback", {"satisfied": "true", "note": "越权回访"}),
        post(operator, f"{URL}/1/close", {}),
    ):
        assert response.status_code == 403 and "无权访问" in response.text
    assert stored(services, 1).status == "open"
