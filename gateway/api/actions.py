"""What every POST action on one record declares: its body, its answer, 404, 409 and the permission.

The route itself stays written out next to each view (`@blp.route(f"/{ID}/resend", ...)`), so a reader
finds an action by its URL; this module gathers the decorators the actions repeat, and the one view
that every record's reveal (查看完整信息) is, its URL written where it is made
(`reveal_view(blp, f"/{ID}/reveal", ...)`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from marshmallow import Schema

from gateway.api.auth import current_actor, protected
from gateway.api.spec import links
from gateway.domain.access import PII, Actor
from gateway.services.snapshots import Citizen
from schemas.inquiry import CitizenOut, RevealIn

F = TypeVar("F", bound=Callable[..., Any])
# A service's reveal(record id, reason, actor): the person in full, the read audited with its reason.
Reveal = Callable[[int, str, Actor], Citizen]


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


def reveal_view(
    blp: Any, rule: str, person: str, missing: str, reveal: Callable[[], Reveal]
) -> Callable[..., Citizen]:
    """The POST at `rule` (view ``reveal_<person>``) showing one record's person in full (查看完整信息)."""

    def view(data: dict[str, Any], **record: int) -> Citizen:
        (record_id,) = record.values()  # the rule's one variable, named after the record (app_id, inquiry_id)
        return reveal()(record_id, data["reason"], current_actor())

    view.__name__ = f"reveal_{person}"
    view.__doc__ = f"The {person}'s name, phone and ID number in full; each read is audited with its reason."
    documented = action(blp, RevealIn, CitizenOut, PII, missing=missing)(view)
    return blp.route(rule, methods=["POST"])(documented)  # type: ignore[no-any-return]
