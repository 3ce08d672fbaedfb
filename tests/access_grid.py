"""What the hand-written access grids share (tests/api/test_*_access.py, test_role_matrix.py): one app on a
copy of the migrated database, with a key for each role."""

from __future__ import annotations

import hashlib
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from gateway import create_app
from gateway.domain.access import SCHEDULER_ROLE
from gateway.persistence.models import ApiKey
from tests.conftest import FakeClock, settings_for

# Every role a grid walks, written out by hand rather than read from gateway.domain.access.
ROLES = (
    "operator",
    "window",
    "department",
    "supervisor",
    "admin",
    "system:hotline",
    "system:website",
    "system:window",
    "system:dept_hotline",
    "system:department",
    "system:scheduler",
)


def plant_key(services: Any, role: str) -> str:
    """A key for a role no key is issued for (the scheduler's), written straight into the table."""
    clear = "gw_" + secrets.token_urlsafe(32)
    with services.db.unit_of_work() as session:
        session.add(
            ApiKey(
                name="督办任务",
                role=role,
                department_code=None,
                prefix=clear[:9],
                key_hash=hashlib.sha256(clear.encode()).hexdigest(),
                created_at=FakeClock()(),
            )
        )
    return clear


def grid_app(
    tmp_path_factory: pytest.TempPathFactory, template: Path, name: str, roles: Iterable[str]
) -> tuple[Flask, dict[str, dict[str, str]]]:
    """The app and each role's Authorization header (a department key is 区司法局's, SFJ)."""
    path = tmp_path_factory.mktemp(name) / "gateway.db"
    shutil.copy(template, path)
    app = create_app(settings_for(f"sqlite:///{path}"), clock=FakeClock(), TESTING=True)
    services = app.extensions["gateway"]
    headers: dict[str, dict[str, str]] = {}
    for role in roles:
        if role == SCHEDULER_ROLE:
            key = plant_key(services, role)
        else:
            _, key = services.keys.create(f"{name} {role}", role, "SFJ" if role == "department" else None)
        headers[role] = {"Authorization": f"Bearer {key}"}
    return app, headers
