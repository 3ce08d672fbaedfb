"""Console sessions: the cookie, who is logged in, CSRF tokens on every form, and page guards.

The signed cookie holds the session's random id (and the CSRF token); the session itself is a row in the
database, read on every request, so that logout, a password change or deactivation ends it at once on
every instance (gateway.services.accounts.sessions).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, abort, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from gateway.services.accounts import SESSION_HOURS, StaffInfo, StaffService

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ConsoleSessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, marked Secure whenever the request came over TLS (or config says so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def init_app(app: Flask) -> None:
    """Cookie settings and a session key (a random one, with a warning, when none is configured)."""
    app.config.update(
        SESSION_COOKIE_NAME="gateway_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),  # the server ends idle ones as well
    )
    if not app.config.get("SECRET_KEY"):
        if app.testing:
            app.config["SECRET_KEY"] = hashlib.sha256(b"gateway-console-tests").hexdigest()
        else:
            # Sessions then last only as long as this process: set GATEWAY_SECRET_KEY in production.
            log.warning("GATEWAY_SECRET_KEY is not set: console sessions use a per-process random key")
            app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.session_interface = ConsoleSessionInterface()


# ---- CSRF -------------------------------------------------------------------------------------------


def csrf_token() -> str:
    """The session's CSRF token (made on first use); forms carry it, fetch sends it as a header."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


class CsrfError(Exception):
    """A state-changing request without the session's token."""


def check_csrf() -> None:
    """Refuse an unsafe request whose token is missing or not the session's."""
    if request.method not in UNSAFE:
        return
    expected = session.get("csrf")
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfError()


# ---- who is logged in ---------------------------------------------------------------------------------


def staff_service(app: Flask | None = None) -> StaffService:
    """The accounts service wired for the app."""
    from flask import current_app

    return cast(StaffService, (app or current_app).extensions["console"].staff)


def login(info: StaffInfo) -> None:
    """Start a fresh session for the account (nothing from before the login is kept): a new row on the
    server, whose random id is all the cookie says of who is logged in."""
    session.clear()
    session.permanent = True
    session["sid"] = staff_service().start_session(info, request.user_agent.string, request.remote_addr)
    csrf_token()


def logout() -> None:
    """End the session on the server (a copy of the cookie is refused from now on, everywhere) and
    forget it."""
    sid = session.get("sid")
    if isinstance(sid, str):
        staff_service().end_session(sid)
    session.clear()


def load_staff() -> None:
    """Put the logged-in account, if its session is still live, on g.staff; an ended one is dropped."""
    g.staff = None
    sid = session.get("sid")
    if not isinstance(sid, str):
        return  # also a cookie from before sessions were kept on the server: log in again
    info = staff_service().session_staff(sid)
    if info is None:
        session.clear()  # logged out, password changed, deactivated, or idle past its lifetime
        return
    g.staff = info


def current_staff() -> StaffInfo:
    """The logged-in account (inside guarded views)."""
    return cast(StaffInfo, g.staff)


def requires(permission: str | None = None) -> Callable[[F], F]:
    """Log in first (a page request is sent to the login page); then the role must grant the permission."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            staff: StaffInfo | None = g.get("staff")
            if staff is None:
                if request.method == "GET" and not request.path.endswith((".json", ".xlsx")):
                    return redirect(url_for("console.auth.login", next=request.full_path.rstrip("?")))
                abort(401)
            if permission and not staff.actor().can(permission):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def safe_next(target: str | None, default: str) -> str:
    """A redirect target inside the console only (no open redirects)."""
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def security_headers(response: Response) -> Response:
    """No framing, no inline scripts, no caching of pages that may show personal data."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "console.static":
        response.headers["Cache-Control"] = "no-store"
    return response
