from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from gateway.domain.access import Actor
from gateway.domain.errors import Forbidden
from gateway.persistence.models import AuditEntry, OutboxMessage
from tests.web.conftest import flashes, post
from tests.web.seed import seed_traffic

ADMIN = Actor("测试管理员", "admin")


def _traffic(services, clock):
    return seed_traffic(services, clock, days_later=30)


def test_dashboard_draws_the_charts(as_role, services, clock):
    _traffic(services, clock)
    page = as_role("sup01").get(
        "/console/supervisor", query_string={"from": "2026-11-01", "to": "2026-12-31"}
    )
    assert page.status_code == 200
    for chart in ("chart-volume", "chart-rates", "chart-departments", "chart-satisfaction"):
        section = page.text.split(f'id="{chart}"')[1].split("</section>")[0]
        assert "<svg" in section and ("<rect" in section or "<path" in section), chart
    assert "超期诉求" in page.text and "区人力资源和社会保障局" in page.text
    by_channel = as_role("sup01").get(
        "/console/supervisor", query_string={"group": "channel", "period": "month"}
    )
    assert "政府网站" in by_channel.text and "2026-11" in by_channel.text


def test_inquiry_stats_service(services, clock, app):
    _traffic(services, clock)
    stats = app.extensions["console"].stats
    sup = Actor("督办", "supervisor")
    volumes = stats.volumes(sup, group="channel", period="day", start=None, end=None)
    assert volumes == [
        {"period": "2026-11-23", "key": "hotline", "count": 2},
        {"period": "2026-11-23", "key": "website", "count": 1},
    ]
    timely = {r["key"]: r for r in stats.on_time(sup, group="department", period=None, start=None, end=None)}
    assert (timely["RSJ"]["answered"], timely["RSJ"]["on_time"], timely["RSJ"]["rate"]) == (1, 1, 1.0)
    assert (timely["ZJJ"]["late_open"], timely["ZJJ"]["rate"]) == (1, 0.0)
    assert stats.satisfaction(sup, group=None, period="month", start=None, end=None) == [
        {"period": "2026-11", "key": "all", "level": "satisfied", "count": 1}
    ]
    summary = {r["key"]: r for r in stats.summary(sup, group="kind", start=None, end=None)}
    assert summary["consult"]["received"] == 2 and summary["consult"]["satisfaction_rate"] == 1.0
    with pytest.raises(Forbidden):
        stats.volumes(Actor("话务", "operator"), group="kind", period="day", start=None, end=None)


def test_overdue_list_with_one_click_escalation(as_role, services, clock):
    _, b, _ = _traffic(services, clock)
    client = as_role("sup01")
    listing = client.get("/console/supervisor/overdue")
    assert b.number in listing.text and "督办" in listing.text
    done = post(
        client,
        f"/console/inquiries/{b.id}/act/escalate",
        {"reason": "超期督办：请立即办理并反馈", "next": "/console/supervisor/overdue"},
    )
    assert done.headers["Location"] == "/console/supervisor/overdue"
    assert services.inquiries.get(b.id, ADMIN).escalation_count == 1
    assert "督办（已1次）" in client.get("/console/supervisor/overdue").text


def test_dead_letters_resend_is_audited(as_role, services, clock):
    _traffic(services, clock)
    with services.db.unit_of_work() as session:
        message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        message.status, message.attempts, message.last_error = "dead", 8, "HTTP 400 bad request"
        message_id = message.id
    client = as_role("sup01")
    listing = client.get("/console/supervisor/dead-letters")
    assert "HTTP 400 bad request" in listing.text and "重发" in listing.text
    done = post(client, f"/console/supervisor/dead-letters/{message_id}/resend", {"reason": "对方系统已恢复"})
    assert "重新排队发送" in flashes(client.get(done.headers["Location"]).text)[0]
    with services.db.read() as session:
        assert session.get(OutboxMessage, message_id).status == "pending"
        assert session.scalar(select(AuditEntry.action)) == "outbox_resend"
    again = post(client, f"/console/supervisor/dead-letters/{message_id}/resend", {"reason": "再来"})
    assert "只有死信可以重发或放弃" in flashes(client.get(again.headers["Location"]).text)[0]
    assert "同步与任务" in client.get("/console/supervisor/runs?kind=jobs").text


def _book(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.search(r"filename\*=UTF-8''", response.headers["Content-Disposition"])
    return openpyxl.load_workbook(io.BytesIO(response.data))


def test_excel_exports_have_chinese_headers_and_keep_text_as_text(as_role, services, clock, items):
    _traffic(services, clock)
    client = as_role("admin")
    queue = _book(client.get("/console/inquiries/export.xlsx", query_string={"channel": "website"})).active
    assert [c.value for c in queue[1]][:4] == ["诉求编号", "渠道", "类型", "标题"]
    assert queue.max_row == 2 and queue["B2"].value == "政府网站" and queue["F2"].value == "林**"
    assert queue["D2"].value == '=HYPERLINK("http://x")' and queue["D2"].data_type == "s"
    for path, header in (
        ("/console/supervisor/overdue/export.xlsx", "办理时限"),
        ("/console/supervisor/dead-letters/export.xlsx", "接收系统"),
        ("/console/supervisor/runs/export.xlsx?kind=jobs", "任务"),
        ("/console/supervisor/runs/export.xlsx", "新增"),
        ("/console/window/items/export.xlsx?q=flyz", "事项名称"),
        ("/console/window/applications/export.xlsx", "受理编号"),
        ("/console/admin/users/export.xlsx", "用户名"),
    ):
        assert header in [c.value for c in _book(client.get(path)).active[1]], path
    monthly = _book(client.get("/console/supervisor/monthly.xlsx", query_string={"month": "2026-11"}))
    assert monthly.sheetnames == ["诉求-按承办单位", "诉求-按渠道", "诉求-按类型", "办件-按部门"]
    sheet = monthly["诉求-按渠道"]
    assert [c.value for c in sheet[1]][:6] == [
        "渠道",
        "受理量",
        "已答复",
        "按时答复",
        "超期未办结",
        "按时办结率",
    ]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["12345热线"][1] == 2 and rows["政府网站"][1] == 1
