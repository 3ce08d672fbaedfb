"""重复来电: inquiries found by the caller's phone or ID number through a keyed hash, the lookup audited,
and free-text search kept from probing for numbers."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select

from gateway.domain.caller_keys import CallerKeys, id_characters, national_phone
from gateway.persistence.models import Inquiry
from tests.conftest import audit_rows, inquiry_payload

URL = "/api/v1/inquiries"
PHONE = "13905911234"
OTHER = {"name": "王芳", "phone": "13800000001", "id_number": "350104199001011235"}


def take_in(client, headers, **overrides):
    response = client.post(URL, json=inquiry_payload(**overrides), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def numbers(client, headers, **query):
    response = client.get(URL, query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return sorted(i["number"] for i in response.get_json())


def test_phone_spellings_share_one_normal_form() -> None:
    for spelling in ("139 0591 1234", "+86 139-0591-1234", "008613905911234", "１３９０５９１１２３４"):
        assert national_phone(spelling) == PHONE
    assert national_phone("+86 591 8345 6789") == national_phone("0591-83456789") == "059183456789"
    assert national_phone("12-34") is None
    assert id_characters("350104 19880506 123x") == "35010419880506123X"


def test_the_index_holds_a_keyed_hash_never_the_number(client, auth, services) -> None:
    body = take_in(client, auth["operator"])
    with services.db.read() as session:
        row = session.get(Inquiry, body["id"])
        assert row is not None
        expected = hmac.new(b"test-caller-key", f"phone:{PHONE}".encode(), hashlib.sha256).hexdigest()
        assert row.citizen_phone_key == expected
        assert PHONE not in row.citizen_phone_key and len(row.citizen_phone_key) == 64
        assert row.citizen_id_key == CallerKeys("test-caller-key").id_number("350104198805061234")
        # Another secret gives other keys: without the server's secret the index tells nothing.
        assert CallerKeys("another").phone(PHONE) != row.citizen_phone_key


def test_list_by_phone_finds_every_channel_in_any_spelling_and_is_audited(client, auth, services) -> None:
    mine = [
        take_in(client, auth["operator"])["number"],
        take_in(
            client,
            auth["system:website"],
            channel="website",
            external_id="LY-1",
            citizen={"name": "林建华", "phone": "+86 139-0591-1234"},
        )["number"],
    ]
    take_in(client, auth["operator"], citizen=OTHER)
    before = len(audit_rows(services))
    assert numbers(client, auth["operator"], phone="139 0591 1234") == sorted(mine)
    assert numbers(client, auth["supervisor"], id_number="350104198805061234") == [mine[0]]
    entries = audit_rows(services)[before:]
    key = CallerKeys("test-caller-key")
    assert entries == [
        ("话务员甲", "lookup_caller", "caller_phone", key.phone(PHONE), "重复来电 repeat caller"),
        (
            "督办员",
            "lookup_caller",
            "caller_id",
            key.id_number("350104198805061234"),
            "重复来电 repeat caller",
        ),
    ]
    assert all(PHONE not in str(e) for e in entries)


def test_lookup_by_caller_needs_the_right_to_reveal(client, auth, services) -> None:
    take_in(client, auth["operator"])
    before = audit_rows(services)
    for role in ("department", "system:hotline", "system:website"):
        response = client.get(URL, query_string={"phone": PHONE}, headers=auth[role])
        assert response.status_code == 403, (role, response.get_json())
        assert "pii:read" in response.get_json()["message"]
    assert audit_rows(services) == before


def test_a_number_too_short_is_named(client, auth) -> None:
    response = client.get(URL, query_string={"phone": "12-34"}, headers=auth["operator"])
    assert response.status_code == 422
    assert "phone" in response.get_json()["errors"]["query"]


def test_free_text_search_does_not_probe_for_numbers(client, auth) -> None:
    body = take_in(client, auth["operator"], content=f"来电人说回电请打{PHONE}，谢谢")
    # A department key may not look a caller up; neither can it find the phone in the content by q.
    assert numbers(client, auth["supervisor"], q="回电请打") == [body["number"]]
    assert numbers(client, auth["supervisor"], q=PHONE) == []
    assert numbers(client, auth["supervisor"], q="05911") == []
    # Two digits at a time beside what the mask shows (139****1234) would spell out the rest: not searched.
    for guess in ("1390", "390", "90", "9059"):
        assert numbers(client, auth["supervisor"], q=guess) == [], guess
    assert numbers(client, auth["supervisor"], q="打1") == [body["number"]]  # one digit: the text is searched
    assert numbers(client, auth["supervisor"], q=body["number"][-10:]) == [body["number"]]


def test_caller_keys_command_keys_what_is_missing_and_rebuilds_on_request(app, client, auth, services):
    ids = [take_in(client, auth["operator"])["id"], take_in(client, auth["operator"], citizen=OTHER)["id"]]
    with services.db.unit_of_work() as session:  # as stored before migration 0010 / under an older secret
        session.get(Inquiry, ids[0]).citizen_phone_key = None
        session.get(Inquiry, ids[0]).citizen_id_key = None
        session.get(Inquiry, ids[1]).citizen_phone_key = "0" * 64
    runner = app.test_cli_runner()
    assert runner.invoke(args=["caller-keys"]).output == "1 inquiries keyed\n"
    assert runner.invoke(args=["caller-keys"]).output == "0 inquiries keyed\n"
    assert numbers(client, auth["operator"], phone=PHONE) == [take_number(services, ids[0])]
    assert numbers(client, auth["operator"], phone=OTHER["phone"]) == []  # the stale key stays
    assert runner.invoke(args=["caller-keys", "--rebuild"]).output == "2 inquiries keyed\n"
    assert numbers(client, auth["operator"], phone=OTHER["phone"]) == [take_number(services, ids[1])]


def take_number(services, inquiry_id: int) -> str:
    with services.db.read() as session:
        return session.scalars(select(Inquiry.number).where(Inquiry.id == inquiry_id)).one()


def test_a_window_clerk_finds_the_caller_only_among_counter_inquiries(client, auth, services) -> None:
    take_in(client, auth["operator"])
    counter = take_in(client, auth["window"], channel="window")
    assert numbers(client, auth["window"], phone=PHONE) == [counter["number"]]
