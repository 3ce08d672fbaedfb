from __future__ import annotations

import json
import re

import requests
from sqlalchemy import select

from gateway.persistence.models import AuditEntry
from tests.e2e.steps import API, department_acts


def call(world, method, path, role="operator", expect=200, **kwargs):
    response = requests.request(
        method, f"{world.gateway.url}{path}", headers=world.headers[role], timeout=10, **kwargs
    )
    assert response.status_code == expect, response.text
    return response.json()


def website_message_replied(world, public_reply, **fields):
    """A consenting writer's website message, answered by its department over the API."""
    message = world.sim("website").submit_message(isPublic="Y", **fields)
    inquiry = next(
        i
        for i in call(world, "GET", API, params={"channel": "website"})
        if i["external_id"] == message["msgId"]
    )
    world.drain()
    reply = {"note": "已办理", "public_reply": public_reply}
    department_acts(world, inquiry["department"], inquiry["id"], [("acknowledge", {}), ("reply", reply)])
    world.drain()
    return message, inquiry


def replies_to(world, message):
    return [r for r in world.sim("website").replies if r.get("msgId") == message["msgId"]]


def runs_of(number: str, text: str, length: int = 5) -> list[str]:
    digits = re.findall(r"[0-9]+", re.sub(r"(?<=[0-9])[ \-.()]+(?=[0-9])", "", text))
    return [
        number[i : i + length]
        for i in range(len(number) - length + 1)
        if any(number[i : i + length] in d for d in digits)
    ]


def test_the_issues_reply_reaches_the_website_without_the_number(world):
    message, _ = website_message_replied(
        world, "已回电139-5555-7777，并告知留言人（１３８ ０５９１ ２３４５）。", writerMobile="13805912345"
    )
    [published] = world.sim("website").published()
    text = json.dumps(published, ensure_ascii=False)
    assert published["replyContent"] == "已回电139-****-7777，并告知留言人（１３８ **** ２３４５）。"
    assert "5555" not in text and runs_of("13955557777", text) == []
    assert replies_to(world, message) != []


def test_a_held_reply_reaches_the_website_only_after_approval_and_once(world):
    message, inquiry = website_message_replied(world, "已受理，回执号123456789，请保存。")
    assert replies_to(world, message) == []  # held: the website never received it

    [held] = call(world, "GET", "/api/v1/publications", role="supervisor", params={"status": "held"})
    assert (held["number"], held["text"], held["doubts"]) == (
        inquiry["number"],
        "已受理，回执号123456789，请保存。",
        [{"field": "public_reply", "start": 7, "end": 16, "digits": 9}],
    )
    approved = call(world, "POST", f"/api/v1/publications/{held['id']}/approve", role="supervisor", json={})
    assert approved["status"] == "pending"
    world.drain()
    world.drain()
    assert [r["replyContent"] for r in replies_to(world, message)] == ["已受理，回执号123456789，请保存。"]
    assert call(world, "GET", "/api/v1/publications", role="admin") == []
    with world.services.db.read() as session:
        audit = [(a.action, a.subject_id) for a in session.scalars(select(AuditEntry))]
    assert audit == [("publication_approve", str(held["id"]))]


def test_a_rejected_reply_never_reaches_the_website(world):
    message, _ = website_message_replied(world, "已受理，回执号123456789，请保存。")
    [held] = call(world, "GET", "/api/v1/publications", role="admin")
    missing = call(
        world, "POST", f"/api/v1/publications/{held['id']}/reject", role="admin", expect=422, json={}
    )
    assert "reason" in missing["errors"]["json"]
    rejected = call(
        world,
        "POST",
        f"/api/v1/publications/{held['id']}/reject",
        role="admin",
        json={"reason": "疑含他人账号"},
    )
    assert rejected["status"] == "discarded"
    world.drain()
    assert replies_to(world, message) == []
    again = call(
        world, "POST", f"/api/v1/publications/{held['id']}/approve", role="admin", expect=409, json={}
    )
    assert again["errors"]["allowed_actions"] == []
    with world.services.db.read() as session:
        audit = [(a.action, a.subject_id, a.reason) for a in session.scalars(select(AuditEntry))]
    assert audit == [("publication_reject", str(held["id"]), "疑含他人账号")]
