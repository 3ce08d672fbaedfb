from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from adapters import department, dept_hotline, hotline, website, window
from adapters.base.simulator import ServerThread
from adapters.base.webhooks import new_secret
from gateway import create_app
from gateway.bootstrap import Services
from gateway.config import DeptLine, Settings, SystemEndpoint
from gateway.delivery.worker import DeliveryWorker
from tests.conftest import FakeClock

SIMULATORS = {
    "hotline": hotline.create_simulator,
    "website": website.create_simulator,
    "window": window.create_simulator,
    "dept_hotline": dept_hotline.create_simulator,
    "department": department.create_simulator,
}


@dataclass
class World:
    """The gateway and every simulator, each a real HTTP server on an ephemeral port."""

    app: Flask
    gateway: ServerThread
    sims: dict[str, ServerThread]
    clock: FakeClock
    secrets: dict[str, list[str]]
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    workers: list[DeliveryWorker] = field(default_factory=list)

    @property
    def services(self) -> Services:
        services: Services = self.app.extensions["gateway"]
        return services

    def sim(self, system: str) -> Any:
        return self.sims[system].app.extensions["simulator"]

    def worker(self, name: str = "w1") -> DeliveryWorker:
        worker = self.services.delivery_worker(name)
        self.workers.append(worker)
        return worker

    def drain(self, rounds: int = 20, step_seconds: float = 1000) -> None:
        """Deliver everything, moving the clock past each backoff."""
        worker = self.workers[0] if self.workers else self.worker()
        for _ in range(rounds):
            worker.drain()
            self.clock.advance(seconds=step_seconds)

    def restart(self, system: str) -> None:
        old = self.sims[system]
        old.stop()
        self.sims[system] = ServerThread(old.app, port=old.port).start()


def _configure(settings: Settings, sims: dict[str, ServerThread], secrets: dict[str, list[str]]) -> Settings:
    endpoint = lambda name: SystemEndpoint(base_url=sims[name].url, timeout_seconds=1.0)  # noqa: E731
    line = settings.dept_lines[0]
    return dataclasses.replace(
        settings,
        systems={
            **settings.systems,
            **{name: endpoint(name) for name in ("hotline", "website", "window", "department")},
        },
        dept_lines=(
            DeptLine(line.code, line.name, line.department, endpoint("dept_hotline"), line.transfer_kinds),
        ),
        webhook_secrets={name: tuple(values) for name, values in secrets.items()},
        delivery=dataclasses.replace(
            settings.delivery,
            backoff_base_seconds=1,
            backoff_cap_seconds=60,
            breaker_failures=50,
            lease_seconds=30,
            concurrency=4,
        ),
    )


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    secrets = {name: [new_secret()] for name in SIMULATORS}
    sims = {name: ServerThread(factory()) for name, factory in SIMULATORS.items()}
    clock = FakeClock()
    app = create_app(_configure(settings, sims, secrets), clock=clock, TESTING=True)
    gateway = ServerThread(app)
    for name, server in sims.items():
        state = server.app.extensions["simulator"]
        state.gateway_webhook_url = f"{gateway.url}/webhooks/{name}"
        state.webhook_secrets = secrets[name]
        server.start()
    gateway.start()
    world = World(app=app, gateway=gateway, sims=sims, clock=clock, secrets=secrets)
    keys = app.extensions["gateway"].keys
    for role, dept in (
        ("operator", None),
        ("department", "SFJ"),
        ("supervisor", None),
        ("admin", None),
        ("window", None),
    ):
        _, key = keys.create(f"e2e-{role}", role, dept)
        world.headers[role] = {"Authorization": f"Bearer {key}"}
    yield world
    for worker in world.workers:
        worker.close()
    gateway.stop()
    for server in world.sims.values():
        server.stop()
    app.extensions["gateway"].close()
