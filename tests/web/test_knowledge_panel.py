"""Point 3: the knowledge panel (知识库) shows only what the role may read, and only the text the website
was sent to publish (reply.publish), personal data removed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from gateway.persistence.models import OutboxMessage
from gateway.services.publications import PublicationService
from tests.conftest import inquiry_payload, on_postgres

ADMIN = Actor("测试管理员", "admin")
QUERY = {"q": "法律援助"}
NAMES = ("林建华", "王秀英", "赵德明", "钱晓燕", "孙立新")
PHONES = ("13905911234", "13805915678", "13705910001", "13605910002", "13505910003")


def seed(
    services: Any,
    n: int,
    *,
    lead: str,
    co: list[str] | None = None,
    channel: str = "hotline",
    consent: bool = True,
) -> int:
    name, phone = NAMES[n], PHONES[n]
    view, _ = services.inquiries.intake(
        inquiry_payload(
            channel=channel,
            external_id=f"EXT-{n}",
            title=f"法律援助咨询（来电人{name}，回电{phone}）",
            content=f"{name}咨询法律援助，电话{phone}。",
            citizen={"name": name, "phone": phone, "id_number": None},
            public_consent=consent,
        ),
        Actor(f"{channel}系统", f"system:{channel}"),  # a channel's own ids come from its system
    )
    services.inquiries.act(view.id, Action.DISPATCH, {"department": lead, "co_departments": co or []}, ADMIN)
    services.inquiries.act(view.id, Action.ACKNOWLEDGE, {}, ADMIN)
    reply = f"已电话联系{name}（{phone}），法律援助请到区司法局窗口申请，第{n}号。"
    services.inquiries.act(view.id, Action.REPLY, {"note": "已答复", "public_reply": reply}, ADMIN)
    return view.id


def published(services: Any) -> dict[str, dict[str, Any]]:
    with services.db.read() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == "reply.publish"))
        return {m.payload["number"]: {**m.payload, "id": m.id} for m in rows}


def raw_leaks(body: str) -> list[str]:
    return [s for s in (*NAMES, *PHONES) if s in body]


def test_an_operator_sees_only_the_published_redacted_text(as_role, services):
    seed(services, 0, lead="RSJ")  # published
    seed(services, 1, lead="SFJ")  # published
    seed(services, 2, lead="RSJ", consent=False)  # never published
    seed(services, 3, lead="RSJ", channel="window")  # window replies are not published (config)
    dead = seed(services, 4, lead="RSJ")  # the website refused it: a discarded dead letter
    with services.db.unit_of_work() as session:
        for message in session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_type == "reply.publish")
        ):
            if message.payload["inquiry_id"] == dead:
                message.status = "discarded"
    sent = published(services)
    response = as_role("op01").get("/console/inquiries/knowledge.json", query_string=QUERY)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert raw_leaks(json.dumps(response.json, ensure_ascii=False)) == [] and raw_leaks(body) == []
    replies = response.json["replies"]
    assert sorted(r["number"] for r in replies) == sorted(
        n for n, p in sent.items() if p["inquiry_id"] != dead
    )
    for reply in replies:
        # Exactly what the website was given to publish.
        assert (reply["title"], reply["public_reply"]) == (
            sent[reply["number"]]["title"],
            sent[reply["number"]]["public_reply"],
        )
        assert "法律援助请到区司法局窗口申请" in reply["public_reply"]


def test_a_department_sees_only_replies_of_inquiries_it_led_or_helped_with(as_role, services):
    seed(services, 0, lead="RSJ")  # another department's
    own = seed(services, 1, lead="SFJ")
    helped = seed(services, 2, lead="RSJ", co=["SFJ"])
    numbers = {services.inquiries.get(i, ADMIN).number for i in (own, helped)}
    response = as_role("dept01").get("/console/inquiries/knowledge.json", query_string=QUERY)
    assert response.status_code == 200
    assert {r["number"] for r in response.json["replies"]} == numbers
    body = json.dumps(response.json, ensure_ascii=False)
    assert raw_leaks(body) == []
    assert "第0号" not in body  # nothing of the other department's reply, not even redacted


def test_a_search_for_a_citizens_phone_or_name_finds_nothing_even_in_its_own_inquiries(as_role, services):
    seed(services, 0, lead="SFJ")  # dept01's own: it may read the inquiry, masked
    for client in (as_role("dept01"), as_role("op01")):
        for term in (PHONES[0], PHONES[0][-8:], NAMES[0]):
            response = client.get("/console/inquiries/knowledge.json", query_string={"q": term})
            assert response.json["replies"] == [], term
        assert len(client.get("/console/inquiries/knowledge.json", query_string=QUERY).json["replies"]) == 1


def test_a_held_reply_shows_only_once_approved_and_as_approved(as_role, services):
    view, _ = services.inquiries.intake(
        inquiry_payload(external_id="EXT-H", citizen={"name": "林建华", "phone": "13905911234"}),
        Actor("12345平台", "system:hotline"),
    )
    services.inquiries.act(view.id, Action.DISPATCH, {"department": "SFJ"}, ADMIN)
    services.inquiries.act(view.id, Action.ACKNOWLEDGE, {}, ADMIN)
    doubtful = "法律援助已受理，档案号8812345678。"  # a run redaction cannot classify: held (待审核)
    services.inquiries.act(view.id, Action.REPLY, {"note": "已答复", "public_reply": doubtful}, ADMIN)
    client = as_role("op01")
    assert client.get("/console/inquiries/knowledge.json", query_string=QUERY).json["replies"] == []
    held = next(iter(published(services).values()))
    approver = PublicationService(services.db, services.clock)
    approver.approve(held["id"], ADMIN, text="法律援助已受理，请等待司法局联系。")
    replies = client.get("/console/inquiries/knowledge.json", query_string=QUERY).json["replies"]
    assert [r["public_reply"] for r in replies] == ["法律援助已受理，请等待司法局联系。"]


@pytest.mark.postgres
@on_postgres
def test_the_published_text_is_found_on_postgres(services):
    seed(services, 0, lead="RSJ")
    seed(services, 1, lead="SFJ")
    sent = published(services)
    operator = services.inquiries.public_replies("法律援助", Actor("话务员", "operator"))
    assert {r["number"]: r["public_reply"] for r in operator} == {
        n: p["public_reply"] for n, p in sent.items()
    }
    department = services.inquiries.public_replies("法律援助", Actor("司法局", "department", "SFJ"))
    assert [r["public_reply"] for r in department] == [
        p["public_reply"] for p in sent.values() if "第1号" in p["public_reply"]
    ]
    assert raw_leaks(json.dumps([*operator, *department], ensure_ascii=False, default=str)) == []
