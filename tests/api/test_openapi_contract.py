"""The served OpenAPI spec says what the server does: request bodies, lengths, limits and links.

Schemathesis (tests/api/test_schemathesis_cli.py, slow) checks the same against a running server with
generated data; these tests pin each point down with the test client, fast, in the default suite.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from gateway import create_app
from tests.conftest import inquiry_payload
from tests.web.seed import LEGAL_AID, seed_items

SPEC = "/api/v1/openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def spec(client: Any) -> dict[str, Any]:
    response = client.get(SPEC)
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    return document


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = spec["components"]["schemas"][name]
    return schema


def _body_schema(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    (body,) = operation["requestBody"]["content"].values()  # JSON, or multipart for an upload
    return _resolve(spec, body["schema"])


def _path_parameters(path: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", path))


# ---- request bodies -----------------------------------------------------------------------------


def test_a_body_is_required_exactly_when_its_schema_has_a_required_field(spec):
    bodies = {
        (method, path): (operation["requestBody"].get("required", False), _body_schema(spec, operation))
        for method, path, operation in _operations(spec)
        if "requestBody" in operation
    }
    wrong = {
        op: f"requestBody.required={required}, schema requires {schema.get('required', [])}"
        for op, (required, schema) in bodies.items()
        if required != bool(schema.get("required"))
    }
    assert wrong == {}
    # The actions whose every field is optional, on both resources, all say so the same way.
    for path in (
        "/api/v1/inquiries/{inquiry_id}/acknowledge",
        "/api/v1/inquiries/{inquiry_id}/approve-extension",
        "/api/v1/inquiries/{inquiry_id}/close",
        "/api/v1/applications/{app_id}/prepare",
        "/api/v1/rectifications/{rect_id}/close",
    ):
        assert bodies[("POST", path)][0] is False, path
    assert bodies[("POST", "/api/v1/inquiries/{inquiry_id}/return")][0] is True


def _take_call(client: Any, auth: dict[str, dict[str, str]]) -> dict[str, Any]:
    """An operator logs a call about legal aid (no external id: that comes only from 12345 itself)."""
    payload = inquiry_payload()
    payload.pop("external_id", None)
    response = client.post("/api/v1/inquiries", json=payload, headers=auth["operator"])
    assert response.status_code == 201, response.get_json()
    inquiry: dict[str, Any] = response.get_json()
    return inquiry


def test_an_action_without_required_fields_may_be_posted_without_a_body(client, auth):
    inquiry = _take_call(client, auth)
    assert (inquiry["status"], inquiry["department"]) == ("dispatched", "SFJ")  # the 法律服务 rule

    # No body and no Content-Type at all, as the spec now allows.
    response = client.post(f"/api/v1/inquiries/{inquiry['id']}/acknowledge", headers=auth["department"])

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "acknowledged"
    history = client.get(f"/api/v1/inquiries/{inquiry['id']}/events", headers=auth["supervisor"]).get_json()
    last = history[-1]
    assert (last["action"], last["from_status"], last["to_status"], last["note"]) == (
        "acknowledge",
        "dispatched",
        "acknowledged",
        None,
    )


def test_a_missing_body_the_spec_requires_is_refused_naming_its_fields(client, auth):
    inquiry = _take_call(client, auth)

    response = client.post(f"/api/v1/inquiries/{inquiry['id']}/return", headers=auth["department"])

    assert response.status_code == 422
    assert response.get_json()["errors"] == {"json": {"reason": ["Missing data for required field."]}}
    after = client.get(f"/api/v1/inquiries/{inquiry['id']}", headers=auth["supervisor"]).get_json()
    assert (after["status"], after["department"]) == ("dispatched", "SFJ")


# ---- lengths of objects -------------------------------------------------------------------------


def test_a_supplement_without_materials_is_documented_and_refused(client, auth, services, spec):
    materials = spec["components"]["schemas"]["SupplementIn"]["properties"]["materials"]
    assert materials["type"] == "object"
    assert materials["minProperties"] == 1
    assert "minLength" not in materials  # a string keyword: JSON Schema ignores it on an object

    seed_items(services)
    body = {
        "item_codes": [LEGAL_AID],
        "applicant": {"name": "陈晓燕", "phone": "13805912345"},
        "materials": {LEGAL_AID: ["居民身份证", "法律援助申请表"]},  # 经济困难状况说明 owed (容缺)
        "window": "综合窗口3号",
    }
    accepted = client.post("/api/v1/applications", json=body, headers=auth["window"])
    assert accepted.status_code == 201, accepted.get_json()
    app = accepted.get_json()
    assert app["incomplete"] is True
    url = f"/api/v1/applications/{app['id']}"
    before = client.get(f"{url}/events", headers=auth["window"]).get_json()

    response = client.post(f"{url}/supplement", json={"materials": {}}, headers=auth["window"])

    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["materials"]
    assert client.get(f"{url}/events", headers=auth["window"]).get_json() == before
    assert client.get(url, headers=auth["window"]).get_json()["incomplete"] is True
    done = client.post(
        f"{url}/supplement", json={"materials": {LEGAL_AID: ["经济困难状况说明"]}}, headers=auth["window"]
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["incomplete"] is False


def test_every_object_length_is_documented_as_properties(spec):
    def walk(node: Any, where: str) -> list[str]:
        found = []
        if isinstance(node, dict):
            if node.get("type") == "object" and ({"minLength", "maxLength"} & node.keys()):
                found.append(where)
            for key, value in node.items():
                found += walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                found += walk(value, f"{where}/{i}")
        return found

    assert walk(spec, "#") == []


# ---- links --------------------------------------------------------------------------------------


def _links(spec: dict[str, Any]) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """(method, path, status, name, link) for every link in the spec."""
    return [
        (method, path, status, name, link)
        for method, path, operation in _operations(spec)
        for status, response in operation["responses"].items()
        if isinstance(response, dict)
        for name, link in response.get("links", {}).items()
    ]


def test_operation_ids_are_unique_and_name_the_view(spec):
    ids = [operation.get("operationId") for _, _, operation in _operations(spec)]
    assert None not in ids
    assert len(ids) == len(set(ids))
    by_path = {(m, p): op["operationId"] for m, p, op in _operations(spec)}
    assert by_path[("POST", "/api/v1/inquiries")] == "inquiries.create_inquiry"
    assert by_path[("POST", "/api/v1/inquiries/{inquiry_id}/acknowledge")] == "inquiries.action_acknowledge"


def test_the_create_operations_link_to_everything_done_with_what_they_create(spec):
    links = _links(spec)
    ops = {op["operationId"]: (m, p) for m, p, op in _operations(spec)}
    for create, prefix, parameter in (
        (("POST", "/api/v1/inquiries"), "/api/v1/inquiries/{inquiry_id}", "inquiry_id"),
        (("POST", "/api/v1/applications"), "/api/v1/applications/{app_id}", "app_id"),
    ):
        statuses = {status for m, p, status, _, _ in links if (m, p) == create}
        successes = {s for m, p, op in _operations(spec) if (m, p) == create for s in op["responses"]}
        assert statuses == {s for s in successes if s.startswith("2")}, create
        targets = {
            ops[link["operationId"]]
            for m, p, status, _, link in links
            if (m, p) == create and status == "201"
        }
        # (what needs another id too, such as an attachment's download, is linked from where that id is)
        expected = {
            (m, p)
            for m, p, _ in _operations(spec)
            if p.startswith(prefix) and _path_parameters(p) == {parameter}
        }
        assert targets == expected, create
        assert all(
            link["parameters"] == {parameter: "$response.body#/id"}
            for m, p, _, _, link in links
            if (m, p) == create
        )


def test_every_operation_that_takes_an_id_is_the_target_of_a_link(spec):
    targeted = {link["operationId"] for *_, link in _links(spec)}
    untargeted = [
        f"{method} {path}"
        for method, path, operation in _operations(spec)
        if _path_parameters(path) and operation["operationId"] not in targeted
    ]
    assert untargeted == []


def _pointer_holds(spec: dict[str, Any], schema: dict[str, Any], pointer: str) -> bool:
    for part in pointer.strip("/").split("/"):
        schema = _resolve(spec, schema)
        if part.isdigit():
            if schema.get("type") != "array":
                return False
            schema = schema["items"]
        else:
            if part not in schema.get("properties", {}):
                return False
            schema = schema["properties"][part]
    return True


def test_each_link_fills_the_target_path_from_a_field_its_response_has(spec):
    ops = {op["operationId"]: (m, p, op) for m, p, op in _operations(spec)}
    for method, path, status, name, link in _links(spec):
        where = f"{method} {path} {status} -> {name}"
        assert link["operationId"] in ops, where
        _, target_path, _ = ops[link["operationId"]]
        assert set(link["parameters"]) == _path_parameters(target_path), where
        response = spec["paths"][path][method.lower()]["responses"][status]
        response_schema = response["content"]["application/json"]["schema"]
        for expression in link["parameters"].values():
            assert expression.startswith("$response.body#"), where
            assert _pointer_holds(spec, response_schema, expression.removeprefix("$response.body#")), where


# ---- limits set by the deployment ---------------------------------------------------------------


def test_the_longest_extension_documented_is_the_configured_one(client, auth, settings, spec):
    workdays = spec["components"]["schemas"]["ExtensionIn"]["properties"]["workdays"]
    assert settings.deadlines.max_extension_workdays == 10
    assert (workdays["minimum"], workdays["maximum"]) == (1, 10)

    inquiry = _take_call(client, auth)
    url = f"/api/v1/inquiries/{inquiry['id']}"
    assert client.post(f"{url}/acknowledge", headers=auth["department"]).status_code == 200
    too_long = client.post(
        f"{url}/request-extension", json={"workdays": 11, "reason": "需现场勘查"}, headers=auth["department"]
    )
    assert too_long.status_code == 422
    assert list(too_long.get_json()["errors"]["json"]) == ["workdays"]
    longest = client.post(
        f"{url}/request-extension", json={"workdays": 10, "reason": "需现场勘查"}, headers=auth["department"]
    )
    assert longest.status_code == 200, longest.get_json()
    assert longest.get_json()["status"] == "extension_requested"


def test_a_deployment_allowing_shorter_extensions_documents_its_own_limit(settings, clock):
    shorter = dataclasses.replace(
        settings, deadlines=dataclasses.replace(settings.deadlines, max_extension_workdays=5)
    )
    app = create_app(shorter, clock=clock, TESTING=True)
    try:
        spec = app.test_client().get(SPEC).get_json()
    finally:
        app.extensions["gateway"].close()
    assert spec["components"]["schemas"]["ExtensionIn"]["properties"]["workdays"]["maximum"] == 5


# ---- the HTTP server in front of the API --------------------------------------------------------

REQUEST_LINE_LIMIT = 4094  # gunicorn's limit_request_line (bytes); a longer line is refused before the API


def test_every_operation_documents_the_http_servers_answer_to_an_over_long_url(spec):
    answer = spec["components"]["responses"]["URI_TOO_LONG"]
    assert list(answer["content"]) == ["text/html"]
    assert [
        f"{method} {path}"
        for method, path, operation in _operations(spec)
        if operation["responses"].get("414") != {"$ref": "#/components/responses/URI_TOO_LONG"}
    ] == []


def _longest(schema: dict[str, Any]) -> int:
    """Bytes of the longest percent-encoded value the schema allows (a UTF-8 character: up to 12)."""
    if "enum" in schema:
        return max(len(str(v)) for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        assert "maxItems" in schema, schema
        return schema["maxItems"] * (_longest(schema["items"]) + 40)  # + "&name="
    if kind == "boolean":
        return 5
    if kind in ("integer", "number"):
        return 40
    if schema.get("format") == "date-time":
        return 3 * 40
    if "maxLength" in schema:
        return 12 * schema["maxLength"]
    bounded = re.fullmatch(r"\^\[[^\]]+\]\{\d+,(\d+)\}\$", schema.get("pattern", ""))
    assert bounded is not None, schema
    return 3 * int(bounded.group(1))


def test_the_longest_valid_request_line_fits_the_http_server(spec):
    too_long = {}
    for method, path, operation in _operations(spec):
        parameters = [*spec["paths"][path].get("parameters", []), *operation.get("parameters", [])]
        line = len(f"{method} {path} HTTP/1.1") + sum(
            len(p["name"]) + 2 + _longest(_resolve(spec, p["schema"]))
            for p in parameters
            if p["in"] in ("path", "query")
        )
        if line > REQUEST_LINE_LIMIT:
            too_long[f"{method} {path}"] = line
    assert too_long == {}


def test_a_listing_takes_each_status_at_most_once(client, auth, spec):
    statuses = spec["paths"]["/api/v1/inquiries"]["get"]["parameters"]
    status = next(p for p in statuses if p["name"] == "status")["schema"]
    assert status["maxItems"] == len(status["items"]["enum"])
    many = "&".join(["status=received"] * (status["maxItems"] + 1))
    response = client.get(f"/api/v1/inquiries?{many}", headers=auth["supervisor"])
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["query"]) == ["status"]


def test_a_reason_of_whitespace_alone_is_refused_as_the_spec_says(client, auth):
    spec = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    pattern = re.compile(spec["RejectIn"]["properties"]["reason"]["pattern"])
    for blank in ("\n", "  ", "\t \u3000", "\ufeff"):
        assert pattern.fullmatch(blank) is None
        response = client.post("/api/v1/publications/1/reject", json={"reason": blank}, headers=auth["admin"])
        assert response.status_code == 422
        assert response.get_json()["errors"]["json"] == {"reason": ["must not be blank"]}
    assert pattern.fullmatch("含第三人信息") is not None
    revealed = client.post("/api/v1/inquiries/1/reveal", json={"reason": " \n "}, headers=auth["admin"])
    assert revealed.get_json()["errors"]["json"] == {"reason": ["must not be blank"]}
