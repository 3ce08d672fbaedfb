from __future__ import annotations

import re

import pytest
from werkzeug.exceptions import (
    BadGateway,
    Conflict,
    InternalServerError,
    ServiceUnavailable,
    TooManyRequests,
)

from gateway.domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from gateway.web import base
from tests.web.conftest import post

ENGLISH = ("Not Found", "Method Not Allowed", "Bad Request", "Forbidden", "Internal Server Error", '"code"')


def _chinese_page(response, code: int, title: str) -> str:
    assert response.status_code == code
    assert response.mimetype == "text/html"
    text = response.text
    assert f"<h1>{code} · {title}</h1>" in text
    assert '<html lang="zh-CN">' in text
    for word in ENGLISH:
        assert word not in text
    return text


@pytest.mark.parametrize(
    "path",
    [
        "/console/inquiries/abc",
        "/console/nope",
        "/console/inquiries/99999999999999999999",  # past the id converter's maximum
        "/console/supervisor/dead-letters/abc/resend",
    ],
)
def test_an_unknown_console_address_is_a_chinese_page_in_the_console_layout(as_role, path):
    client = as_role("op01")
    text = _chinese_page(client.get(path), 404, "页面不存在")
    # The logged-in layout: navigation and the logout button, as on every other page.
    assert "诉求队列" in text and "退出" in text and "话务员张丽" in text
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', text)


def test_a_missing_inquiry_is_a_chinese_404(as_role):
    text = _chinese_page(as_role("op01").get("/console/inquiries/424242"), 404, "页面不存在")
    assert "记录不存在" in text


def test_a_wrong_method_is_a_chinese_405_that_keeps_allow(as_role):
    response = as_role("op01").get("/console/inquiries/1/act/reply")
    _chinese_page(response, 405, "请求方式不允许")
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}


def test_a_logged_out_visitor_gets_the_same_chinese_page(app):
    text = _chinese_page(app.test_client().get("/console/nope"), 404, "页面不存在")
    assert "返回工作台" in text and "退出" not in text


def test_forbidden_and_csrf_pages_are_chinese(as_role):
    client = as_role("dept01")
    _chinese_page(client.get("/console/supervisor"), 403, "无权访问")
    _chinese_page(client.post("/console/inquiries/1/act/reply", data={}), 400, "页面已过期")


def test_a_body_over_the_limit_is_a_chinese_413(as_role, settings):
    client = as_role("op01")
    big = "x" * (settings.max_body_bytes + 1)
    response = post(client, "/console/inquiries/new", {"content": big})
    _chinese_page(response, 413, "内容过大")


def test_an_unexpected_error_is_a_chinese_500(as_role, services, monkeypatch):
    client = as_role("op01")

    def broken(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services.inquiries, "find", broken)
    text = _chinese_page(client.get("/console/inquiries"), 500, "系统错误")
    assert "database on fire" not in text


@pytest.mark.parametrize(
    "error", [Conflict(), TooManyRequests(), InternalServerError(), BadGateway(), ServiceUnavailable()]
)
def test_any_other_http_error_of_a_console_view_is_a_chinese_page(app, error):
    with app.test_request_context("/console/inquiries"):
        response = base._http_error(error)
    code, html = response.status_code, response.get_data(as_text=True)
    assert code == error.code
    title = re.search(rf"<h1>{code} · (.+?)</h1>", html)
    assert title is not None and re.fullmatch(r"[\u4e00-\u9fff]+", title.group(1))
    assert error.name not in html and error.description not in html


def test_the_api_keeps_its_json_errors(app):
    client = app.test_client()
    for path in ("/api/v1/nope", "/api/v1/inquiries/abc"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "application/json"
        assert response.json["code"] == 404 and response.json["status"] == "Not Found"
    wrong = client.delete("/api/v1/inquiries")
    assert wrong.status_code == 405 and wrong.mimetype == "application/json"
    assert wrong.json["status"] == "Method Not Allowed" and "GET" in wrong.headers["Allow"]
    # Outside both: the app's JSON shape as before.
    assert client.get("/nope").mimetype == "application/json"


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (NotFound("inquiry 5 not found"), 404, "记录不存在，或您无权查看。"),
        (Forbidden("role 'operator' may not x"), 403, "您的角色无权执行此操作。"),
        (InvalidTransition("closed", "reply", ["reopen"]), 409, "当前状态「已办结」下不能「答复」"),
        (
            InvalidInput("workdays", "an extension may add at most 10 working days"),
            400,
            "延期最多 10 个工作日",
        ),
    ],
)
def test_a_refusal_a_page_does_not_catch_keeps_its_meaning(
    as_role, services, monkeypatch, error, code, words
):
    client = as_role("op01")

    def refused(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(services.inquiries, "find", refused)
    response = client.get("/console/inquiries")
    assert response.status_code == code and response.mimetype == "text/html"
    assert response.text.count(words) == 1 and str(error) not in response.text
