"""Schemathesis over the whole served OpenAPI spec, with an admin key, under every default check.

Each API operation is its own pytest item with a fresh app and SQLite database (the conftest
fixtures); the examples of one operation share that app. A few inquiries are seeded so that
small generated ids (Hypothesis likes 0, 1, 2, ...) reach real records and lifecycle actions,
not only 404s.

No check is excluded: `not_a_server_error`, `status_code_conformance`, `content_type_conformance`,
`response_headers_conformance`, `response_schema_conformance`, `negative_data_rejection`,
`positive_data_acceptance`, `missing_required_header`, `unsupported_method`, `ignored_auth`,
`allow_header_conformance` etc. all run (the stateful-only ones are no-ops outside a stateful run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from gateway import create_app
from gateway.bootstrap import Services
from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from tests.conftest import inquiry_payload, settings_for

pytestmark = pytest.mark.slow

SPEC_PATH = "/api/v1/openapi.json"


class _CurrentApp:
    """A WSGI app that forwards to the app of the running test.

    The schema is loaded once, at collection, so that every operation becomes its own test; each
    test then points this at its own fresh app. Schemathesis also sends follow-up requests from
    its checks (without auth, with other methods, ...) through the same object.
    """

    def __init__(self) -> None:
        self.app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        assert self.app is not None, "no app for this test"
        return self.app(environ, start_response)


CURRENT = _CurrentApp()


def _load_schema() -> Any:
    # The spec needs no database: an in-memory SQLite engine is never even connected.
    spec_app = create_app(settings_for("sqlite://"), TESTING=True)
    CURRENT.app = spec_app
    try:
        return schemathesis.openapi.from_wsgi(SPEC_PATH, CURRENT)
    finally:
        CURRENT.app = None
        spec_app.extensions["gateway"].db.dispose()


schema = _load_schema()


def _seed(services: Services) -> None:
    """Inquiries 1-3: received (manual queue), dispatched by a routing rule, and closed after a bad callback."""
    admin = Actor(name="fuzz-seed", role="admin")
    services.inquiries.intake(
        inquiry_payload(external_id="FZ-1", title="路灯不亮", content="小区门口路灯坏了。", kind="help"), admin
    )
    routed, _ = services.inquiries.intake(inquiry_payload(external_id="FZ-2"), admin)
    closed, _ = services.inquiries.intake(inquiry_payload(external_id="FZ-3"), admin)
    steps: list[tuple[Action, dict[str, Any]]] = [
        (Action.ACKNOWLEDGE, {}),
        (Action.REPLY, {"note": "已答复", "public_reply": "已答复来电人"}),
        (Action.CALLBACK, {"satisfaction": "very_dissatisfied", "solved": False}),
        (Action.CLOSE, {}),
    ]
    for action, data in steps:
        services.inquiries.act(closed.id, action, data, admin)
    assert routed.status == "dispatched"


@pytest.fixture
def fuzz_headers(app: Flask, services: Services, auth: dict[str, dict[str, str]]) -> Iterable[dict[str, str]]:
    _seed(services)
    CURRENT.app = app
    yield auth["admin"]
    CURRENT.app = None


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    # One app per operation, shared by that operation's examples, is what we want here.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_openapi_spec(case: schemathesis.Case, fuzz_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=fuzz_headers)
