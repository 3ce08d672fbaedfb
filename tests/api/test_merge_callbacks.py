"""并单 and 12345 回访: a callback pushed for a merged child is kept on the child (its own caller's result,
an event naming the master), never dropped, never applied to the master, never counted twice."""

from __future__ import annotations

from sqlalchemy import select

from gateway.domain.access import Actor
from gateway.persistence.models import InquiryEvent, WebhookReceipt
from gateway.services.inquiries import InquiryStats
from tests.api import test_channel_access as hotline
from tests.api.test_channel_access import callback_push, create, signed_hotline_push, stored, to_replied

URL = "/api/v1/inquiries"
settings, keys = hotline.settings, hotline.keys  # the fixtures: a 12345 webhook secret, system keys


def history(services, inquiry_id):
    with services.db.read() as session:
        query = select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id).order_by(InquiryEvent.id)
        return [(e.action, e.from_status, e.to_status, e.data) for e in session.scalars(query)]


def push(gdbh, myd, at="15:00:00"):
    """A 回访结果 push; 12345 knows a callback by its work order and time (hfsj)."""
    body = callback_push(None, gdbh=gdbh)
    body["sj"].update(myd=myd, sfjj="1", hfsj=f"2026-11-23 {at}")
    return body


def test_a_12345_callback_of_a_merged_child_is_kept_on_the_child_and_counted_once(
    client, keys, services, clock
):
    master = create(client, keys["system:hotline"], external_id="GD-M")
    child = create(client, keys["system:hotline"], external_id="GD-C")
    merged = {"master_id": master["id"], "reason": "同一路口路灯"}
    response = client.post(f"{URL}/{child['id']}/merge", json=merged, headers=keys["operator"])
    assert response.status_code == 200, response.get_json()
    to_replied(client, keys, master["id"])
    assert stored(services, child["id"]) == ("replied", None)
    master_events = len(history(services, master["id"]))

    response = signed_hotline_push(client, push("GD-C", myd="1"), "msg_child_callback")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["wbbh"] == child["number"]
    assert stored(services, child["id"]) == ("replied", "very_satisfied")  # its own; its status follows
    action, before, after, data = history(services, child["id"])[-1]
    assert (action, before, after) == ("child_callback", "replied", "replied")
    assert data == {
        "satisfaction": "very_satisfied",
        "solved": True,
        "master_id": master["id"],
        "master_number": master["number"],
    }
    assert stored(services, master["id"]) == ("replied", None)  # the master is left alone
    assert len(history(services, master["id"])) == master_events
    shown = client.get(f"{URL}/{child['id']}", headers=keys["supervisor"]).get_json()
    assert shown["satisfaction"] == "very_satisfied"

    # A second result for the same caller is taken in (receipted) and changes nothing.
    child_events = len(history(services, child["id"]))
    response = signed_hotline_push(client, push("GD-C", myd="4", at="16:00:00"), "msg_child_again")
    assert response.status_code == 200, response.get_json()
    assert stored(services, child["id"]) == ("replied", "very_satisfied")
    assert len(history(services, child["id"])) == child_events
    with services.db.read() as session:
        assert "msg_child_again" in {r.webhook_id for r in session.scalars(select(WebhookReceipt))}

    # The master's own caller's result is the master's; the child follows its status and keeps its own.
    response = signed_hotline_push(client, push("GD-M", myd="4"), "msg_master_callback")
    assert response.status_code == 200, response.get_json()
    assert stored(services, master["id"]) == ("called_back", "dissatisfied")
    assert stored(services, child["id"]) == ("called_back", "very_satisfied")
    stats = InquiryStats(services.db, clock)
    levels = stats.satisfaction(Actor("督办员", "supervisor"), group=None, period=None, start=None, end=None)
    assert [(r["level"], r["count"]) for r in levels] == [("dissatisfied", 1)]  # the child counts nowhere


def test_a_reopened_master_voids_its_childs_callback_and_12345_may_call_the_child_back_again(
    client, keys, services
):
    master = create(client, keys["system:hotline"], external_id="GD-M2")
    child = create(client, keys["system:hotline"], external_id="GD-C2")
    merged = {"master_id": master["id"], "reason": "同一路口路灯"}
    assert client.post(f"{URL}/{child['id']}/merge", json=merged, headers=keys["operator"]).status_code == 200
    to_replied(client, keys, master["id"])
    assert signed_hotline_push(client, push("GD-C2", myd="4"), "msg_c2").status_code == 200
    assert signed_hotline_push(client, push("GD-M2", myd="4"), "msg_m2").status_code == 200
    reopen = client.post(f"{URL}/{master['id']}/reopen", json={"reason": "未解决"}, headers=keys["admin"])
    assert reopen.status_code == 200, reopen.get_json()
    assert stored(services, child["id"]) == ("reopened", None)
    for action, body in (("acknowledge", {}), ("reply", {"note": "已修复", "public_reply": "已修复"})):
        response = client.post(f"{URL}/{master['id']}/{action}", json=body, headers=keys["admin"])
        assert response.status_code == 200, response.get_json()
    again = signed_hotline_push(client, push("GD-C2", myd="1", at="17:00:00"), "msg_c2_again")
    assert again.status_code == 200, again.get_json()
    assert stored(services, child["id"]) == ("replied", "very_satisfied")
    assert [e[0] for e in history(services, child["id"])].count("child_callback") == 2
