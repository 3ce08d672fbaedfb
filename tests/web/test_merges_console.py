"""并单 on the console without a browser: the panel by role, refusals told in Chinese."""

from __future__ import annotations

from gateway.domain.access import Actor
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
