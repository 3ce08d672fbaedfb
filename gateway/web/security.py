"""Console sessions: the cookie, who is logged in, CSRF tokens on every form, and page guards."""

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

from gateway.services.staff import StaffInfo, StaffService

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
        PERMANENT_SESSION_LIFETIME=timedelta(hours=10),  # a working day and a bit: log in once per shift
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
    """Start a fresh session for the account (nothing from before the login is kept)."""
    session.clear()
    session.permanent = True
    session["uid"] = info.id
    session["pwv"] = info.password_version
    csrf_token()


def logout() -> None:
    """Forget the session."""
    session.clear()


def load_staff() -> None:
    """Put the logged-in account, if still valid, on g.staff; a stale session is dropped."""
    g.staff = None
    uid = session.get("uid")
    if not isinstance(uid, int):
        return
    info = staff_service().get(uid)
    if info is None or info.password_version != session.get("pwv"):
        session.clear()  # deactivated, or the password changed since this session began
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
