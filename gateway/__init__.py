"""District integration gateway: 12345 hotline, government website and comprehensive windows."""

from gateway.app import create_app

__all__ = ["create_app"]
