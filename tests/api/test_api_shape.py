"""The API in flask-smorest's shape: a reader finds each route by its URL, and each module stays small."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

API = Path(__file__).resolve().parents[2] / "gateway" / "api"


def _defining_module(view):
    target = getattr(view, "view_class", None) or inspect.unwrap(view)
    return Path(inspect.getfile(target))


def test_each_api_route_is_written_out_where_its_view_is(app):
    hidden = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs"):
            continue
        source = _defining_module(app.view_functions[rule.endpoint]).read_text(encoding="utf-8")
        static = [part for part in rule.rule.split("/") if part and not part.startswith("<")]
        if f'/{static[-1]}"' not in source:
            hidden.append(f"{rule.rule} ({rule.endpoint})")
    assert hidden == []


def test_no_loop_generates_routes():
    for module in API.glob("*.py"):
        assert not re.search(r"^for .*:\n(\s+.*\n)*?\s+.*\.route\(", module.read_text(), re.M), module.name


def test_no_api_module_is_over_300_lines():
    sizes = {module.name: len(module.read_text().splitlines()) for module in API.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 300} == {}


def test_applications_evaluations_rectifications_and_statistics_are_blueprints_of_their_own(app):
    owner = {rule.rule: rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()}
    assert owner["/api/v1/applications"] == "applications"
    assert owner["/api/v1/applications/<int(max=9223372036854775807):app_id>/evaluation"] == "evaluations"
    assert owner["/api/v1/rectifications"] == "rectifications"
    assert owner["/api/v1/applications/stats"] == "statistics"


def test_a_method_view_names_each_operation_as_its_view_function_did(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["paths"]["/api/v1/inquiries"]["get"]["operationId"] == "inquiries.list_inquiries"
    assert spec["paths"]["/api/v1/inquiries"]["post"]["operationId"] == "inquiries.create_inquiry"
    assert spec["paths"]["/api/v1/applications"]["get"]["operationId"] == "applications.list_applications"
    assert spec["paths"]["/api/v1/applications"]["post"]["operationId"] == "applications.accept"
    assert spec["paths"]["/api/v1/inquiries/{inquiry_id}"]["get"]["operationId"] == "inquiries.get_inquiry"


def test_the_key_is_checked_before_the_body_on_a_method_views_methods_too(client, auth):
    bad = {"kind": "gossip"}
    for url in ("/api/v1/inquiries", "/api/v1/applications"):
        anonymous = client.post(url, json=bad)
        assert anonymous.status_code == 401, url
        assert anonymous.get_json()["message"].startswith("missing API key")
        assert client.head(url).status_code == 401, url
        assert client.get(url, query_string={"status": "nonsense"}).status_code == 401, url
    refused = client.post("/api/v1/inquiries", json=bad, headers=auth["department"])
    assert refused.status_code == 403
    assert "inquiry:create" in refused.get_json()["message"]
