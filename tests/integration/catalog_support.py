"""The 事项库 simulator over real HTTP and a gateway that syncs from it, for the catalog tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from adapters.base.simulator import ServerThread
from adapters.catalog_source import create_simulator
from gateway import create_app
from gateway.bootstrap import Services
from gateway.config import Settings, SystemEndpoint
from tests.conftest import FakeClock


@contextmanager
def catalog_source(seed: int, size: int) -> Iterator[ServerThread]:
    """The simulated provincial platform, serving `size` generated items."""
    server = ServerThread(create_simulator(seed=seed, size=size)).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def gateway_on(settings: Settings, source: ServerThread) -> Iterator[Services]:
    """The gateway's services with catalog_source pointed at the simulator."""
    systems = {**settings.systems, "catalog_source": SystemEndpoint(source.url, 10)}
    app = create_app(dataclasses.replace(settings, systems=systems), clock=FakeClock(), TESTING=True)
    services: Services = app.extensions["gateway"]
    try:
        yield services
    finally:
        services.close()


@pytest.fixture
def gw(settings: Settings, source: ServerThread) -> Iterator[Services]:
    """The gateway's services synced from the module's own `source` fixture."""
    with gateway_on(settings, source) as services:
        yield services
