"""Bearer API keys: who is calling, and may they."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from flask_smorest import Blueprint, abort

from gateway.domain.access import Actor
from gateway.services.accounts import KeyService
from gateway.services.container import Services

F = TypeVar("F", bound=Callable[..., Any])

SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "description": "API key: Authorization: Bearer gw_…"}


def current_actor() -> Actor:
    """The actor the request authenticated as (only inside protected views)."""
    return cast(Actor, g.actor)


_PERMISSION = "_gateway_permission"
_ANY_KEY = ""  # the marker for "any valid key, no particular permission"
_GUARDED = "_gateway_key_guard"
_CHECKED = "gateway.key_checked"  # in the WSGI environ: per request, unlike g under a shared app context


def protected(blp: Blueprint, permission: str | None = None) -> Callable[[F], F]:
    """Require a valid key (and a permission); documents 401/403 on the operation.

    The key is checked in the blueprint's before_request hook, that is before flask-smorest parses
    and validates the arguments: a request without a valid key gets 401 (and a key without the
    permission 403), never a 422 that would tell an anonymous caller about the body. The check
    therefore does not depend on where this decorator sits among flask-smorest's decorators.
    """
    _install_guard(blp)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not request.environ.get(_CHECKED):  # no guard ran: the view is on another blueprint
                _authorize(permission)
            return view(*args, **kwargs)

        # functools.wraps copies __dict__, so the mark reaches the view function flask-smorest registers.
        setattr(wrapper, _PERMISSION, permission or _ANY_KEY)
        documented = blp.doc(security=[{"bearerAuth": []}])(wrapper)
        documented = blp.alt_response(401, description="missing, unknown or revoked API key")(documented)
        documented = blp.alt_response(403, description="the key's role may not do this")(documented)
        return cast(F, documented)

    return decorate


def _install_guard(blp: Blueprint) -> None:
    """Check the key for the blueprint's protected views before anything else looks at the request."""
    if getattr(blp, _GUARDED, False):
        return
    setattr(blp, _GUARDED, True)

    @blp.before_request
    def _guard() -> None:
        rule = request.url_rule
        if rule is None or request.endpoint is None:
            return  # not routed (404/405): the routing error answers
        if request.method == "OPTIONS" and getattr(rule, "provide_automatic_options", False):
            return  # Flask answers OPTIONS itself; the view does not run
        permission = getattr(_handler(request.endpoint, request.method), _PERMISSION, None)
        if permission is not None:
            _authorize(permission or None)


def _handler(endpoint: str, method: str) -> Any:
    """The function that answers: the view, or the MethodView's method (HEAD answered by its get)."""
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    return getattr(view_class, method.lower(), None) or (
        getattr(view_class, "get", None) if method == "HEAD" else None
    )


def _authorize(permission: str | None) -> None:
    """Authenticate the request's key and check the permission, or abort with 401/403."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        abort(
            401,
            message="missing API key: send Authorization: Bearer <key>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    keys: KeyService = services().keys
    actor = keys.authenticate(key.strip())
    if actor is None:
        abort(401, message="unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"})
        return  # not reached: abort raises
    if permission and not actor.can(permission):
        abort(403, message=f"role '{actor.role}' may not {permission}")
    g.actor = actor
    request.environ[_CHECKED] = True


def services() -> Services:
    """The services wired for this app."""
    return cast(Services, current_app.extensions["gateway"])
