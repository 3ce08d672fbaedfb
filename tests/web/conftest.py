from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway.services.accounts import passwords as passwords_module
from tests.web.seed import PASSWORD, seed_accounts, seed_items


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Still scrypt, with a smaller cost: dozens of accounts per run would otherwise take seconds.
    monkeypatch.setattr(passwords_module, "HASH_METHOD", "scrypt:4096:8:1")


@pytest.fixture
def accounts(app: Flask) -> None:
    seed_accounts(app)


@pytest.fixture
def items(services: Any) -> None:
    seed_items(services)


def csrf_of(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        token = session.get("csrf")
    if token is None:
        page = client.get("/console/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return str(token)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/console/login", data={"username": username, "password": password, "csrf_token": csrf_of(client)}
    )


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return client.post(path, data={**(data or {}), "csrf_token": csrf_of(client)}, **kwargs)


@pytest.fixture
def as_role(app: Flask, accounts: None):  # type: ignore[no-untyped-def]
    def make(username: str) -> FlaskClient:
        client = app.test_client()
        response = login(client, username)
        assert response.status_code == 302, response.text
        return client

    return make


def flashes(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<p class="flash flash-\w+">([^<]+)</p>', html)]


# Chromium for the browser tests (test_browser*.py): one Playwright per process, so defined once here —
# a session fixture imported into two modules would start two, which Playwright's sync API refuses.
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _required() -> bool:
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return ci or os.environ.get("GATEWAY_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (/usr/bin/chromium): apt-get install -y chromium"
        if _required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    yield chromium
    chromium.close()
    playwright.stop()
