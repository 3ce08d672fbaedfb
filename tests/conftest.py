from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, make_server

from adapters.base.http import make_session
from adapters.base.simulator import ServerThread
from gateway import create_app
from gateway.bootstrap import Services
from gateway.config import Settings, load_settings
from gateway.persistence import migrate
from gateway.persistence.db import make_engine
from gateway.persistence.models import AuditEntry
from tests.postgres import PgDatabase, pg, pg_database, pg_engine  # noqa: F401 - fixtures
from tests.s3 import moto_server, s3_bucket  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parent.parent
Start = Callable[[Flask], ServerThread]

# The database is a parameter of `db_url` (and so of settings, app, services, client): SQLite by default;
# a test or module marked with one of these runs on PostgreSQL too, or only, under the postgres mark.
SQLITE, POSTGRES = "sqlite", "postgres"
on_postgres = pytest.mark.parametrize(
    "db_url", [pytest.param(POSTGRES, marks=pytest.mark.postgres)], indirect=True
)
on_both = pytest.mark.parametrize(
    "db_url", [SQLITE, pytest.param(POSTGRES, marks=pytest.mark.postgres)], indirect=True
)


class FakeClock:
    """A clock tests move by hand; starts Monday 2026-11-23 10:00 Beijing time."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def start() -> Iterator[Start]:
    """Start a simulator (or any Flask app) as a real HTTP server; every one is stopped after the test."""
    servers: list[ServerThread] = []

    def _start(app: Flask) -> ServerThread:
        server = ServerThread(app).start()
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()


@pytest.fixture
def session() -> Iterator[requests.Session]:
    """The HTTP session the adapters' clients share in a test."""
    opened = make_session()
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "gateway.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def settings_for(url: str) -> Settings:
    return load_settings(
        ROOT / "config.yaml",
        env={
            "GATEWAY_DATABASE_URL": url,
            "GATEWAY_SECRET_KEY": "test",
            "GATEWAY_CALLER_KEY_SECRET": "test-caller-key",
        },
    )


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database for the test: a copy of the SQLite template, or the truncated PostgreSQL one."""
    if getattr(request, "param", SQLITE) == POSTGRES:
        database: PgDatabase = request.getfixturevalue("pg")
        return database.url
    target = tmp_path / "gateway.db"
    shutil.copy(request.getfixturevalue("migrated_template"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    settings = settings_for(db_url)
    # Each test's attachments in its own directory, never the checkout's var/.
    blobs = dataclasses.replace(settings.attachments, directory=str(tmp_path / "attachments"))
    return dataclasses.replace(settings, attachments=blobs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(settings: Settings, clock: FakeClock) -> Iterator[Flask]:
    app = create_app(settings, clock=clock, TESTING=True)
    yield app
    app.extensions["gateway"].close()


@pytest.fixture
def services(app: Flask) -> Services:
    services: Services = app.extensions["gateway"]
    return services


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app over real HTTP, threaded, for tests that race requests against each other."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    # Non-daemon request threads are joined by server_close(), so none outlives the test (and the engine).
    server.daemon_threads = False  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def auth(services: Services) -> dict[str, dict[str, str]]:
    """Authorization headers per role; 'department' is a 区司法局 (SFJ) key, 'department_hbj' for
    区生态环境局."""
    headers: dict[str, dict[str, str]] = {}
    specs: list[tuple[str, str, str | None]] = [
        ("operator", "话务员甲", None),
        ("window", "窗口乙", None),
        ("department", "司法局经办人", "SFJ"),
        ("supervisor", "督办员", None),
        ("admin", "管理员", None),
        ("system:hotline", "12345平台", None),
        ("system:website", "网站互动系统", None),
    ]
    for role, name, dept in specs:
        _, key = services.keys.create(name, role, dept)
        headers[role] = {"Authorization": f"Bearer {key}"}
    _, key = services.keys.create("环境局经办人", "department", "HBJ")
    headers["department_hbj"] = {"Authorization": f"Bearer {key}"}
    return headers


def inquiry_payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "hotline",  # an operator's call: the 12345 work-order id comes only from the platform
        "kind": "consult",
        "title": "申请法律援助需要什么材料",
        "content": "来电人咨询申请法律援助需要准备哪些材料。",
        "district": "临江街道",
        "citizen": {"name": "林建华", "phone": "13905911234", "id_number": "350104198805061234"},
        "public_consent": True,
    }
    body.update(overrides)
    return body


AUDIT_FIELDS = ("actor", "action", "subject_type", "subject_id", "reason")


def audit_rows(services: Services, fields: tuple[str, ...] = AUDIT_FIELDS) -> list[tuple[Any, ...]]:
    """The audit log, oldest first, each entry as a tuple of the named fields."""
    with services.db.read() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [tuple(getattr(e, name) for name in fields) for e in entries]
