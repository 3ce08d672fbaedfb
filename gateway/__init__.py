"""District integration gateway: 12345 hotline, government website and comprehensive windows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing gateway.domain from an adapter does not build the whole app module graph.
    if name == "create_app":
        from gateway.app import create_app

        return create_app
    raise AttributeError(name)
