from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from adapters.base.webhooks import new_secret, sign
from gateway import create_app
from gateway.config import Settings
from gateway.persistence.models import Inquiry, InquiryEvent, OutboxMessage, WebhookReceipt
from tests.conftest import FakeClock

SYSTEMS = ("hotline", "website", "window", "dept_hotline", "department")
SECRET = new_secret()
DEEP = 100_000


@pytest.fixture
def signed_app(settings: Settings) -> Iterator[Flask]:
    configured = dataclasses.replace(settings, webhook_secrets={name: (SECRET,) for name in SYSTEMS})
    app = create_app(configured, clock=FakeClock(), TESTING=True)
    yield app
    app.extensions["gateway"].close()


def post_signed(client: FlaskClient, system: str, body: bytes, webhook_id: str = "msg_deep") -> Any:
    headers = sign([SECRET], webhook_id, int(time.time()), body).as_dict()
    return client.post(
        f"/webhooks/{system}", data=body, headers={**headers, "Content-Type": "application/json"}
    )


def stored(app: Flask) -> tuple[int, int, int, int]:
    with app.extensions["gateway"].db.read() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model))
            for model in (Inquiry, InquiryEvent, WebhookReceipt, OutboxMessage)
        )


def said(system: str, answer: dict[str, Any]) -> str:
    """The system's own error style, checked field by field; returns the text of the reason."""
    if system == "hotline":
        assert set(answer) == {"code", "msg"} and answer["code"] == "E1003"
        return str(answer["msg"])
    if system == "website":
        assert answer["success"] is False and answer["errorCode"] == "PARAM_INVALID"
        return str(answer["errorMsg"])
    if system == "window":
        assert set(answer) == {"ret", "message"} and answer["ret"] == 1002
        return str(answer["message"])
    if system == "dept_hotline":
        assert set(answer) == {"status", "reason"} and answer["status"] == "ERROR"
        return str(answer["reason"])
    assert set(answer) == {"flag", "errcode", "msg"} and answer["flag"] == "E"
    assert answer["errcode"] == "E1001"
    return str(answer["msg"])


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_signed_body_nested_100000_deep_is_refused_in_the_system_s_style(
    signed_app: Flask, system: str
) -> None:
    client = signed_app.test_client()
    body = b'{"x": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    response = post_signed(client, system, body)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    reason = said(system, response.get_json())
    assert "嵌套超过32层" in reason
    assert stored(signed_app) == (0, 0, 0, 0)
    # the process is fine: the same id may be sent again once readable (a refusal is not remembered)
    assert post_signed(client, system, b"[]").status_code == 400


@pytest.mark.parametrize("system", SYSTEMS)
def test_ten_megabytes_of_brackets_are_refused_as_too_large_in_the_system_s_style(
    signed_app: Flask, system: str
) -> None:
    client = signed_app.test_client()
    settings = signed_app.extensions["gateway"].settings
    limit = settings.max_body_bytes
    if system in ("website", "window"):  # their pushes may carry 附件 in base64: an inquiry's worth more
        limit += settings.attachments.max_inquiry_bytes * 4 // 3
    response = post_signed(client, system, b"[" * max(10_000_000, limit + 1))
    assert response.status_code == 413
    reason = said_too_large(system, response.get_json())
    assert f"请求体超过{limit}字节" in reason
    assert stored(signed_app) == (0, 0, 0, 0)


def said_too_large(system: str, answer: dict[str, Any]) -> str:
    if system == "hotline":
        assert answer["code"] == "E1003" and answer["msg"].startswith("推送数据过大")
        return str(answer["msg"])
    if system == "window":
        assert answer["ret"] == 1013
        return str(answer["message"])
    if system == "department":
        assert answer["flag"] == "E" and answer["errcode"] == "E1013"
        return str(answer["msg"])
    return said(system, answer)


def test_a_webhook_for_an_unknown_system_is_a_404_in_the_api_shape(signed_app: Flask) -> None:
    response = signed_app.test_client().post("/webhooks/fax", data=b"{}")
    assert response.status_code == 404
    assert response.get_json() == {"code": 404, "status": "Not Found", "message": "no such system: fax"}
