"""The staff consoles: 12345 operators, service-center windows, supervisors and administrators.

One parent blueprint under /console (gateway.web.base) holds what every page shares; one child blueprint
per console holds its views. Views are thin: they call the services with the logged-in person as actor.
"""

from __future__ import annotations

from flask import Flask

from gateway.bootstrap import Services
from gateway.services.inquiry_stats import InquiryStats
from gateway.services.staff import StaffService

_assembled = False


def register(app: Flask) -> None:
    """Mount the consoles on the app."""
    global _assembled
    from gateway.web import (
        admin,
        attention,
        auth,
        base,
        inquiries,
        intake,  # noqa: F401 - adds its routes to the inquiries blueprint
        labels,
        security,
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
            supervisor.bp,
            attention.bp,
            admin.bp,
        ):
            base.console.register_blueprint(child)
        _assembled = True
    app.register_blueprint(base.console)
    app.jinja_env.filters.update(local=labels.local, percent=labels.percent, duration=labels.duration)
