"""One error shape for the whole API: {code, status, message, errors}."""

from __future__ import annotations

import json
import logging
from operator import attrgetter
from typing import Any

from flask import Flask
from flask import Request as FlaskRequest
from flask_smorest import Api, Blueprint
from flask_smorest.pagination import PaginationMetadataSchema
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from gateway.api.spec import URI_TOO_LONG, OperationIds, UriTooLong, body_required, count_properties
from gateway.domain.errors import (
    FileRefused,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    UpstreamError,
    UpstreamTimeout,
)
from schemas.fields import DepartmentCode, SettingCapped

log = logging.getLogger(__name__)

Reply = tuple[dict[str, Any], int, dict[str, str]]


def _payload(code: int, status: str, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
    return body


class _Parser(FlaskParser):
    """webargs' parser, but JSON nested deeper than Python's recursion limit is a 400 like any bad JSON."""

    def _raw_load_json(self, req: FlaskRequest) -> Any:
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            # json.loads recurses per level: '[' * 100000 raised RecursionError, answered with a 500.
            raise json.JSONDecodeError("JSON nested too deeply", doc="(request body)", pos=0) from None


class GatewayBlueprint(Blueprint):  # type: ignore[misc]  # flask-smorest is untyped
    """flask-smorest's Blueprint with the gateway's argument parser; every API blueprint is one."""

    ARGUMENTS_PARSER = _Parser()

    def arguments(
        self,
        schema: type[Schema] | Schema,
        *,
        location: str = "json",
        required: bool | None = None,
        **kwargs: Any,
    ) -> Any:
        """flask-smorest's arguments; the spec requires a body when its schema has a required field."""
        if required is None:
            required = (
                body_required(schema) if location in self.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING else True
            )
        return super().arguments(schema, location=location, required=required, **kwargs)


class GatewayApi(Api):  # type: ignore[misc]  # flask-smorest is untyped
    """flask-smorest's Api with the gateway's error mapping and a few corrections to its spec."""

    def init_app(self, app: Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None:
        spec_kwargs = {**(spec_kwargs or {}), "extra_plugins": [OperationIds(), UriTooLong()]}
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.response("URI_TOO_LONG", URI_TOO_LONG)
        count_properties(self.ma_plugin.converter)
        services = app.extensions.get("gateway")
        if services is not None:
            codes = [d.code for d in services.settings.departments]

            def department_codes(_converter: Any, field: fields.Field[Any], **_: Any) -> dict[str, Any]:
                # The service accepts only configured departments; say which, so clients (and the
                # fuzzer) know an unknown code is invalid input rather than a valid request.
                return {"enum": codes} if isinstance(field, DepartmentCode) else {}

            self.ma_plugin.converter.add_attribute_function(department_codes)

            def setting_caps(
                _converter: Any, field: fields.Field[Any], ret: dict[str, Any], **_: Any
            ) -> dict[str, Any]:
                # A limit the deployment sets (the longest extension) is the one clients must keep to.
                if not isinstance(field, SettingCapped):
                    return {}
                cap: int = attrgetter(field.setting)(services.settings)
                return {"maximum": min(ret.get("maximum", cap), cap)}

            self.ma_plugin.converter.add_attribute_function(setting_caps)

    def _register_pagination_header(self) -> None:
        # flask-smorest documents X-Pagination with a `schema` of type object, which OpenAPI reads in
        # the `simple` style (total,3,page,1); the header is a JSON document, which needs `content`.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata, a JSON object",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )

    def handle_http_exception(self, error: HTTPException) -> Reply:
        """Same shape as flask-smorest, but keeps Allow on 405 and always says something."""
        payload: dict[str, Any]
        payload, code, headers = super().handle_http_exception(error)
        payload.setdefault("message", error.description or error.name)
        headers = dict(headers or {})
        if isinstance(error, MethodNotAllowed):
            # flask-smorest rebuilds the response without werkzeug's headers; Allow is required on 405.
            headers.update({k: v for k, v in error.get_headers() if k.lower() == "allow"})
        return payload, code, headers


def register(app: Flask) -> None:
    """Map domain errors to HTTP answers."""

    @app.errorhandler(InvalidTransition)
    def _conflict(err: InvalidTransition) -> Reply:
        errors = {"current_status": err.status, "action": err.action, "allowed_actions": err.allowed}
        if err.reason:
            errors["reason"] = err.reason
        return _payload(409, "Conflict", str(err), errors), 409, {}

    @app.errorhandler(InvalidInput)
    def _invalid(err: InvalidInput) -> Reply:
        errors = {err.location: {err.field: [err.reason]}}
        return _payload(422, "Unprocessable Entity", str(err), errors), 422, {}

    @app.errorhandler(FileRefused)
    def _file_refused(err: FileRefused) -> Reply:
        # The file is named; nothing of the upload was stored (the service checks every file first).
        code, status = (413, "Payload Too Large") if err.too_large else (422, "Unprocessable Entity")
        errors = {"files": {err.filename: [err.reason]}}
        return _payload(code, status, str(err), errors), code, {}

    @app.errorhandler(NotFound)
    def _not_found(err: NotFound) -> Reply:
        return _payload(404, "Not Found", str(err)), 404, {}

    @app.errorhandler(Forbidden)
    def _forbidden(err: Forbidden) -> Reply:
        return _payload(403, "Forbidden", str(err)), 403, {}

    @app.errorhandler(UpstreamError)
    def _upstream(err: UpstreamError) -> Reply:
        # The system and whether to try again; never the upstream's body, which may hold personal data.
        if isinstance(err, UpstreamTimeout):
            code, status, message = 504, "Gateway Timeout", f"{err.system} did not answer in time"
        else:
            code, status, message = 502, "Bad Gateway", f"{err.system} did not take the request"
        log.warning("upstream %s failed (%s, status %s)", err.system, type(err).__name__, err.status)
        errors = {"system": err.system, "retryable": err.retryable}
        headers = {"Retry-After": str(max(1, round(err.retry_after)))} if err.retry_after else {}
        return _payload(code, status, message, errors), code, headers

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Reply:
        if isinstance(err, HTTPException):
            raise err
        # The exception is logged without request data: bodies may hold citizens' personal data.
        log.error("unhandled %s", type(err).__name__, exc_info=err)
        wrapped = InternalServerError()
        return _payload(500, wrapped.name, "internal error; it has been logged"), 500, {}
