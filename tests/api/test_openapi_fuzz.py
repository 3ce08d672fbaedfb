"""Schemathesis over the whole served OpenAPI spec, with an admin key, under every default check.

Each API operation is its own pytest item with a fresh app and SQLite database (the conftest
fixtures); the examples of one operation share that app. A few inquiries are seeded so that
small generated ids (Hypothesis likes 0, 1, 2, ...) reach real records and lifecycle actions,
not only 404s.

No check is excluded: `not_a_server_error`, `status_code_conformance`, `content_type_conformance`,
`response_headers_conformance`, `response_schema_conformance`, `negative_data_rejection`,
`positive_data_acceptance`, `missing_required_header`, `unsupported_method`, `ignored_auth`,
`allow_header_conformance` etc. all run (the stateful-only ones are no-ops outside a stateful run).
The stateful run, which follows the spec's links, is schemathesis's CLI against a real server:
tests/api/test_schemathesis_cli.py.

GATEWAY_FUZZ_EXAMPLES raises the examples per operation for a deeper, slower run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gateway import create_app
from gateway.bootstrap import Services
from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from tests.conftest import inquiry_payload, settings_for

pytestmark = pytest.mark.slow

SPEC_PATH = "/api/v1/openapi.json"
# Examples per operation in the fuzzing phase; raise it for a deeper run (GATEWAY_FUZZ_EXAMPLES=500).
MAX_EXAMPLES = int(os.environ.get("GATEWAY_FUZZ_EXAMPLES", "40"))


# What Schemathesis sends as the key; the WSGI shim below swaps it for the running test's admin key.
# (Schemathesis builds some cases, with their auth, at collection, before any test has a database.)
FUZZ_AUTHORIZATION = "Bearer gw_admin-key-of-the-running-test"


class _CurrentApp:
    """A WSGI app that forwards to the app of the running test, with that test's admin key.

    The schema is loaded once, at collection, so that every operation becomes its own test; each
    test then points this at its own fresh app. Schemathesis also sends follow-up requests from
    its checks (without auth, with a bad key, with other methods, ...) through the same object;
    only the exact FUZZ_AUTHORIZATION value is replaced.
    """

    def __init__(self) -> None:
        self.app: Flask | None = None
        self.authorization: str | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        assert self.app is not None, "no app for this test"
        if self.authorization and environ.get("HTTP_AUTHORIZATION") == FUZZ_AUTHORIZATION:
            environ = {**environ, "HTTP_AUTHORIZATION": self.authorization}
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


# The key goes in through Schemathesis's auth, not as extra headers on the call: then Schemathesis
# knows it, leaves it out of the cases where it tests a missing or a bad key, and checks `ignored_auth`.
# No re-login on 401: a 401 must stay visible.
@schema.auth(refresh_interval=None, retry_on=[])
class AdminKey:
    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
        return FUZZ_AUTHORIZATION

    def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers = case.headers or {}
        case.headers["Authorization"] = data


def _seed(services: Services) -> None:
    """Inquiries 1-3: received (no rule matches), dispatched by a rule, and closed after a bad callback."""
    admin = Actor(name="fuzz-seed", role="admin")
    # Hotline calls logged by staff: a 12345 work-order id (external_id) comes only from the platform.
    unrouted = inquiry_payload(kind="help", title="路灯不亮", content="路灯坏了。")
    services.inquiries.intake(unrouted, admin)
    routed, _ = services.inquiries.intake(inquiry_payload(), admin)
    closed, _ = services.inquiries.intake(inquiry_payload(), admin)
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
def fuzz_app(app: Flask, services: Services, auth: dict[str, dict[str, str]]) -> Iterable[Flask]:
    _seed(services)
    CURRENT.app, CURRENT.authorization = app, auth["admin"]["Authorization"]
    yield app
    CURRENT.app, CURRENT.authorization = None, None


# Operations whose valid input depends on stored data no schema can list: an application names catalog items
# and their materials (a dynamic catalog of up to 100,000 items), so well-formed input may still be refused
# with 422 naming the field. Every other check, 500s included, still runs on them.
DEPENDS_ON_STORED_DATA = {
    ("POST", "/api/v1/applications"),
    ("POST", "/api/v1/applications/{app_id}/supplement"),
    # 附件: a file's type is judged from its bytes, and a stored file holding personal data needs a reason.
    ("POST", "/api/v1/inquiries/{inquiry_id}/attachments"),
    ("GET", "/api/v1/inquiries/{inquiry_id}/attachments/{attachment_id}/content"),
}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,  # each example is a request with database writes
        HealthCheck.function_scoped_fixture,  # one fresh app per operation, shared by its examples: wanted
        HealthCheck.filter_too_much,  # date-time strings are filtered by the documented year pattern
    ],
)
def test_api_conforms_to_its_openapi_spec(case: schemathesis.Case, fuzz_app: Flask) -> None:
    if (case.method.upper(), case.path) in DEPENDS_ON_STORED_DATA:
        case.call_and_validate(excluded_checks=[positive_data_acceptance])
    else:
        case.call_and_validate()


# ---- bodies no generator sends ------------------------------------------------------------------

DEEP_JSON = "[" * 100_000 + "]" * 100_000  # json.loads recurses per level: past the recursion limit


def _json_body_operations() -> list[Any]:
    found = []
    for path, item in schema.raw_schema["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody") or {} if method != "parameters" else {}
            if "application/json" not in body.get("content", {}):
                continue
            found.append(pytest.param(method.upper(), path, id=f"{method.upper()} {path}"))
    return found


@pytest.mark.parametrize(("method", "path"), _json_body_operations())
def test_deeply_nested_or_huge_json_is_refused_not_a_500(
    client: Any, auth: dict[str, dict[str, str]], services: Services, method: str, path: str
) -> None:
    _seed(services)
    url = re.sub(r"\{\w+_id\}", "1", path)
    send = {"method": method, "content_type": "application/json", "headers": auth["admin"]}
    deep = client.open(url, data=DEEP_JSON, **send)
    assert deep.status_code == 400, deep.get_data(as_text=True)
    assert deep.get_json()["errors"] == {"json": ["Invalid JSON body."]}
    huge = b'{"note": "' + b"x" * services.settings.max_body_bytes + b'"}'
    too_big = client.open(url, data=huge, **send)
    assert too_big.status_code == 413, too_big.get_data(as_text=True)
