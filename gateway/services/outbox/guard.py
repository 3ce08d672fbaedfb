"""Who may act on the outbox: one check for the use cases of its messages, dead letters and publications."""

from __future__ import annotations

from gateway.domain.access import Actor
from gateway.domain.errors import Forbidden


def require(actor: Actor, *permissions: str) -> None:
    """Refuse the actor unless its role has every permission given (checked in that order)."""
    for permission in permissions:
        if not actor.can(permission):
            raise Forbidden(f"role '{actor.role}' may not {permission}")
