"""并单 on the console without a browser: the panel by role, refusals told in Chinese."""

from __future__ import annotations

from gateway.domain.access import Actor
from tests.conftest import inquiry_payload
from tests.web.conftest import flashes, post
from tests.web.test_browser_merges import two_reports


def test_the_candidates_show_to_who_may_merge_and_a_refusal_is_in_chinese(app, services, as_role):
    call, message = two_reports(services)
    operator = as_role("op01")
    html = operator.get(f"/console/inquiries/{message.id}").text
    assert "疑似重复（并单）" in html and f'data-candidate-id="{call.id}"' in html
    assert "同一地址，内容相似" in html
    department = as_role("dept01")
    assert "疑似重复" not in department.get(f"/console/inquiries/{message.id}").text
    forbidden = post(
        department, f"/console/inquiries/{message.id}/merge", {"master_id": call.id, "reason": "同一"}
    )
    assert forbidden.status_code == 403

    url = f"/console/inquiries/{message.id}/merge"
    answer = post(operator, url, {"master_id": str(message.id), "reason": "同一问题"}, follow_redirects=True)
    assert "不能并单：不能并入本单" in flashes(answer.text)
    answer = post(operator, url, {"master_id": "abc", "reason": "同一问题"}, follow_redirects=True)
    assert any(m.startswith("请检查") for m in flashes(answer.text))
    assert services.inquiries.get(message.id, Actor("t", "admin")).master_id is None

    answer = post(operator, url, {"master_id": str(call.id), "reason": "同一工地"}, follow_redirects=True)
    assert any(m.startswith("已并单") for m in flashes(answer.text))
    assert services.inquiries.get(message.id, Actor("t", "admin")).master_id == call.id
    master = operator.get(f"/console/inquiries/{call.id}").text
    assert f'data-child-id="{message.id}"' in master and "子单（1）" in master


def test_a_window_clerk_opens_a_counter_inquiry_merged_into_a_12345_master_and_sees_its_number(
    services, as_role
):
    call, _ = two_reports(services)
    counter, _ = services.inquiries.intake(
        inquiry_payload(
            kind="complaint",
            channel="window",
            title="工地夜间施工噪声",
            citizen={"name": "陈秀英", "phone": "13805917777"},
        ),
        Actor("窗口", "window"),
    )
    services.inquiries.merge(counter.id, call.id, "同一工地", Actor("t", "supervisor"))
    clerk = as_role("win01")
    assert clerk.get(f"/console/inquiries/{call.id}").status_code == 404  # the 12345 master is not theirs
    page = clerk.get(f"/console/inquiries/{counter.id}")
    assert page.status_code == 200
    assert f'本单已并入主单 <span class="master-number">{call.number}</span>' in page.text
    assert f'data-master-id="{call.id}"' not in page.text  # no link to a page they may not open
    operator = as_role("op01").get(f"/console/inquiries/{counter.id}").text
    assert f'data-master-id="{call.id}">{call.number}</a>' in operator


def test_the_overdue_list_leaves_out_children_whose_督办_goes_with_their_master(services, as_role, clock):
    call, message = two_reports(services)
    services.inquiries.merge(message.id, call.id, "同一工地", Actor("t", "supervisor"))
    clock.advance(days=60)
    listing = as_role("sup01").get("/console/supervisor/overdue").text
    assert call.number in listing and message.number not in listing


def test_staff_merge_by_the_masters_number_not_its_id(app, services, as_role):
    call, message = two_reports(services)
    operator = as_role("op01")
    url = f"/console/inquiries/{message.id}/merge"
    html = operator.get(f"/console/inquiries/{message.id}").text
    assert 'name="master_number"' in html and "主单编号" in html
    unknown = post(operator, url, {"master_number": "SQ2099", "reason": "同一问题"}, follow_redirects=True)
    assert "未找到编号为 SQ2099 的诉求，或您无权查看。" in flashes(unknown.text)
    answer = post(
        operator, url, {"master_number": call.number.lower(), "reason": "同一工地"}, follow_redirects=True
    )
    assert f"已并单：{message.number} 并入主单 {call.number}，随主单办理" in flashes(answer.text)
    assert services.inquiries.get(message.id, Actor("t", "admin")).master_id == call.id


def test_a_master_that_does_not_exist_is_told_in_chinese(app, services, as_role):
    _, message = two_reports(services)
    operator = as_role("op01")
    url = f"/console/inquiries/{message.id}/merge"
    answer = post(operator, url, {"master_id": "999999", "reason": "同一问题"}, follow_redirects=True)
    assert "不能并单：找不到该主单，或您无权查看" in flashes(answer.text)
