"""Every Excel export writes one audit row (who, which list, the filters, how many rows); free text in
an export is redacted as on the website; the dead-letter page shows no personal data."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from sqlalchemy import select, update

from gateway.domain.access import Actor
from gateway.persistence.models import AuditEntry, OutboxMessage
from tests.conftest import inquiry_payload
from tests.web.seed import LEGAL_AID

ADMIN = Actor("测试管理员", "admin")
HOTLINE = Actor("12345平台", "system:hotline")
WEBSITE = Actor("网站互动系统", "system:website")
APPLICANT = {"name": "陈晓燕", "phone": "13805912345", "id_number": "350104198805061234"}


@pytest.fixture
def traffic(services, clock, items):
    """Three inquiries (one from the website about a lift, overdue by the end) and one application."""
    services.inquiries.intake(inquiry_payload(external_id="A", title="欠薪", content="公司拖欠工资"), HOTLINE)
    services.inquiries.intake(
        inquiry_payload(
            channel="website", external_id="B", kind="complaint", title="电梯坏了", content="小区电梯坏了"
        ),
        WEBSITE,
    )
    services.inquiries.intake(
        inquiry_payload(external_id="C", title="户外广告", content="户外广告怎么设置"), HOTLINE
    )
    clock.advance(days=30)
    services.applications.accept(
        {
            "item_codes": [LEGAL_AID],
            "applicant": APPLICANT,
            "materials": {LEGAL_AID: ["居民身份证", "法律援助申请表", "经济困难状况说明"]},
            "window": "综合窗口3号",
        },
        ADMIN,
    )


def book(response):
    assert response.status_code == 200, response.text[:300]
    return openpyxl.load_workbook(io.BytesIO(response.data))


def data_rows(workbook):
    return sum(sheet.max_row - 1 for sheet in workbook.worksheets)


def audit_rows(services):
    with services.db.read() as session:
        return [
            (e.actor, e.actor_role, e.action, e.subject_type, e.subject_id, json.loads(e.reason or "null"))
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


EXPORTS = [
    (
        "/console/inquiries/export.xlsx?channel=website&from=2026-11-01&to=2026-11-30&q=电梯",
        "inquiries",
        {
            "channel": "website",
            "text": "电梯",
            "created_from": "2026-11-01T00:00:00+08:00",
            "created_to": "2026-12-01T00:00:00+08:00",
        },
    ),
    ("/console/inquiries/export.xlsx?tab=closed", "inquiries", {"status": ["closed"]}),
    ("/console/window/applications/export.xlsx?q=法律", "applications", {"text": "法律"}),
    ("/console/window/items/export.xlsx?q=flyz", "service_items", {"text": "flyz"}),
    (
        "/console/supervisor/overdue/export.xlsx?kind=complaint",
        "overdue_inquiries",
        {"overdue": True, "kind": "complaint", "masters_only": True},  # 并单: no children
    ),
    (
        "/console/supervisor/dead-letters/export.xlsx?target=hotline",
        "dead_letters",
        {"status": "dead", "target": "hotline"},
    ),
    ("/console/supervisor/runs/export.xlsx", "sync_runs", {}),
    ("/console/supervisor/runs/export.xlsx?kind=jobs", "job_runs", {}),
    ("/console/admin/users/export.xlsx", "staff_accounts", {}),
    ("/console/supervisor/monthly.xlsx?month=2026-11", "monthly_statistics", {"month": "2026-11"}),
]


@pytest.mark.parametrize(("path", "listing", "filters"), EXPORTS, ids=[e[0].split("?")[0] for e in EXPORTS])
def test_each_export_writes_one_audit_row(as_role, services, traffic, path, listing, filters):
    workbook = book(as_role("admin").get(path))
    assert audit_rows(services) == [
        (
            "管理员[admin]",
            "admin",
            "export",
            "list",
            listing,
            {"filters": filters, "rows": data_rows(workbook)},
        )
    ]


def test_the_audit_row_counts_the_exported_rows_and_names_who(as_role, services, traffic):
    workbook = book(as_role("sup01").get("/console/inquiries/export.xlsx"))
    assert data_rows(workbook) == 3
    assert audit_rows(services) == [
        ("督办员陈刚[sup01]", "supervisor", "export", "list", "inquiries", {"filters": {}, "rows": 3})
    ]


def test_a_search_for_a_phone_number_is_redacted_in_the_audit_row(as_role, services, traffic):
    book(as_role("admin").get("/console/inquiries/export.xlsx", query_string={"q": "13905911234"}))
    [(_, _, _, _, _, details)] = audit_rows(services)
    assert details == {"filters": {"text": "139****1234"}, "rows": 0}


def test_free_text_is_redacted_with_the_citizens_own_name_and_masked_columns_stay_masked(
    as_role, services, clock
):
    services.inquiries.intake(
        inquiry_payload(
            external_id="R-1",
            kind="complaint",
            title="林建华投诉噪声",
            content="我是林建华，手机13812345678，身份证350104198805061234，工地夜间施工。",
        ),
        HOTLINE,
    )
    clock.advance(days=30)
    client = as_role("admin")
    for path in ("/console/inquiries/export.xlsx", "/console/supervisor/overdue/export.xlsx"):
        sheet = book(client.get(path)).active
        headers = [c.value for c in sheet[1]]
        row = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
        assert row["标题"] == "林**投诉噪声", path
        text = json.dumps(row, ensure_ascii=False, default=str)
        for secret in ("林建华", "13812345678", "350104198805061234", "13905911234"):
            assert secret not in text, (path, secret)
    queue = book(client.get("/console/inquiries/export.xlsx")).active
    row = dict(zip([c.value for c in queue[1]], [c.value for c in queue[2]], strict=True))
    assert row["内容"] == "我是林**，手机138****5678，身份证350104********1234，工地夜间施工。"
    assert (row["来电人"], row["联系电话"]) == ("林**", "139****1234")


def test_phone_spellings_in_free_text_are_redacted_in_the_export(as_role, services):
    services.inquiries.intake(
        inquiry_payload(external_id="R-2", content="请回电139-1234-5678或+86 139 5555 7777。"), HOTLINE
    )
    sheet = book(as_role("admin").get("/console/inquiries/export.xlsx")).active
    content = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("内容") + 1).value
    digits = "".join(ch for ch in content if ch.isdigit())
    assert "12345678" not in digits and "55557777" not in digits, content


def test_the_citizens_own_number_is_redacted_however_it_is_written(as_role, services):
    # A local number alone is no pattern: only the inquiry's own stored phone says it is the citizen's.
    services.inquiries.intake(
        inquiry_payload(
            external_id="R-3",
            citizen={"name": "郑美玲", "phone": "0591-83456789"},
            content="郑美玲说家里电话8345 6789白天没人接。",
        ),
        HOTLINE,
    )
    sheet = book(as_role("admin").get("/console/inquiries/export.xlsx")).active
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert "8345" not in row["内容"] and "郑美玲" not in row["内容"], row["内容"]


def test_the_dead_letter_page_and_export_show_no_personal_data(as_role, services, traffic):
    with services.db.unit_of_work() as session:
        message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(
                status="dead", attempts=8, last_error='HTTP 400; response: {"msg":"林建华 13905911234 无效"}'
            )
        )
    client = as_role("sup01")
    page = client.get("/console/supervisor/dead-letters")
    assert page.status_code == 200 and "无效" in page.text
    exported = book(client.get("/console/supervisor/dead-letters/export.xlsx")).active
    cells = " ".join(str(c.value) for row in exported.iter_rows() for c in row)
    for shown in (page.text, cells):
        assert "13905911234" not in shown and "林建华" not in shown
