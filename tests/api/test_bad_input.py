from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gateway.persistence.models import Inquiry
from tests.conftest import inquiry_payload

URL = "/api/v1/inquiries"


def count(services):
    with services.db.read() as session:
        return session.scalar(select(func.count()).select_from(Inquiry))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "gossip"}, "kind"),
        ({"channel": "fax"}, "channel"),
        ({"content": ""}, "content"),
        ({"content": 42}, "content"),
        ({"public_consent": "maybe"}, "public_consent"),
        ({"citizen": {"name": "林", "phone": "not a phone"}}, "citizen"),
        ({"citizen": "林建华"}, "citizen"),
        ({"external_id": "x" * 65}, "external_id"),
        ({"surprise": True}, "surprise"),
        ({"content": "零\x00字节"}, "content"),
        ({"title": "\u0007响铃"}, "title"),
        ({"content": "a" * 20001}, "content"),
    ],
)
def test_bad_fields_get_422_naming_the_field_and_store_nothing(client, auth, services, change, field):
    response = client.post(URL, json=inquiry_payload(**change), headers=auth["operator"])
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422 and field in body["errors"]["json"]
    assert count(services) == 0


def test_missing_required_fields_are_all_named(client, auth):
    response = client.post(URL, json={}, headers=auth["operator"])
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"channel", "kind", "content", "citizen"}


def test_not_json_is_rejected(client, auth, services):
    for data, content_type in (
        ("{not json", "application/json"),
        ("[]", "application/json"),
        ("a=b", "text/plain"),
    ):
        response = client.post(URL, data=data, content_type=content_type, headers=auth["operator"])
        assert response.status_code in (400, 415, 422), data
        assert response.get_json()["code"] == response.status_code
    assert count(services) == 0


def test_huge_body_is_refused_before_parsing(client, auth, services):
    response = client.post(URL, json=inquiry_payload(content="长" * 600_000), headers=auth["operator"])
    assert response.status_code == 413
    assert response.get_json()["status"] == "Request Entity Too Large"
    assert count(services) == 0


def test_odd_unicode_and_sql_looking_text_are_stored_verbatim(client, auth):
    content = "Robert'); DROP TABLE inquiries;-- 𠀀𪚥 ‮反向‬ e\u0301 👨‍👩‍👧 \t换行\n"
    response = client.post(URL, json=inquiry_payload(content=content), headers=auth["operator"])
    assert response.status_code == 201
    fetched = client.get(f"{URL}/{response.get_json()['id']}", headers=auth["operator"]).get_json()
    assert fetched["content"] == content


def test_lone_surrogates_are_rejected(client, auth, services):
    raw = (
        '{"channel":"hotline","kind":"consult","content":"\\ud800",'
        '"citizen":{"name":"林","phone":"13905911234"}}'
    )
    response = client.post(URL, data=raw, content_type="application/json", headers=auth["operator"])
    assert response.status_code == 422
    assert "content" in response.get_json()["errors"]["json"]
    assert count(services) == 0


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"overdue": "perhaps"},
        {"created_from": "yesterday"},
        {"page": "0"},
        {"page_size": "1000"},
        {"q": "\x00"},
    ],
)
def test_bad_list_filters_get_422(client, auth, query):
    response = client.get(URL, query_string=query, headers=auth["operator"])
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"]


def test_a_page_far_past_the_end_is_empty(client, auth):
    response = client.get(URL, query_string={"page": "99999999999999999999999"}, headers=auth["operator"])
    assert response.status_code == 200 and response.get_json() == []


def test_huge_ids_are_404_not_500(client, auth):
    assert client.get(f"{URL}/99999999999999999999999", headers=auth["operator"]).status_code == 404
    assert client.get(f"{URL}/9223372036854775807", headers=auth["operator"]).status_code == 404


def test_405_names_the_allowed_methods(client, auth):
    response = client.delete(URL, headers=auth["operator"])
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.get_json()["code"] == 405


def test_wrong_types_in_action_bodies(client, auth):
    created = client.post(URL, json=inquiry_payload(), headers=auth["operator"]).get_json()
    client.post(f"{URL}/{created['id']}/acknowledge", json={}, headers=auth["department"])
    response = client.post(
        f"{URL}/{created['id']}/request-extension",
        json={"workdays": "5", "reason": "x"},
        headers=auth["department"],
    )
    assert response.status_code == 422 and "workdays" in response.get_json()["errors"]["json"]
    response = client.post(
        f"{URL}/{created['id']}/callback",
        json={"satisfaction": "开心", "solved": True},
        headers=auth["operator"],
    )
    assert response.status_code == 422 and "satisfaction" in response.get_json()["errors"]["json"]


def test_calendar_deadline_endpoint(client, auth):
    response = client.get(
        "/api/v1/calendar/deadline",
        query_string={"start": "2026-09-30T09:00:00+08:00", "workdays": 3},
        headers=auth["window"],
    )
    assert response.status_code == 200
    body = response.get_json()
    # National Day 2026-10-01..07 is off; Oct 8, 9 and the adjusted Saturday Oct 10 are working days.
    assert body == {
        "start": "2026-09-30T09:00:00+08:00",
        "workdays": 3,
        "deadline": "2026-10-10T23:59:59+08:00",
        "calendar_estimated": False,
    }
    late = client.get(
        "/api/v1/calendar/deadline",
        query_string={"start": "2026-12-29T09:00:00", "workdays": 13},
        headers=auth["window"],
    ).get_json()
    assert late["calendar_estimated"] is True
    bad = client.get(
        "/api/v1/calendar/deadline", query_string={"start": "2026-12-29"}, headers=auth["window"]
    )
    assert bad.status_code == 422 and "workdays" in bad.get_json()["errors"]["query"]
    far = client.get(
        "/api/v1/calendar/deadline",
        query_string={"start": "9999-12-30T00:00:00+08:00", "workdays": 900},
        headers=auth["window"],
    )
    assert far.status_code == 422


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    from gateway.persistence.migrate import head_revision

    assert (
        ready.get_json()["migrations"]["current"] == ready.get_json()["migrations"]["head"] == head_revision()
    )


def test_readiness_fails_when_migrations_are_behind(tmp_path, clock):
    from gateway import create_app
    from tests.conftest import settings_for

    app = create_app(settings_for(f"sqlite:///{tmp_path}/empty.db"), clock=clock, TESTING=True)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["migrations"]["current"] is None
    app.extensions["gateway"].db.dispose()


def test_openapi_spec_and_docs_are_served(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/inquiries/{inquiry_id}/request-extension" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"/api/docs/static/swagger-ui-bundle.js" in docs.data
    assert client.get("/api/docs/static/swagger-ui-bundle.js").status_code == 200
