from __future__ import annotations

from sqlalchemy import select

from gateway.domain.access import Actor
from gateway.persistence.models import AuditEntry
from tests.web.conftest import flashes, post
from tests.web.seed import FOOD, LEGAL_AID

BACK_OFFICE = Actor("司法局审批系统", "system:department")
APPLICANT = {
    "applicant_name": "陈晓燕",
    "applicant_phone": "13805912345",
    "applicant_id_number": "350104198805061234",
    "window": "综合窗口3号",
}
ALL_LEGAL_AID = ["居民身份证", "法律援助申请表", "经济困难状况说明"]


def test_item_search_by_pinyin_initials_text_and_code(as_role, items):
    client = as_role("win01")
    for query in ("flyz", "法律援助", LEGAL_AID[:12]):
        page = client.get("/console/window/items", query_string={"q": query})
        assert page.status_code == 200 and "法律援助申请" in page.text, query
    guide = client.get(f"/console/window/items/{LEGAL_AID}")
    for text in (
        "办事指南",
        "经济困难状况说明",
        "核心要件",
        "可容缺",
        "承诺办结时限",
        "7 个工作日",
        "不收费",
        "支持容缺受理",
    ):
        assert text in guide.text, text


def test_accept_with_one_material_owed_then_supplement_pickup_and_rating(as_role, items, services):
    client = as_role("win01")
    accepted = post(
        client,
        f"/console/window/items/{LEGAL_AID}/accept",
        {**APPLICANT, "material": ["居民身份证", "法律援助申请表"]},
    )
    assert accepted.status_code == 302
    page = client.get(accepted.headers["Location"])
    message = flashes(page.text)[0]
    assert message.startswith(
        "已受理，受理编号 SL2026112300000001（容缺受理：经济困难状况说明 须在 2026-11-30 前补齐）"
    )
    assert "陈**" in page.text and "陈晓燕" not in page.text and "容缺补齐期限" in page.text
    receipt = client.get("/console/window/applications/1/receipt")
    assert "受理回执" in receipt.text and "经济困难状况说明" in receipt.text and "data-print" in receipt.text

    post(client, "/console/window/applications/1/supplement", {"material": f"{LEGAL_AID}::经济困难状况说明"})
    assert services.applications.get(1, Actor("t", "admin"))["incomplete"] is False
    task = services.applications.get(1, Actor("t", "admin"))["tasks"][0]
    services.applications.task_status(
        {"task_id": task["id"], "status": "granted", "result_no": "FY-1"}, BACK_OFFICE
    )
    post(client, "/console/window/applications/1/prepare", {})
    post(client, "/console/window/applications/1/pickup", {"collected_by": "陈晓燕"})
    page = client.get("/console/window/applications/1")
    assert "已出件" in page.text and "好差评" in page.text
    post(client, "/console/window/applications/1/evaluation", {"level": "very_satisfied", "comment": "很快"})
    page = client.get("/console/window/applications/1")
    assert "已记录评价：非常满意" in flashes(page.text)
    assert "提交评价" not in page.text  # one rating per visit
    assert "〔非常满意〕" in page.text


def test_a_missing_key_material_or_no_rongque_is_refused_in_chinese(as_role, items):
    client = as_role("win01")
    key_missing = post(
        client, f"/console/window/items/{LEGAL_AID}/accept", {**APPLICANT, "material": ["法律援助申请表"]}
    )
    assert key_missing.status_code == 422
    assert "缺少核心要件：居民身份证" in key_missing.text
    assert 'value="陈晓燕"' in key_missing.text  # the form is kept
    no_rongque = post(client, f"/console/window/items/{FOOD}/accept", {**APPLICANT, "material": ["营业执照"]})
    assert no_rongque.status_code == 422 and "该事项不支持容缺受理" in no_rongque.text
    assert client.get("/console/window/items/NO-SUCH-ITEM").status_code == 404


def test_tracking_list_filters_and_exports(as_role, items):
    client = as_role("win01")
    post(
        client,
        f"/console/window/items/{FOOD}/accept",
        {**APPLICANT, "material": ["营业执照", "食品经营许可申请书"]},
    )
    listing = client.get("/console/window/applications", query_string={"q": "SL2026"})
    assert "食品经营许可(新办)" in listing.text and "13805912345" not in listing.text
    assert (
        "食品经营许可"
        not in client.get("/console/window/applications", query_string={"status": "delivered"}).text
    )
    assert client.get("/console/window/applications/1/pickup").status_code == 405


def test_counter_inquiry_is_logged_with_channel_window(as_role, services):
    client = as_role("win01")
    response = post(
        client,
        "/console/window/inquiry",
        {
            "citizen_phone": "18650012345",
            "citizen_name": "黄志明",
            "kind": "suggestion",
            "content": "建议周六增开综合窗口",
            "mode": "save",
        },
    )
    assert response.status_code == 302
    view = services.inquiries.get(1, Actor("t", "admin"))
    assert (view.channel, view.kind) == ("window", "suggestion")


def test_the_applicant_is_revealed_once_for_a_reason_and_audited(as_role, items, services):
    client = as_role("win01")
    post(client, f"/console/window/items/{LEGAL_AID}/accept", {**APPLICANT, "material": ALL_LEGAL_AID})
    page = client.get("/console/window/applications/1")
    assert "陈**" in page.text and "13805912345" not in page.text and "查看完整信息" in page.text
    too_short = post(client, "/console/window/applications/1/reveal", {"reason": "x"})
    assert too_short.status_code == 302
    revealed = post(client, "/console/window/applications/1/reveal", {"reason": "通知申请人领取结果"})
    assert revealed.status_code == 200 and revealed.headers["Cache-Control"] == "no-store"
    for shown in ("陈晓燕", "13805912345", "350104198805061234", "已记入审计"):
        assert shown in revealed.text, shown
    with services.db.read() as session:
        entries = session.scalars(select(AuditEntry)).all()
    assert [(e.actor, e.action, e.subject_type, e.subject_id, e.reason) for e in entries] == [
        ("窗口李明[win01]", "reveal_pii", "application", "1", "通知申请人领取结果")
    ]
    assert "陈晓燕" not in client.get("/console/window/applications/1").text  # masked again after
    department = as_role("dept01")  # may read the application, not the applicant's data
    assert "查看完整信息" not in department.get("/console/window/applications/1").text
    assert post(department, "/console/window/applications/1/reveal", {"reason": "想看看"}).status_code == 403
    operator = as_role("op01")  # may see citizens' data, not the window's applications
    assert post(operator, "/console/window/applications/1/reveal", {"reason": "想看看"}).status_code == 403
    with services.db.read() as session:
        assert len(session.scalars(select(AuditEntry)).all()) == 1
