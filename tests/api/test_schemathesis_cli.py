"""Schemathesis as an outside client runs it: its CLI, every check and every phase, stateful included,
against the gateway served by gunicorn, with an admin key made by `flask keys create`.

The database is a fresh SQLite file, migrated by `flask db upgrade`; two catalog items are written into it
(the catalog comes from the provincial platform, which is not running here), and a few inquiries and
applications are taken in through the API, so that the listings' links lead the stateful phase to records
in several states. Schemathesis reads its settings from the repository's schemathesis.toml.

The run is bounded by time: fuzzing and stateful testing repeat until GATEWAY_SCHEMATHESIS_SECONDS (150) are
spent; GATEWAY_SCHEMATHESIS_EXAMPLES sets the examples per operation and per stateful pass (schemathesis.toml:
25 and 200);
GATEWAY_SCHEMATHESIS_SEED repeats a run (schemathesis prints its seed).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from gateway import create_app
from tests.conftest import ROOT, inquiry_payload, settings_for
from tests.web.seed import FOOD, LEGAL_AID, seed_items

pytestmark = pytest.mark.slow

# Fuzzing and stateful testing repeat until this many seconds are spent (the coverage phase runs once).
SECONDS = os.environ.get("GATEWAY_SCHEMATHESIS_SECONDS", "150")
EXAMPLES = os.environ.get("GATEWAY_SCHEMATHESIS_EXAMPLES")  # else schemathesis.toml's budget
SEED = os.environ.get("GATEWAY_SCHEMATHESIS_SEED")
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Gateway:
    url: str
    key: str


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - the venv's own tools, fixed arguments
        [_tool("flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _wait_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn not ready within 60 s:\n{log.read_text()}")


def _post(gateway: Gateway, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = requests.post(
        f"{gateway.url}/api/v1{path}",
        json=body or {},
        headers={"Authorization": f"Bearer {gateway.key}"},
        timeout=10,
    )
    assert response.status_code in (200, 201), (path, response.status_code, response.text)
    answer: dict[str, Any] = response.json()
    return answer


def _call(**overrides: Any) -> dict[str, Any]:
    """A call logged at the hotline; the 12345 work-order id comes only from the platform's webhook."""
    payload = inquiry_payload(**overrides)
    payload.pop("external_id", None)
    return payload


def _take_in_work(gateway: Gateway) -> None:
    """Inquiries received, dispatched and closed; applications complete and 容缺 (material owed)."""
    for content, title in (("路灯坏了三天。", "路灯不亮"), ("来电人咨询申请法律援助需要哪些材料。", None)):
        _post(gateway, "/inquiries", _call(kind="help", content=content, title=title))
    closed = _post(gateway, "/inquiries", _call())
    for action, body in (
        ("acknowledge", {}),
        ("reply", {"note": "已答复", "public_reply": "已电话答复来电人"}),
        ("callback", {"satisfaction": "satisfied", "solved": True}),
        ("close", {}),
    ):
        _post(gateway, f"/inquiries/{closed['id']}/{action}", body)
    applicant = {"name": "陈晓燕", "phone": "13805912345"}
    for code, materials in (
        (FOOD, ["营业执照", "食品经营许可申请书"]),
        (LEGAL_AID, ["居民身份证", "法律援助申请表"]),
    ):
        body = {
            "item_codes": [code],
            "applicant": applicant,
            "materials": {code: materials},
            "window": "综合窗口1号",
        }
        _post(gateway, "/applications", body)


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Gateway]:
    database = f"sqlite:///{tmp_path / 'gateway.db'}"
    env = {
        **os.environ,
        "GATEWAY_DATABASE_URL": database,
        "GATEWAY_SECRET_KEY": "schemathesis-run",
        "GATEWAY_CALLER_KEY_SECRET": "schemathesis-run",
    }
    env.pop("GATEWAY_CONFIG", None)
    _flask(env, "db", "upgrade")
    key = re.search(r": (gw_\S+)", _flask(env, "keys", "create", "--role", "admin", "--name", "schemathesis"))
    assert key is not None
    seeding = create_app(settings_for(database))
    seed_items(seeding.extensions["gateway"])
    seeding.extensions["gateway"].close()

    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - the venv's own gunicorn, fixed arguments
            [
                _tool("gunicorn"),
                "--config",
                "python:gateway.gunicorn_conf",
                "--no-control-socket",
                "wsgi:app",
            ],
            cwd=ROOT,
            env={**env, "GATEWAY_BIND": f"127.0.0.1:{port}", "GATEWAY_WORKERS": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, server, log)
        running = Gateway(url, key.group(1))
        _take_in_work(running)
        yield running
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    errors = [line for line in log.read_text().splitlines() if "Traceback" in line or " ERROR " in line]
    assert errors == [], log.read_text()


def test_schemathesis_run_with_every_check_and_phase_finds_nothing(gateway: Gateway, tmp_path: Path) -> None:
    command = [
        _tool("schemathesis"),
        "--config-file",
        str(ROOT / "schemathesis.toml"),
        "run",
        f"{gateway.url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {gateway.key}",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-time",
        SECONDS,
        "--generation-database",
        "none",
        "--no-color",
        *(["--max-examples", EXAMPLES] if EXAMPLES else []),
        *(["--seed", SEED] if SEED else []),
    ]
    limit = float(SECONDS) + 600
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=limit)  # noqa: S603
    output = done.stdout + done.stderr
    print(output)  # shown with -rP, and by pytest on a failure
    assert done.returncode == 0, output
    summary = output[output.rfind("SUMMARY") :]
    assert "Stateful" in summary and "❌" not in summary, output
    # The stateful phase ran, and followed the links into the records and their actions.
    scenarios = re.search(r"Scenarios:\s+(\d+)", output)
    covered = re.search(r"API Links:\s+(\d+) covered", output)
    assert scenarios is not None and int(scenarios.group(1)) > 0, output
    assert covered is not None and int(covered.group(1)) > 0, output
