"""并单 over real HTTP: a website message merged into a 12345 work order about the same building site
hears the master's reply on the website (to its writer alone, no consent), and 12345 hears it on both
work orders; every message delivered by the worker to the simulators."""

from __future__ import annotations

import requests
from sqlalchemy import select

from gateway.persistence.models import OutboxMessage
from tests.e2e.steps import API, department_acts


def api(world, method, path, role="operator", **kwargs):
    response = requests.request(
        method, f"{world.gateway.url}{path}", headers=world.headers[role], timeout=10, **kwargs
    )
    assert response.status_code < 300, response.text
    return response.json()


def test_a_merged_website_message_hears_the_12345_masters_reply_in_its_own_channel(world):
    website, hotline = world.sim("website"), world.sim("hotline")
    order = hotline.push_work_order()  # the demo work order: 王秀英, night-time building noise, 滨江路88号
    message = website.submit_message(
        subject="夜间施工噪音",
        content="滨江路88号旁工地夜间施工噪音扰民,请查处。",
        isPublic="N",
        writerName="林建华",
        writerMobile="13905911234",
    )
    (master,) = api(world, "GET", API, params={"channel": "hotline"})
    (child,) = api(world, "GET", API, params={"channel": "website"})
    assert master["department"] == child["department"] == "HBJ"
    world.drain()  # the message reaches 12345 as a work order of its own

    merged = api(
        world,
        "POST",
        f"{API}/{child['id']}/merge",
        json={"master_id": master["id"], "reason": "同一工地噪音"},
    )
    assert merged["master_id"] == master["id"]
    children = api(world, "GET", f"{API}/{master['id']}/children")
    assert [c["id"] for c in children] == [child["id"]]
    reply = {"note": "已约谈施工单位", "public_reply": "王秀英您好,经查,施工单位已停止夜间施工。"}
    department_acts(world, "HBJ", master["id"], [("acknowledge", {}), ("reply", reply)])
    world.drain()

    replies = [r for r in website.replies if r.get("msgId") == message["msgId"]]
    assert len(replies) == 1 and replies[0]["publish"] == "N"  # to the writer, on their own message
    assert (
        replies[0]["replyContent"] == "王**您好,经查,施工单位已停止夜间施工。"
    )  # the master's caller masked
    # Published: the master's reply alone (its caller consented); the child gave no consent.
    assert [p["refNo"] for p in website.published()] == [master["number"]]
    assert len(website.status_history[message["msgId"]]) >= 2  # acknowledged, replied
    assert len(hotline.feedback_for(order["gdbh"])) >= 2  # the master's own work order
    (forwarded,) = [o for o in hotline.list_work_orders() if o.get("wbbh") == child["number"]]
    assert len(hotline.feedback_for(forwarded["gdbh"])) >= 2  # and the child's, on 12345
    with world.services.db.read() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert rows and {r.status for r in rows} == {"sent"}
