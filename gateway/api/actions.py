"""What every POST action on one record declares: its body, its answer, 404, 409 and the permission.

The route itself stays written out next to each view (`@blp.route(f"/{ID}/resend", ...)`), so a reader
finds an action by its URL; this module only gathers the decorators the actions repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from marshmallow import Schema

from gateway.api.auth import protected
from gateway.api.spec import links

F = TypeVar("F", bound=Callable[..., Any])


def action(
    blp: Any,
    body: type[Schema],
    response: type[Schema],
    permission: str,
    *,
    missing: str,
    conflict: str | None = None,
    follow_ups: Mapping[str, Mapping[str, Any]] | None = None,
    status: int = 200,
) -> Callable[[F], F]:
    """Decorator: the view takes `body`, answers `response` linking to `follow_ups`; 404 and 409 too."""

    def decorate(view: F) -> F:
        documented: Any = protected(blp, permission)(view)
        if conflict is not None:
            documented = blp.alt_response(409, description=conflict)(documented)
        documented = blp.alt_response(404, description=missing)(documented)
        if follow_ups is not None:
            documented = links(blp, [status], follow_ups)(documented)
        documented = blp.response(status, response)(documented)
        documented = blp.arguments(body)(documented)
        return documented  # type: ignore[no-any-return]

    return decorate


def reading(blp: Any, response: Schema, permission: str, *, missing: str) -> Callable[[F], F]:
    """Decorator: a GET of something of one record, answered with `response`, 404 documented."""

    def decorate(view: F) -> F:
        documented: Any = protected(blp, permission)(view)
        documented = blp.alt_response(404, description=missing)(documented)
        return blp.response(200, response)(documented)  # type: ignore[no-any-return]

    return decorate
