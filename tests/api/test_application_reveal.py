"""POST /api/v1/applications/{id}/reveal: the applicant's data in full, for a reason, audited."""

from __future__ import annotations

from sqlalchemy import func, select

from gateway.persistence.models import AuditEntry
from tests.conftest import audit_rows
from tests.web.seed import LEGAL_AID, seed_items

URL = "/api/v1/applications"
APPLICANT = {"name": "陈晓燕", "phone": "13805912345", "id_number": "350104198805061234"}


def accept(client, auth, services):
    seed_items(services)
    body = {
        "item_codes": [LEGAL_AID],
        "applicant": APPLICANT,
        "materials": {LEGAL_AID: ["居民身份证", "法律援助申请表", "经济困难状况说明"]},
        "window": "综合窗口3号",
    }
    response = client.post(URL, json=body, headers=auth["window"])
    assert response.status_code == 201, response.get_json()
    app = response.get_json()
    assert app["applicant"] == {
        "name": "陈**",
        "phone": "138****2345",
        "id_number": "350104********1234",
        "masked": True,
    }
    return app


audit = audit_rows


def test_reveal_gives_the_applicant_in_full_and_writes_the_audit_log(client, auth, services):
    app = accept(client, auth, services)
    for role in ("window", "supervisor"):
        response = client.post(
            f"{URL}/{app['id']}/reveal", json={"reason": "通知申请人领取结果"}, headers=auth[role]
        )
        assert response.status_code == 200
        assert response.get_json() == {**APPLICANT, "masked": False}
    assert audit(services) == [
        ("窗口乙", "reveal_pii", "application", str(app["id"]), "通知申请人领取结果"),
        ("督办员", "reveal_pii", "application", str(app["id"]), "通知申请人领取结果"),
    ]
    again = client.get(f"{URL}/{app['id']}", headers=auth["window"]).get_json()
    assert again["applicant"]["masked"] is True  # the application itself stays masked


def test_reveal_needs_both_permissions_a_reason_and_an_application(client, auth, services):
    app = accept(client, auth, services)
    path = f"{URL}/{app['id']}/reveal"
    department = client.post(path, json={"reason": "想看看"}, headers=auth["department"])
    assert department.status_code == 403 and "pii:read" in department.get_json()["message"]
    operator = client.post(path, json={"reason": "想看看"}, headers=auth["operator"])  # PII, not 办件
    assert operator.status_code == 403 and "application:read" in operator.get_json()["message"]
    no_reason = client.post(path, json={}, headers=auth["window"])
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]["json"]
    missing = client.post(f"{URL}/999/reveal", json={"reason": "核实身份"}, headers=auth["window"])
    assert missing.status_code == 404
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
