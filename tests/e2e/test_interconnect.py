from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
import yaml
from sqlalchemy import func, select

from adapters.base.simulator import Fault, push_webhook
from gateway.persistence.models import Inquiry, InquiryEvent, OutboxMessage, WebhookReceipt
from tests.conftest import ROOT
from tests.e2e.steps import API, department_acts


def api(world, method, path, role="operator", **kwargs):
    response = requests.request(
        method, f"{world.gateway.url}{path}", headers=world.headers[role], timeout=10, **kwargs
    )
    assert response.status_code < 300, response.text
    return response.json()


def outbox_rows(world):
    with world.services.db.read() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_website_message_reaches_12345_and_the_reply_is_published_redacted(world):
    website, hotline = world.sim("website"), world.sim("hotline")
    # the simulator's own writer: 陈晓燕, 13805912345, a complaint (TSJB) she consents to publish
    message = website.submit_message(subject="夜间施工噪音", content="工地夜间施工噪音扰民,请查处。")
    listed = api(world, "GET", API, params={"channel": "website"})
    assert len(listed) == 1
    inquiry = listed[0]
    assert (inquiry["external_id"], inquiry["department"], inquiry["citizen"]["phone"]) == (
        message["msgId"],
        "HBJ",
        "138****2345",
    )
    world.drain()
    orders = [o for o in hotline.list_work_orders() if o.get("wbbh") == inquiry["number"]]
    assert len(orders) == 1 and orders[0]["ldhm"] == "13805912345"  # 12345 can call the citizen back

    reply = {
        "note": "已约谈施工单位",
        "public_reply": "经查,施工单位已停止夜间施工。如有问题请联系陈晓燕13805912345。",
    }
    department_acts(world, "HBJ", inquiry["id"], [("acknowledge", {}), ("reply", reply)])
    world.drain()
    published = website.published()
    assert len(published) == 1
    text = json.dumps(published[0], ensure_ascii=False)
    assert "经查,施工单位已停止夜间施工" in text
    assert "13805912345" not in text and "陈晓燕" not in text and "已约谈施工单位" not in text
    feedback = hotline.feedback_for(orders[0]["gdbh"])
    assert len(feedback) >= 2  # acknowledgement and reply reached the work order
    assert {r.status for r in outbox_rows(world)} == {"sent"}


def test_a_reply_to_a_writer_who_did_not_consent_reaches_them_alone(world):
    website = world.sim("website")
    message = website.submit_message(
        boxType="LDXX",
        subject="孩子入学咨询",
        isPublic="N",
        writerName="林建华",
        writerMobile="13905911234",
        content="请问随迁子女入学需要哪些材料?",
    )
    inquiry = api(world, "GET", API, params={"channel": "website"})[0]
    assert inquiry["public_consent"] is False
    world.drain()
    reply = {"note": "已电话联系林建华", "public_reply": "林建华您好:需提供居住证、户口簿。"}
    department_acts(world, inquiry["department"], inquiry["id"], [("acknowledge", {}), ("reply", reply)])
    world.drain()
    assert website.published() == []  # no visitor sees it
    replies = [r for r in website.replies if r.get("msgId") == message["msgId"]]
    assert len(replies) == 1 and replies[0]["publish"] == "N"  # the writer does, on their message
    assert replies[0]["replyContent"] == "林**您好:需提供居住证、户口簿。"
    rows = outbox_rows(world)
    assert [m.event_type for m in rows if m.target == "website" and m.event_type.startswith("reply")] == [
        "reply.to_writer"  # a type of its own: a receiver that does not know it can never publish it
    ]
    assert not [m for m in rows if m.status != "sent"]


def test_the_same_webhook_sent_50_times_at_once_makes_one_inquiry(world):
    body = {
        "eventType": "message.submitted",
        "eventTime": "2026-11-26 09:00:00",
        "message": {
            "msgId": "LY-CONCURRENT-1",
            "boxType": "ZXZX",
            "subject": "咨询公证",
            "content": "办理继承公证需要什么材料?",
            "writerName": "郑美玲",
            "writerMobile": "13600591234",
            "isPublic": "N",
            "submitTime": "2026-11-26 09:00:00",
        },
    }
    url = f"{world.gateway.url}/webhooks/website"
    barrier = threading.Barrier(50)
    statuses: list[int] = []
    lock = threading.Lock()

    def send() -> None:
        barrier.wait()
        status = push_webhook(url, world.secrets["website"], body, webhook_id="evt_same").status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=send) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 50
    with world.services.db.read() as session:
        assert session.scalar(select(func.count()).where(Inquiry.external_id == "LY-CONCURRENT-1")) == 1
        assert session.scalar(select(func.count()).where(InquiryEvent.action == "intake")) == 1
        assert session.scalar(select(func.count()).select_from(WebhookReceipt)) == 1
        assert session.scalar(select(func.count()).where(OutboxMessage.event_type == "workorder.create")) == 1


def test_a_bad_signature_is_refused_and_creates_nothing(world, caplog):
    body = {"eventType": "message.submitted", "message": {"msgId": "LY-X", "content": "13600591234"}}
    response = push_webhook(
        f"{world.gateway.url}/webhooks/website", ["whsec_" + "QUFBQUFBQUFBQUFBQUFBQQ=="], body
    )
    assert response.status_code == 401
    unsigned = requests.post(f"{world.gateway.url}/webhooks/website", json=body, timeout=5)
    assert unsigned.status_code == 401
    with world.services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 0
    assert "13600591234" not in caplog.text and "webhook refused system=website" in caplog.text


def hotline_inquiries(world, n):
    """Work orders the 12345 platform pushes; each routes to 区人社局 and owes the platform one status
    message."""
    for i in range(n):
        world.sim("hotline").push_work_order(
            bt="拖欠工资", sqnr=f"来电人反映公司拖欠第{i}批工人工资", sqlx="02"
        )
    listed = api(world, "GET", API, params={"channel": "hotline", "page_size": 100})
    assert len(listed) == n and {i["department"] for i in listed} == {"RSJ"}


def hotline_accepted(world):
    return [r for r in world.sim("hotline").accepted() if r.operation == "lzfk"]


def test_a_receiver_that_is_down_for_a_while_gets_every_message_exactly_once(world):
    hotline_inquiries(world, 5)
    world.sims["hotline"].stop()
    worker = world.worker()
    report = worker.drain()
    assert report.sent == 0 and report.retried == 5
    assert all(r.status == "pending" and "connection failed" in r.last_error for r in outbox_rows(world))
    world.restart("hotline")
    world.drain()
    rows = outbox_rows(world)
    assert {r.status for r in rows} == {"sent"}
    keys = [r.idempotency_key for r in hotline_accepted(world)]
    assert sorted(keys) == sorted(r.idempotency_key for r in rows) and len(set(keys)) == 5


def test_a_receiver_answering_500_three_times_then_200(world):
    world.sim("hotline").inject(Fault(status=500, remaining=3))
    hotline_inquiries(world, 1)
    world.drain()
    (row,) = outbox_rows(world)
    assert (row.status, row.attempts) == ("sent", 4)
    assert len(hotline_accepted(world)) == 1


def test_a_slow_receiver_that_got_the_message_does_not_get_it_twice(world):
    world.sim("hotline").inject(Fault(delay=1.6, remaining=1))  # longer than the 1 s read timeout
    hotline_inquiries(world, 1)
    world.worker().run_once()
    (row,) = outbox_rows(world)
    assert row.status == "pending" and "timed out" in row.last_error
    time.sleep(0.8)  # let the slow request finish inside the simulator
    world.drain()
    received = [r for r in world.sim("hotline").received if r.operation == "lzfk"]
    assert [r.duplicate for r in received] == [False, True]  # the retry carried the same key and was dropped
    assert outbox_rows(world)[0].status == "sent"


def test_a_worker_killed_mid_batch_and_another_that_finishes(world, tmp_path: Path, db_url: str):
    hotline_inquiries(world, 12)
    world.sim("hotline").inject(Fault(delay=0.3, remaining=12))
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["systems"]["hotline"]["base_url"] = world.sims["hotline"].url
    config["delivery"].update(concurrency=1, batch_size=6, lease_seconds=5)
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "GATEWAY_CONFIG": str(tmp_path / "config.yaml"), "GATEWAY_DATABASE_URL": db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "deliver", "--worker-id", "doomed"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while len(hotline_accepted(world)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    statuses = [r.status for r in outbox_rows(world)]
    assert statuses.count("sending") == 6  # killed with a claimed batch in flight
    delivered_before_kill = len(hotline_accepted(world))
    assert delivered_before_kill >= 2
    world.clock.now = datetime.now(UTC) + timedelta(seconds=6)  # past the dead worker's lease
    world.drain(step_seconds=120)
    rows = outbox_rows(world)
    assert {r.status for r in rows} == {"sent"}
    accepted = [r.idempotency_key for r in hotline_accepted(world)]
    assert len(accepted) == len(set(accepted)) == 12
    repeats = [r for r in world.sim("hotline").received if r.operation == "lzfk" and r.duplicate]
    # the new owner re-sent what the dead worker had sent but not recorded; the key stopped a double
    assert len(repeats) >= delivered_before_kill
