"""What every command needs: the app's services, and domain errors shown as usage errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app

from gateway.domain.errors import DomainError
from gateway.services.container import Services


def services() -> Services:
    """The services the app factory built (the commands run inside the app's context)."""
    found: Services = current_app.extensions["gateway"]
    return found


@contextmanager
def usage_errors() -> Iterator[None]:
    """Show a refused operation (a DomainError) as click's usage error: its message, exit status 2."""
    try:
        yield
    except DomainError as err:
        raise click.UsageError(str(err)) from None
