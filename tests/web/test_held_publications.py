from __future__ import annotations

from sqlalchemy import select

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from gateway.persistence.models import AuditEntry, OutboxMessage
from tests.conftest import inquiry_payload
from tests.web.conftest import flashes, post

ADMIN = Actor("测试管理员", "admin")
PAGE = "/console/supervisor/publications"


def held_reply(services, public_reply="已受理，回执号123456789，请林建华保存。"):
    inquiry, _ = services.inquiries.intake(inquiry_payload(), ADMIN)
    services.inquiries.act(inquiry.id, Action.ACKNOWLEDGE, {}, ADMIN)
    services.inquiries.act(inquiry.id, Action.REPLY, {"note": "已办理", "public_reply": public_reply}, ADMIN)
    with services.db.read() as session:
        message = session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_type == "reply.publish")
        ).one()
        assert message.status == "held"
        return inquiry, message.id


def stored(services, message_id):
    with services.db.read() as session:
        row = session.get(OutboxMessage, message_id)
        audit = [(a.action, a.reason, a.actor) for a in session.scalars(select(AuditEntry))]
        return row.status, row.payload, audit


def test_the_supervisor_sees_what_made_a_reply_doubtful(as_role, services):
    inquiry, message_id = held_reply(services)
    page = as_role("sup01").get(PAGE)
    assert page.status_code == 200
    assert f'href="{PAGE}"' in page.text and "答复待审核" in page.text  # in the navigation
    card = page.text.split(f'id="publication-{message_id}"')[1].split("</section>")[0]
    assert inquiry.number in card and "网站公开答复" in card and "区司法局" in card
    assert "已受理，回执号<mark>123456789</mark>，请林**保存。" in card
    assert "答复内容中有一串9位数字，无法判断是否为个人信息" in card
    assert "林建华" not in page.text
    assert 'name="csrf_token"' in card and "核准发布" in card and "驳回" in card


def test_only_those_who_decide_see_the_page(as_role, services):
    held_reply(services)
    for username in ("op01", "win01", "dept01"):
        client = as_role(username)
        assert client.get(PAGE).status_code == 403, username
        assert "答复待审核" not in client.get("/console/").text
    assert as_role("admin").get(PAGE).status_code == 200


def test_approving_with_an_edited_text_redacts_it_again(as_role, services):
    _, message_id = held_reply(services)
    client = as_role("sup01")
    without_token = client.post(f"{PAGE}/{message_id}/approve", data={"text": "x"})
    assert without_token.status_code == 400 and stored(services, message_id)[0] == "held"
    done = post(
        client,
        f"{PAGE}/{message_id}/approve",
        {"text": "已受理，请林建华拨13905911234查询。", "title": "申请法律援助需要什么材料", "next": PAGE},
    )
    assert done.status_code == 302 and done.headers["Location"] == PAGE
    assert "答复已核准" in flashes(client.get(PAGE).text)[0]
    status, payload, audit = stored(services, message_id)
    assert (status, payload["public_reply"]) == ("pending", "已受理，请林**拨139****1234查询。")
    assert audit == [("publication_approve", "核准发布（已修改答复内容）", "督办员陈刚[sup01]")]
    again = post(client, f"{PAGE}/{message_id}/approve", {"next": PAGE})
    assert "不在待审核中" in flashes(client.get(again.headers["Location"]).text)[0]
    assert "已受理，请林**拨139****1234查询。" in client.get(PAGE, query_string={"status": "pending"}).text


def test_approving_the_text_as_shown_sends_it_as_it_is(as_role, services):
    _, message_id = held_reply(services)
    client = as_role("admin")
    shown = "已受理，回执号123456789，请林**保存。"
    post(client, f"{PAGE}/{message_id}/approve", {"text": shown, "title": "申请法律援助需要什么材料"})
    status, payload, audit = stored(services, message_id)
    assert (status, payload["public_reply"], payload["review"]["edited"]) == ("pending", shown, [])
    assert audit == [("publication_approve", "核准发布", "管理员[admin]")]


def test_rejecting_needs_a_reason_and_is_audited(as_role, services):
    _, message_id = held_reply(services)
    client = as_role("sup01")
    blank = post(client, f"{PAGE}/{message_id}/reject", {"reason": " "})
    assert flashes(client.get(blank.headers["Location"]).text) == ["请填写驳回理由。"]
    assert stored(services, message_id)[0] == "held"
    post(client, f"{PAGE}/{message_id}/reject", {"reason": "含他人账号，请重新答复"})
    status, _, audit = stored(services, message_id)
    assert (status, audit) == (
        "discarded",
        [("publication_reject", "含他人账号，请重新答复", "督办员陈刚[sup01]")],
    )
    assert "没有待审核的答复" in client.get(PAGE).text
    assert "含他人账号，请重新答复" in client.get(PAGE, query_string={"status": "discarded"}).text
