"""An external system's failure reaching the API: 502 (refused) or 504 (no answer), in the one error shape."""

from __future__ import annotations

import pytest

from gateway.domain.errors import UpstreamError, UpstreamTimeout


@pytest.fixture
def failing(app):
    # A view whose service call failed upstream, as one calling an adapter synchronously would.
    failures = {
        "refused": UpstreamError("hotline", "HTTP 500", retryable=True, status=500, body="林建华"),
        "throttled": UpstreamError("website", "HTTP 429", retryable=True, status=429, retry_after=30),
        "timeout": UpstreamTimeout("hotline"),
    }

    def fail(kind: str) -> None:
        raise failures[kind]

    app.add_url_rule("/api/v1/_upstream/<kind>", "upstream_failure", fail)
    return app.test_client()


def assert_hotline_failure(response, code: int, status: str, message: str) -> None:
    """The one error shape: the HTTP status, the hotline named, retryable."""
    assert response.status_code == code
    assert response.get_json() == {
        "code": code,
        "status": status,
        "message": message,
        "errors": {"system": "hotline", "retryable": True},
    }


def test_a_refusal_is_502_naming_the_system_without_its_body(failing):
    response = failing.get("/api/v1/_upstream/refused")
    assert_hotline_failure(response, 502, "Bad Gateway", "hotline did not take the request")
    assert "Retry-After" not in response.headers
    assert "林建华" not in response.get_data(as_text=True)


def test_a_throttled_upstream_passes_on_when_to_try_again(failing):
    response = failing.get("/api/v1/_upstream/throttled")
    assert response.status_code == 502
    assert response.get_json()["errors"] == {"system": "website", "retryable": True}
    assert response.headers["Retry-After"] == "30"


def test_no_answer_in_time_is_504(failing):
    response = failing.get("/api/v1/_upstream/timeout")
    assert_hotline_failure(response, 504, "Gateway Timeout", "hotline did not answer in time")
