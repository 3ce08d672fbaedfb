"""create_app(): Flask, the API, blueprints, error map and CLI, as a list of small steps."""

from __future__ import annotations

import logging
import sys
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import bootstrap
from gateway.api import errors
from gateway.api.auth import SECURITY_SCHEME
from gateway.config import ConfigError, Settings, load_settings
from gateway.domain.clock import Clock, utcnow


def create_app(settings: Settings | None = None, clock: Clock = utcnow, **flask_config: Any) -> Flask:
    """Build the gateway; with no settings, read config.yaml and the environment (exit on a bad file)."""
    if settings is None:
        settings = _load_or_exit()
    app = Flask(__name__)
    if settings.trusted_proxies:
        # request.remote_addr (and the scheme) as the client sent them, through that many proxies.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    _configure(app, settings, flask_config)
    services = bootstrap.build(settings, clock)
    app.extensions["gateway"] = services
    _register_api(app)
    _register_web(app)
    _register_cli(app)
    return app


def _load_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as err:
        # A broken config stops the start with one line naming the key, not a traceback.
        print(f"配置错误 (configuration error): {err}", file=sys.stderr)
        raise SystemExit(2) from None


# flask-smorest's settings: what the OpenAPI document says of the API, where it and the Swagger UI are served.
API_CONFIG: dict[str, Any] = {
    "API_TITLE": "区政务服务集成网关 District integration gateway",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "v1/openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/api/docs/static/",
}


def _configure(app: Flask, settings: Settings, extra: dict[str, Any]) -> None:
    app.config.update(
        SECRET_KEY=settings.secret_key or None,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_AS_ASCII=False,
    )
    app.config.update(API_CONFIG)
    app.config.update(extra)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _register_api(app: Flask) -> None:
    from gateway.api import (
        applications,
        attachment_links,
        attachments,
        catalog,
        co_departments,
        dead_letters,
        evaluations,
        inquiries,
        merges,
        outbox,
        publications,
        rectifications,
        statistics,
        supervision,
        system,
        webhooks,
    )

    api = errors.GatewayApi(app, spec_kwargs={"servers": [{"url": "/"}]})
    api.spec.components.security_scheme("bearerAuth", SECURITY_SCHEME)
    for blp in (
        inquiries.blp,
        merges.blp,
        system.calendar_blp,
        outbox.blp,
        dead_letters.blp,
        publications.blp,
        catalog.items_blp,
        catalog.runs_blp,
        applications.blp,
        evaluations.blp,
        rectifications.blp,
        statistics.blp,
        co_departments.opinions_blp,
        co_departments.tasks_blp,
        supervision.blp,
        attachments.blp,
    ):
        api.register_blueprint(blp)
    app.register_blueprint(system.probes)
    app.register_blueprint(webhooks.webhooks)
    app.register_blueprint(attachment_links.attachment_links)
    errors.register(app)


def _register_web(app: Flask) -> None:
    from gateway import web

    web.register(app)


def _register_cli(app: Flask) -> None:
    from gateway import cli

    cli.register(app)
    cli.register_delivery(app)
    cli.register_jobs(app)
    cli.register_demo_simulators(app)
    cli.register_catalog(app)
    cli.register_users(app)
