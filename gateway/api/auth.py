"""Bearer API keys: who is calling, and may they."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from flask_smorest import Blueprint, abort

from gateway.domain.access import Actor
from gateway.bootstrap import Services
from gateway.services.keys import KeyService

F = TypeVar("F", bound=Callable[..., Any])

SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "description": "API key: Authorization: Bearer gw_…"}


def current_actor() -> Actor:
    """The actor the request authenticated as (only inside protected views)."""
    return cast(Actor, g.actor)


def protected(blp: Blueprint, permission: str | None = None) -> Callable[[F], F]:
    """Require a valid key (and a permission); documents 401/403 on the operation."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, key = header.partition(" ")
            if scheme.lower() != "bearer" or not key.strip():
                abort(401, message="missing API key: send Authorization: Bearer <key>",
                      headers={"WWW-Authenticate": "Bearer"})
            keys: KeyService = services().keys
            actor = keys.authenticate(key.strip())
            if actor is None:
                abort(401, message="unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"})
            if permission and not actor.can(permission):
                abort(403, message=f"role '{actor.role}' may not {permission}")
            g.actor = actor
            return view(*args, **kwargs)

        documented = blp.doc(security=[{"bearerAuth": []}])(wrapper)
        documented = blp.alt_response(401, description="missing, unknown or revoked API key")(documented)
        documented = blp.alt_response(403, description="the key's role may not do this")(documented)
        return cast(F, documented)

    return decorate


def services() -> Services:
    """The services wired for this app."""
    return cast(Services, current_app.extensions["gateway"])
