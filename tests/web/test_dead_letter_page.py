"""The dead-letter page: each last error explained in Chinese, from the strings the worker really writes."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import select

from adapters import hotline, website
from adapters.base.http import HttpClient
from adapters.base.simulator import Fault, ServerThread
from gateway.config import DeliveryPolicy
from gateway.delivery.worker import DeliveryWorker
from gateway.domain.messages import STATUS_CHANGED, WORKORDER_CREATE
from gateway.persistence.models import OutboxMessage
from gateway.services import outbox
from gateway.web.delivery_problems import CONTACT, DISCARD, RESEND, explain
from tests.conftest import Start
from tests.factories import sample

WORK_ORDER = sample("hotline.work_order_message")
STATUS = {
    "inquiry_id": 42,
    "number": "SQ2025031200000042",
    "external_id": "LY20990101999999",
    "origin": "website",
    "action": "acknowledge",
    "status": "acknowledged",
    "department": "CGJ",
    "department_name": "区城市管理局",
    "due_at": "2025-03-26T23:59:59+08:00",
    "at": "2025-03-12T10:05:00+08:00",
}


class Broken:
    """A receiver with a bug of its own (the worker must keep the message)."""

    system = "department"

    def send(self, _message: Any) -> None:
        raise KeyError("BLZT")


@pytest.fixture
def sims(start: Start) -> dict[str, ServerThread]:
    return {"hotline": start(hotline.create_simulator()), "website": start(website.create_simulator())}


@pytest.fixture
def dead(services, clock, sims, session):
    """Send one message through the real worker and adapters (one attempt); return its last_error."""
    http = session
    stopped = ServerThread(hotline.create_simulator()).start()
    stopped.stop()
    clients = {
        "hotline": hotline.HotlineClient(HttpClient("hotline", sims["hotline"].url, http, timeout=(1, 0.3))),
        "website": website.WebsiteClient(HttpClient("website", sims["website"].url, http, timeout=(1, 2))),
        "stopped": hotline.HotlineClient(HttpClient("hotline", stopped.url, http, timeout=(1, 2))),
        "department": Broken(),
    }
    policy = DeliveryPolicy(max_attempts=1, concurrency=1, breaker_failures=1000)
    counter = iter(range(1, 1000))

    def send(target: str, event_type: str, payload: dict[str, Any], via: str | None = None) -> str:
        n = next(counter)
        with services.db.writing() as uow:
            outbox.enqueue(
                uow.outbox,
                target=target,
                event_type=event_type,
                ordering_key=f"test:{n}",
                payload=payload,
                idempotency_key=f"test-{n}",
                now=clock(),
            )
        senders = {**clients, target: clients[via or target]} if (via or target) in clients else clients
        worker = DeliveryWorker(services.db, senders, policy, clock, "t")
        worker.drain()
        worker.close()
        with services.db.read() as session:
            row = session.scalars(
                select(OutboxMessage).where(OutboxMessage.ordering_key == f"test:{n}")
            ).one()
        assert row.status == "dead", row.last_error
        assert row.last_error
        return str(row.last_error)

    return send


def test_a_system_that_is_down_is_resent_once_it_is_back(dead, sims):
    sims["hotline"].app.extensions["simulator"].inject(Fault(status=503))
    error = dead("hotline", WORKORDER_CREATE, WORK_ORDER)
    assert "HTTP 503" in error and "response:" in error  # the worker's own words, as the page gets them
    problem = explain("hotline", error)
    assert problem.system == "12345热线"
    assert problem.answer == "12345热线返回 HTTP 503（对方系统故障或暂时不可用）"
    assert problem.remedy == RESEND and "重发" in problem.advice
    assert problem.said is not None and "E5003" in problem.said


def test_a_timeout_and_a_refused_connection(dead, sims):
    sims["hotline"].app.extensions["simulator"].inject(Fault(delay=1.0))
    timeout = explain("hotline", dead("hotline", WORKORDER_CREATE, {**WORK_ORDER, "number": "SQ2"}))
    assert "超时" in timeout.answer and timeout.remedy == RESEND
    refused = explain("hotline", dead("hotline", WORKORDER_CREATE, WORK_ORDER, via="stopped"))
    assert refused.answer == "连接不上12345热线（连接被拒绝或网络不通）" and refused.remedy == RESEND
    assert "联系12345热线" in refused.advice


def test_a_refused_message_names_the_field_in_the_receivers_words(dead):
    bad_phone = {**WORK_ORDER, "citizen": {"name": "陈晓燕", "phone": "请拨打座机", "id_number": None}}
    problem = explain("hotline", dead("hotline", WORKORDER_CREATE, bad_phone))
    assert problem.answer == "12345热线拒收了这条消息（HTTP 400：消息内容不符合对方要求）"
    assert problem.said == "字段格式错误：ldhm（错误码 E1003）"
    assert problem.remedy == CONTACT and "放弃" in problem.advice and "联系12345热线" in problem.advice


def test_an_unknown_record_on_the_website(dead):
    problem = explain("website", dead("website", STATUS_CHANGED, STATUS))
    assert problem.answer == "政府网站拒收了这条消息（HTTP 404：找不到对应的接口或记录）"
    assert problem.said == "留言LY20990101999999不存在（错误码 MSG_NOT_FOUND）"


def test_what_the_gateway_itself_got_wrong(dead):
    unmappable = explain("website", dead("website", STATUS_CHANGED, {**STATUS, "status": "lost"}))
    assert unmappable.remedy == DISCARD and "无法把这条消息转换为政府网站接收的格式" in unmappable.answer
    no_adapter = explain("window", dead("window", STATUS_CHANGED, STATUS))
    assert no_adapter.answer == "网关没有配置综合窗口的接口" and no_adapter.remedy == CONTACT
    bug = explain("department", dead("department", "application.task_submitted", {}))
    assert bug.answer == "网关的发送程序出错（KeyError）" and "网关技术支持" in bug.advice
    assert bug.system == "部门业务系统"


def test_nothing_recorded_or_nothing_known():
    assert explain("hotline", None).answer == "没有记录错误信息"
    odd = explain("dept_hotline", "something odd", {"dept_hotline": "12348公共法律服务热线"})
    assert odd.system == "12348公共法律服务热线" and odd.answer == "无法识别的错误"


def _dead_row(services, error: str, target: str = "hotline", key: str = "page-1") -> int:
    with services.db.writing() as uow:
        row = outbox.enqueue(
            uow.outbox,
            target=target,
            event_type=WORKORDER_CREATE,
            ordering_key=f"inquiry:9:{target}",
            payload=WORK_ORDER,
            idempotency_key=key,
            now=services.clock(),
        )
        row.status, row.attempts, row.last_error = "dead", 8, error
        uow.flush()
        return int(row.id)


LONG = (
    "create_work_order answered HTTP 503; HTTP 503; response: "
    + '{"code":"E5003","msg":"系统维护中，请稍后重试","detail":"'
    + "upstream_connect_error_or_disconnect_before_headers_reset_reason_overflow_" * 12
    + '"}'
)


def test_the_page_shows_the_summary_and_keeps_the_raw_error_behind_a_toggle(as_role, services):
    _dead_row(services, LONG)
    page = as_role("sup01").get("/console/supervisor/dead-letters")
    assert page.status_code == 200
    text = page.text
    row = re.search(r'<tr class="dead-letter">(.+?)</tr>', text, re.S)
    assert row is not None
    cell = row.group(1)
    assert "12345热线返回 HTTP 503（对方系统故障或暂时不可用）" in cell
    assert "对方说明：系统维护中，请稍后重试（错误码 E5003）" in html.unescape(cell)
    assert "重发" in cell
    raw = re.search(r"<details[^>]*>\s*<summary>原始错误</summary>\s*<pre[^>]*>(.+?)</pre>", cell, re.S)
    assert raw is not None and html.unescape(raw.group(1)) == LONG  # all of it, not cut at 160
    # Outside the toggle, no English from the raw error.
    outside = re.sub(r"<details.+?</details>", "", cell, flags=re.S)
    assert "upstream_connect_error" not in outside and "answered" not in outside


def test_discarding_asks_for_a_reason(as_role, services):
    _dead_row(services, LONG)
    page = as_role("sup01").get("/console/supervisor/dead-letters").text
    discard = re.search(r'<form[^>]+/discard"[^>]*>(.+?)</form>', page, re.S)
    assert discard is not None
    assert re.search(r'<input[^>]+name="reason"[^>]+required', discard.group(1))
    assert 'type="hidden" name="reason"' not in discard.group(1)


def test_the_one_configured_specialist_line_is_named(as_role, services):
    _dead_row(services, "timed out", target="dept_hotline", key="page-2")
    text = as_role("sup01").get("/console/supervisor/dead-letters").text
    assert "12348公共法律服务热线在等待时间内没有应答（超时）" in text
