from __future__ import annotations

from sqlalchemy import select

from gateway.domain.access import Actor
from gateway.persistence.models import AuditEntry
from tests.conftest import inquiry_payload
from tests.web.conftest import flashes, post

ADMIN = Actor("测试管理员", "admin")
FORM = {
    "citizen_phone": "13905911234",
    "citizen_name": "林建华",
    "kind": "consult",
    "title": "办证咨询",
    "content": "来电人咨询户外广告设置需要什么手续。",
    "district": "临江街道",
}


def test_citizens_are_masked_on_the_queue_and_the_inquiry_page(as_role, services):
    view, _ = services.inquiries.intake(inquiry_payload(), ADMIN)
    client = as_role("op01")
    for page in (client.get("/console/inquiries"), client.get(f"/console/inquiries/{view.id}")):
        assert page.status_code == 200
        assert "林**" in page.text and "139****1234" in page.text
        assert (
            "林建华" not in page.text
            and "13905911234" not in page.text
            and "350104198805061234" not in page.text
        )


def test_reveal_shows_the_data_once_and_writes_the_audit_log(as_role, services):
    view, _ = services.inquiries.intake(inquiry_payload(), ADMIN)
    client = as_role("op01")
    too_short = post(client, f"/console/inquiries/{view.id}/reveal", {"reason": "x"})
    assert too_short.status_code == 302
    revealed = post(client, f"/console/inquiries/{view.id}/reveal", {"reason": "回访需核实来电人身份"})
    assert revealed.status_code == 200
    assert "林建华" in revealed.text and "13905911234" in revealed.text and "已记入审计" in revealed.text
    assert revealed.headers["Cache-Control"] == "no-store"
    with services.db.read() as session:
        entries = session.scalars(select(AuditEntry)).all()
    assert [(e.actor, e.action, e.subject_id, e.reason) for e in entries] == [
        ("话务员张丽[op01]", "reveal_pii", str(view.id), "回访需核实来电人身份")
    ]
    assert "林建华" not in client.get(f"/console/inquiries/{view.id}").text  # once: masked again after
    department = as_role("dept01")
    assert "查看完整信息" not in department.get(f"/console/inquiries/{view.id}").text
    assert post(department, f"/console/inquiries/{view.id}/reveal", {"reason": "想看看"}).status_code == 403


def test_logging_a_call_and_dispatching_it_shows_a_timer(as_role):
    client = as_role("op01")
    assert "知识库" in client.get("/console/inquiries/new").text
    response = post(client, "/console/inquiries/new", {**FORM, "mode": "dispatch", "department": "CGJ"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert flashes(page.text)[-1].startswith("已登记 SQ2026112300000001（已派单）")
    assert "区城市管理局" in page.text and 'class="timer timer-normal"' in page.text and "剩余" in page.text


def test_the_operator_changes_the_rules_dispatch(as_role, services):
    client = as_role("op01")
    form = {**FORM, "title": "法律援助", "content": "咨询法律援助", "mode": "dispatch", "department": "RSJ"}
    post(client, "/console/inquiries/new", form)
    events = services.inquiries.events(1, ADMIN)
    # What the operator chose is what happens: one dispatch, theirs (tests/web/test_intake_dispatch.py).
    assert [(e.action, e.actor_role, e.data.get("department")) for e in events] == [
        ("intake", "operator", None),
        ("dispatch", "operator", "RSJ"),
    ]


def test_a_consult_answered_on_the_call_is_closed(as_role, services):
    client = as_role("op01")
    response = post(
        client,
        "/console/inquiries/new",
        {
            **FORM,
            "mode": "reply",
            "public_consent": "1",
            "instant_reply": "户外广告设置请到区城管局窗口办理。",
        },
    )
    page = client.get(response.headers["Location"])
    assert "已办结" in page.text
    view = services.inquiries.get(1, ADMIN)
    assert (view.status, view.public_reply) == ("closed", "户外广告设置请到区城管局窗口办理。")


def test_a_bad_form_is_answered_in_chinese_and_kept(as_role):
    client = as_role("op01")
    response = post(
        client, "/console/inquiries/new", {**FORM, "citizen_phone": "abc", "content": "", "mode": "save"}
    )
    assert response.status_code == 422
    assert (
        "请检查：" in response.text
        and "联系电话（格式不正确）" in response.text
        and "诉求内容（必填）" in response.text
    )
    assert 'value="林建华"' in response.text
    missing = post(client, "/console/inquiries/new", {**FORM, "mode": "dispatch"})
    assert missing.status_code == 422 and "派单须选择承办单位" in missing.text


def test_actions_from_the_inquiry_page_and_refusals_as_messages(as_role, services):
    view, _ = services.inquiries.intake(inquiry_payload(title="户外广告", content="咨询户外广告"), ADMIN)
    assert view.status == "received"
    client = as_role("op01")
    done = post(
        client, f"/console/inquiries/{view.id}/act/dispatch", {"department": "CGJ", "co_departments": "ZJJ"}
    )
    page = client.get(done.headers["Location"])
    assert "已派单：" in flashes(page.text)[0]
    assert services.inquiries.get(view.id, ADMIN).co_departments == ["ZJJ"]
    refused = post(client, f"/console/inquiries/{view.id}/act/close", {})
    messages = flashes(client.get(refused.headers["Location"]).text)
    assert messages == ["您的角色无权执行此操作。"] or messages[0].startswith(
        "当前状态「已派单」下不能「办结」"
    )
    bad = post(
        client, f"/console/inquiries/{view.id}/act/callback", {"satisfaction": "great", "solved": "maybe"}
    )
    assert "满意度（取值无效）" in flashes(client.get(bad.headers["Location"]).text)[0]
    assert post(client, f"/console/inquiries/{view.id}/act/fly", {}).status_code == 404
    assert client.get("/console/inquiries/999").status_code == 404


def test_callback_with_the_five_levels(as_role, services):
    view, _ = services.inquiries.intake(inquiry_payload(title="户外广告", content="咨询户外广告"), ADMIN)
    services.inquiries.act(
        view.id,
        __import__("gateway.domain.lifecycle", fromlist=["Action"]).Action.REPLY,
        {"note": "已答复"},
        ADMIN,
    )
    client = as_role("op01")
    page = client.get(f"/console/inquiries/{view.id}")
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert label in page.text
    post(
        client, f"/console/inquiries/{view.id}/act/callback", {"satisfaction": "dissatisfied", "solved": "0"}
    )
    assert services.inquiries.get(view.id, ADMIN).satisfaction == "dissatisfied"


def test_knowledge_panel_finds_catalog_items_and_past_replies(as_role, items, services):
    view, _ = services.inquiries.intake(inquiry_payload(title="户外广告", content="咨询户外广告"), ADMIN)
    from gateway.domain.lifecycle import Action

    services.inquiries.act(
        view.id, Action.REPLY, {"note": "已答复", "public_reply": "法律援助到区司法局申请。"}, ADMIN
    )
    client = as_role("op01")
    data = client.get(
        "/console/inquiries/knowledge.json", query_string={"q": "申请法律援助需要准备哪些材料"}
    ).json
    assert data["items"][0]["name"] == "法律援助申请"
    assert data["replies"][0]["public_reply"] == "法律援助到区司法局申请。"
    assert (
        client.get("/console/inquiries/knowledge.json", query_string={"q": "flyz"}).json["items"][0]["name"]
        == "法律援助申请"
    )
    suggestion = client.get(
        "/console/inquiries/suggest.json", query_string={"kind": "consult", "content": "法律援助怎么申请"}
    ).json["suggestion"]
    assert (suggestion["department"], suggestion["rule"]) == ("SFJ", "法律服务")


def test_a_department_acknowledges_and_replies_from_the_page(as_role, services):
    view, _ = services.inquiries.intake(inquiry_payload(), ADMIN)  # 法律服务 -> SFJ
    client = as_role("dept01")
    assert view.number in client.get("/console/inquiries").text
    post(client, f"/console/inquiries/{view.id}/act/acknowledge", {})
    post(
        client,
        f"/console/inquiries/{view.id}/act/reply",
        {"note": "已电话告知所需材料", "public_reply": "请携带身份证。"},
    )
    assert services.inquiries.get(view.id, ADMIN).status == "replied"
    other, _ = services.inquiries.intake(
        inquiry_payload(title="噪音", content="工地噪音", kind="complaint"), ADMIN
    )
    assert client.get(f"/console/inquiries/{other.id}").status_code == 404  # another department's
