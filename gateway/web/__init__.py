"""The staff consoles: 12345 operators, service-center windows, supervisors and administrators.

One parent blueprint under /console (gateway.web.base) holds what every page shares; one child blueprint
per console holds its views. Views are thin: they call the services with the logged-in person as actor.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from gateway.services.accounts import StaffService
from gateway.services.container import Services
from gateway.services.inquiries import InquiryStats

_assembled = False


def register(app: Flask) -> None:
    """Mount the consoles on the app."""
    global _assembled
    from gateway.web import (
        admin,
        attachments,  # noqa: F401 - adds its routes (附件) to the inquiries blueprint
        attention,
        auth,
        base,
        co_departments,
        inquiries,
        intake,  # noqa: F401 - adds its routes to the inquiries blueprint
        labels,
        merges,  # noqa: F401 - adds 并单's routes to the inquiries blueprint
        publications,
        rectifications,
        security,
        supervision,
        supervisor,
        window,
        window_apps,
    )
    from gateway.web.common import Console

    security.init_app(app)
    services: Services = app.extensions["gateway"]
    departments = frozenset(d.code for d in services.settings.departments)
    app.extensions["console"] = Console(
        staff=StaffService(
            services.db,
            departments,
            services.clock,
            max_address_failures=services.settings.login_failures_per_address,
        ),
        stats=InquiryStats(services.db, services.clock),
    )
    if not _assembled:  # children are attached once, however many apps are made
        for child in (
            auth.bp,
            inquiries.bp,
            window.bp,
            window_apps.bp,
            rectifications.bp,
            supervisor.bp,
            attention.bp,
            co_departments.bp,
            supervision.bp,
            publications.bp,
            admin.bp,
        ):
            base.console.register_blueprint(child)
        _assembled = True
    app.register_blueprint(base.console)
    app.jinja_env.filters.update(local=labels.local, percent=labels.percent, duration=labels.duration)
    _unrouted_console_errors(app)


def _unrouted_console_errors(app: Flask) -> None:
    """An address under /console that matches no view (404) or not with this method (405) gets the
    console's Chinese page; elsewhere the app's own handler answers (the API's JSON error shape)."""
    from gateway.web import base

    prefix = base.console.url_prefix or "/console"

    def handle(err: HTTPException) -> Any:
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return base.unrouted_error(err)
        # Looked up per call: the app-wide handler (flask-smorest's) may be registered after this one.
        fallback = app.error_handler_spec[None][None].get(HTTPException)
        return fallback(err) if fallback is not None else err

    for code in (404, 405):  # the only errors routing raises; a matched view's errors go to the blueprint
        app.register_error_handler(code, handle)
