from __future__ import annotations

import dataclasses
import itertools
import json
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from adapters.base.webhooks import new_secret, sign
from gateway.domain.access import ROLE_TABLE, Actor
from gateway.persistence.models import Inquiry, InquiryCoDepartment, InquiryEvent, WebhookReceipt
from gateway.persistence.repositories.inquiry_filters import filtered
from gateway.services.inquiries import InquiryFilter, InquiryService
from tests.conftest import inquiry_payload, settings_for
from tests.web.conftest import login, post
from tests.web.seed import seed_accounts

URL = "/api/v1/inquiries"
HOTLINE_SECRET = new_secret()


@pytest.fixture
def settings(db_url):
    return dataclasses.replace(settings_for(db_url), webhook_secrets={"hotline": (HOTLINE_SECRET,)})


@pytest.fixture
def keys(auth, services):
    headers = dict(auth)
    for role in ("system:window", "system:dept_hotline"):
        _, key = services.keys.create(role, role)
        headers[role] = {"Authorization": f"Bearer {key}"}
    return headers


def create(client, headers, **overrides):
    body = inquiry_payload(title="路灯", content="路口的灯坏了", **overrides)
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def to_replied(client, keys, inquiry_id):
    for action, body in (
        ("dispatch", {"department": "SFJ"}),
        ("acknowledge", {}),
        ("reply", {"note": "已处理", "public_reply": "已处理"}),
    ):
        response = client.post(f"{URL}/{inquiry_id}/{action}", json=body, headers=keys["admin"])
        assert response.status_code == 200, response.get_json()


def event_count(services, inquiry_id):
    with services.db.read() as session:
        return session.scalar(select(func.count()).where(InquiryEvent.inquiry_id == inquiry_id))


def stored(services, inquiry_id):
    with services.db.read() as session:
        row = session.get(Inquiry, inquiry_id)
        assert row is not None
        return row.status, row.satisfaction


# ---- point 6: a system key reaches only its own channel and what was forwarded to it ----------------


def test_a_website_key_lists_and_reads_only_website_inquiries(client, keys):
    hotline = create(client, keys["system:hotline"], external_id="GD-1")
    window = create(client, keys["system:window"], channel="window", external_id="CK-1")
    website = create(client, keys["system:website"], channel="website", external_id="MSG-1")
    listed = client.get(URL, headers=keys["system:website"])
    assert listed.status_code == 200
    assert [i["id"] for i in listed.get_json()] == [website["id"]]
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    for other in (hotline, window):
        for path in (f"{URL}/{other['id']}", f"{URL}/{other['id']}/events"):
            response = client.get(path, headers=keys["system:website"])
            assert response.status_code == 404, path
            assert response.get_json()["message"] == f"inquiry {other['id']} not found"
    assert client.get(f"{URL}/{website['id']}/events", headers=keys["system:website"]).status_code == 200


def test_a_website_key_cannot_record_a_callback_on_a_hotline_inquiry(client, keys, services):
    hotline = create(client, keys["system:hotline"], external_id="GD-2")
    to_replied(client, keys, hotline["id"])
    before = event_count(services, hotline["id"])
    body = {"satisfaction": "very_dissatisfied", "solved": False}
    response = client.post(f"{URL}/{hotline['id']}/callback", json=body, headers=keys["system:website"])
    assert response.status_code == 403
    assert response.get_json()["message"] == "role 'system:website' may not inquiry:callback"
    assert event_count(services, hotline["id"]) == before
    assert stored(services, hotline["id"]) == ("replied", None)


def test_the_hotline_key_reaches_a_website_message_forwarded_to_it_but_no_window_inquiry(
    client, keys, services
):
    website = create(client, keys["system:website"], channel="website", external_id="MSG-3")
    window = create(client, keys["system:window"], channel="window", external_id="CK-3")
    for inquiry in (website, window):
        to_replied(client, keys, inquiry["id"])
    listed = client.get(URL, headers=keys["system:hotline"]).get_json()
    assert [i["id"] for i in listed] == [website["id"]]  # 12345 holds it as a work order
    body = {"satisfaction": "satisfied", "solved": True}
    ok = client.post(f"{URL}/{website['id']}/callback", json=body, headers=keys["system:hotline"])
    assert ok.status_code == 200 and ok.get_json()["satisfaction"] == "satisfied"
    before = event_count(services, window["id"])
    refused = client.post(f"{URL}/{window['id']}/callback", json=body, headers=keys["system:hotline"])
    assert refused.status_code == 404
    assert event_count(services, window["id"]) == before
    assert stored(services, window["id"]) == ("replied", None)


def signed_hotline_push(client, body, webhook_id):
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = sign([HOTLINE_SECRET], webhook_id, int(time.time()), raw).as_dict()
    headers["Content-Type"] = "application/json; charset=utf-8"
    return client.post("/webhooks/hotline", data=raw, headers=headers)


def callback_push(number, gdbh="GD-NEVER-HELD"):
    return {
        "tslx": "HFJG",
        "tssj": "2026-11-23 15:00:03",
        "sj": {"gdbh": gdbh, "wbbh": number, "myd": "5", "sfjj": "0", "hfsj": "2026-11-23 15:00:00"},
    }


def test_a_signed_12345_callback_on_a_window_inquiry_it_never_held_is_refused(client, keys, services):
    window = create(client, keys["system:window"], channel="window", external_id="CK-4")
    to_replied(client, keys, window["id"])
    before = event_count(services, window["id"])
    response = signed_hotline_push(client, callback_push(window["number"]), "msg_window_callback")
    assert response.status_code == 404
    body = response.get_json()
    assert body["code"] == "E2001" and body["msg"].startswith("工单不存在：")
    assert event_count(services, window["id"]) == before
    assert stored(services, window["id"]) == ("replied", None)
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(WebhookReceipt)) == 0


def test_a_signed_12345_callback_on_its_own_work_order_is_applied(client, keys, services):
    hotline = create(client, keys["system:hotline"], external_id="GD-5")
    to_replied(client, keys, hotline["id"])
    response = signed_hotline_push(client, callback_push(None, gdbh="GD-5"), "msg_own_callback")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["wbbh"] == hotline["number"]
    assert stored(services, hotline["id"]) == ("called_back", "very_dissatisfied")


# ---- point 7: staff take in only the channels they work; channel systems' ids only from them ---------


@pytest.mark.parametrize(
    ("role", "channel"),
    [
        ("window", "hotline"),
        ("operator", "window"),
        ("operator", "website"),
        ("operator", "dept_hotline"),
        ("admin", "website"),
        ("admin", "dept_hotline"),
        ("operator", "api"),
    ],
)
def test_staff_cannot_take_in_a_channel_they_do_not_work(client, keys, services, role, channel):
    body = inquiry_payload(channel=channel, external_id=None)
    response = client.post(URL, json=body, headers=keys[role])
    assert response.status_code == 403
    assert response.get_json()["message"] == f"role '{role}' may not take in inquiries of channel '{channel}'"
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 0


@pytest.mark.parametrize(
    ("role", "channel"), [("operator", "hotline"), ("window", "window"), ("admin", "hotline")]
)
def test_staff_cannot_give_a_channel_systems_own_id(client, keys, services, role, channel):
    body = inquiry_payload(channel=channel, external_id="GD-MADE-UP")
    response = client.post(URL, json=body, headers=keys[role])
    assert response.status_code == 403
    assert response.get_json()["message"] == (
        f"role '{role}' may not give external_id: the ids of channel '{channel}' come only from its system"
    )
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 0


def test_staff_take_in_their_own_channel_without_an_external_id(client, keys):
    assert create(client, keys["operator"], external_id=None)["channel"] == "hotline"
    assert create(client, keys["window"], channel="window", external_id=None)["channel"] == "window"


def test_the_phone_intake_page_refuses_a_window_clerk_in_chinese(app, services, monkeypatch):
    from gateway.services.accounts import passwords as passwords_module

    monkeypatch.setattr(passwords_module, "HASH_METHOD", "scrypt:4096:8:1")
    seed_accounts(app)
    clerk = app.test_client()
    assert login(clerk, "win01").status_code == 302
    form = {
        "kind": "consult",
        "title": "路灯",
        "content": "路口的灯坏了",
        "citizen_name": "林建华",
        "citizen_phone": "13905911234",
        "mode": "save",
    }
    assert clerk.get("/console/inquiries/new").status_code == 403
    response = post(clerk, "/console/inquiries/new", form)
    assert response.status_code == 403
    assert "无权访问" in response.text
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 0
    counter = post(clerk, "/console/window/inquiry", form)  # the counter form is the clerk's own
    assert counter.status_code == 302, counter.text
    with services.db.read() as session:
        assert session.scalars(select(Inquiry.channel)).all() == ["window"]


def test_the_demo_inquiries_arrive_through_their_channel_systems(services):
    from gateway.demo import DEMO, load_demo

    assert load_demo(services) == len(DEMO)
    with services.db.read() as session:
        rows = session.execute(
            select(Inquiry.channel, InquiryEvent.actor_role)
            .join(InquiryEvent, InquiryEvent.inquiry_id == Inquiry.id)
            .where(InquiryEvent.action == "intake")
        ).all()
    assert sorted(rows) == sorted((p["channel"], f"system:{p['channel']}") for p, _ in DEMO)
    assert load_demo(services) == 0


def test_the_list_query_and_the_per_row_check_are_one_rule(services):
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    with services.db.unit_of_work() as session:
        for channel, forwarded_to, lead, co in itertools.product(
            ("hotline", "website", "window", "dept_hotline", "api"),
            (None, "hotline", "website"),
            (None, "SFJ", "HBJ"),
            ((), ("SFJ",), ("HBJ",), ("SFJ", "HBJ")),
        ):
            session.add(
                Inquiry(
                    channel=channel,
                    forwarded_to=forwarded_to,
                    department_code=lead,
                    co_departments=[InquiryCoDepartment(department_code=c) for c in co],
                    kind="help",
                    content="路灯坏了",
                    status="dispatched" if lead else "received",
                    public_consent=False,
                    calendar_estimated=False,
                    escalation_count=0,
                    created_at=now,
                    updated_at=now,
                )
            )
    actors = [Actor("甲", role, "SFJ" if role == "department" else None) for role in ROLE_TABLE]
    actors += [Actor("无部门", "department"), Actor("未知", "system:routing"), Actor("未知", "nobody")]
    seen = set()
    for actor in actors:
        with services.db.read() as session:
            listed = set(
                session.scalars(filtered(InquiryFilter(), actor, now, now).with_only_columns(Inquiry.id))
            )
            admitted = {r.id for r in session.scalars(select(Inquiry)) if InquiryService._visible(r, actor)}
        assert listed == admitted, actor.role
        seen.add(frozenset(listed))
    assert len(seen) == 7  # all, SFJ's, 12345's, the website's, the window's, 12348's, none
