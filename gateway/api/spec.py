"""What the gateway adds to flask-smorest's OpenAPI spec: operation ids, object lengths, links, the 414."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from apispec import BasePlugin
from apispec.ext.marshmallow.field_converter import FieldConverterMixin
from marshmallow import Schema, fields

# Where a created record's id is in a response that is that record ("$response.body#/id"), and in a
# response listing such records, newest first ("$response.body#/0/id").
BODY_ID = "$response.body#/id"
FIRST_ID = "$response.body#/0/id"


class OperationIds(BasePlugin):
    """Each operation's id is its Flask endpoint ("inquiries.get_inquiry"): links name their target by it.

    A MethodView serving several methods is one endpoint: each of its methods names its operation
    (operation_id, "inquiries.create_inquiry"); were one left unnamed, the method is added to the endpoint.
    """

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        methods = [m for m in operations if m != "parameters"]
        for method in methods:
            name = rule.endpoint if len(methods) == 1 else f"{rule.endpoint}.{method}"
            operations[method].setdefault("operationId", name)


class UriTooLong(BasePlugin):
    """Every operation may be answered 414 by the HTTP server, before the API: see URI_TOO_LONG."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            if method != "parameters":
                operation.setdefault("responses", {})["414"] = "URI_TOO_LONG"


# gunicorn refuses a request line longer than its limit_request_line (4094 bytes) with its own HTML page; a
# proxy in front answers the same way. Valid requests stay far below it (tests/api/test_openapi_contract.py).
URI_TOO_LONG = {
    "description": "The request line (method, path and query) is longer than the HTTP server takes, about "
    "4 KB; refused by the server in front of the API, as an HTML page, not in the API's error shape",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def count_properties(converter: FieldConverterMixin) -> None:
    """Document a Length on a Dict as minProperties/maxProperties.

    apispec writes minLength/maxLength on every field that is not a list, a string keyword that JSON
    Schema ignores on an object: `materials: {}` was valid by the spec and refused by the server.
    """
    lengths = converter.field2length

    def field2length(field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
        found: dict[str, Any] = lengths(field, **kwargs)
        if isinstance(field, fields.Dict):
            return {key.replace("Length", "Properties"): value for key, value in found.items()}
        return found

    converter.attribute_functions = [
        field2length if function == lengths else function for function in converter.attribute_functions
    ]


def body_required(schema: type[Schema] | Schema) -> bool:
    """A request body is required exactly when its schema has a required field.

    An action whose fields are all optional (a note) may be posted without a body; the server has
    always read a missing body as {}.
    """
    instance = schema() if isinstance(schema, type) else schema
    return any(field.required for field in instance.fields.values())


def operation_id(blueprint: Any, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: a MethodView method's operation id, "<blueprint>.<name>", as a view function's would be."""
    return blueprint.doc(operationId=f"{blueprint.name}.{name}")  # type: ignore[no-any-return]


def link_to(blueprint: str, endpoints: Iterable[str], **parameters: str) -> dict[str, dict[str, Any]]:
    """OpenAPI links to a blueprint's endpoints, path parameters filled by expressions (BODY_ID, FIRST_ID)."""
    return {
        endpoint: {"operationId": f"{blueprint}.{endpoint}", "parameters": dict(parameters)}
        for endpoint in endpoints
    }


def links(
    blueprint: Any, statuses: Iterable[int], targets: Mapping[str, Mapping[str, Any]]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: the responses with these statuses link to `targets` (from link_to)."""
    return blueprint.doc(  # type: ignore[no-any-return]
        responses={
            status: {"links": {name: dict(link) for name, link in targets.items()}} for status in statuses
        }
    )
