"""Free text in inquiry responses is redacted with the inquiry's own citizen: the full data only by reveal."""

from __future__ import annotations

from tests.conftest import inquiry_payload

CONTENT = "我是林建华，电话13805912345，身份证350104198805061234，小区门口噪音扰民。"
NOTE = "已电话联系林建华13805912345，现场核查。"


def test_a_departments_views_of_an_inquiry_never_carry_the_citizens_data(client, auth):
    body = inquiry_payload(
        content=CONTENT,
        title="林建华反映噪音",
        address="临江街道88号（联系13805912345）",
        citizen={"name": "林建华", "phone": "13805912345", "id_number": "350104198805061234"},
        dispatch={"mode": "manual", "department": "SFJ"},
    )
    created = client.post("/api/v1/inquiries", json=body, headers=auth["operator"])
    assert created.status_code == 201, created.get_json()
    inquiry_id = created.get_json()["id"]
    for action, data in (("acknowledge", {}), ("reply", {"note": NOTE, "public_reply": "已处理。"})):
        done = client.post(f"/api/v1/inquiries/{inquiry_id}/{action}", json=data, headers=auth["department"])
        assert done.status_code == 200, done.get_json()

    one = client.get(f"/api/v1/inquiries/{inquiry_id}", headers=auth["department"]).get_json()
    assert one["content"] == "我是林**，电话138****2345，身份证350104********1234，小区门口噪音扰民。"
    assert one["title"] == "林**反映噪音"
    assert one["address"] == "临江街道88号（联系138****2345）"
    assert one["reply_note"] == "已电话联系林**138****2345，现场核查。"
    listed = client.get("/api/v1/inquiries", headers=auth["department"]).get_json()
    events = client.get(f"/api/v1/inquiries/{inquiry_id}/events", headers=auth["department"]).get_json()
    assert [e["note"] for e in events if e["action"] == "reply"] == ["已电话联系林**138****2345，现场核查。"]
    for text in (str(one), str(listed), str(events)):
        for secret in ("林建华", "13805912345", "350104198805061234", "05912345"):
            assert secret not in text
    # The full data stays one audited reveal away.
    revealed = client.post(
        f"/api/v1/inquiries/{inquiry_id}/reveal", json={"reason": "回访核实"}, headers=auth["operator"]
    )
    assert revealed.get_json()["phone"] == "13805912345"
