"""One error shape for the whole API: {code, status, message, errors}."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from gateway.domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound

log = logging.getLogger(__name__)

Reply = tuple[dict[str, Any], int, dict[str, str]]


def _payload(code: int, status: str, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
    return body


class GatewayApi(Api):
    """flask-smorest's Api with the gateway's error mapping."""

    def handle_http_exception(self, error: HTTPException) -> Reply:  # type: ignore[override]
        """Same shape as flask-smorest, but keeps Allow on 405 and always says something."""
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
        errors = {"json": {err.field: [err.reason]}}
        return _payload(422, "Unprocessable Entity", str(err), errors), 422, {}

    @app.errorhandler(NotFound)
    def _not_found(err: NotFound) -> Reply:
        return _payload(404, "Not Found", str(err)), 404, {}

    @app.errorhandler(Forbidden)
    def _forbidden(err: Forbidden) -> Reply:
        return _payload(403, "Forbidden", str(err)), 403, {}

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Reply:
        if isinstance(err, HTTPException):
            raise err
        # The exception is logged without request data: bodies may hold citizens' personal data.
        log.error("unhandled %s", type(err).__name__, exc_info=err)
        wrapped = InternalServerError()
        return _payload(500, wrapped.name, "internal error; it has been logged"), 500, {}
