"""The demo's stand-ins for the external systems: every simulator on the port config.yaml names."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from adapters import catalog_source, department, dept_hotline, hotline, website, window
from adapters.base.simulator import ServerThread
from adapters.department.sim_state import AutoDecide
from gateway.bootstrap import Services
from gateway.config import Settings
from gateway.demo import ADMIN
from gateway.domain.errors import DomainError
from gateway.domain.lifecycle import Action
from gateway.services.inquiries import InquiryFilter

log = logging.getLogger("gateway.demo")

CATALOG_SIZE = 3000  # items the demo's provincial catalog serves (the benchmark uses 100,000)


def start_simulators(settings: Settings, gateway_url: str) -> dict[str, ServerThread]:
    """Start each simulator where the gateway expects it, pushing signed webhooks to gateway_url."""
    factories = {
        "hotline": hotline.create_simulator,
        "website": website.create_simulator,
        "window": window.create_simulator,
        "department": department.create_simulator,
    }
    servers: dict[str, ServerThread] = {}
    for name, factory in factories.items():
        app = factory(f"{gateway_url}/webhooks/{name}", list(settings.webhook_secrets.get(name, ())) or None)
        servers[name] = _serve(app, settings.systems[name].base_url)
    # The departments' reviewers decide by themselves in the demo, a few seconds after each task arrives.
    servers["department"].app.extensions["simulator"].set_auto(AutoDecide(delay=5.0))
    servers["catalog_source"] = _serve(
        catalog_source.create_simulator(size=CATALOG_SIZE), settings.systems["catalog_source"].base_url
    )
    for line in settings.dept_lines:
        app = dept_hotline.create_simulator(
            line.code,
            line.name,
            f"{gateway_url}/webhooks/dept_hotline",
            list(settings.webhook_secrets.get("dept_hotline", ())) or None,
        )
        servers[f"dept_hotline:{line.code}"] = _serve(app, line.endpoint.base_url)
    return servers


def _serve(app: object, base_url: str) -> ServerThread:
    parts = urlsplit(base_url)
    server = ServerThread(app, host=parts.hostname or "127.0.0.1", port=parts.port or 80)  # type: ignore[arg-type]
    return server.start()


def wait_for(url: str, seconds: float = 60) -> bool:
    """Wait until the gateway answers /healthz."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return False


def seed_traffic(services: Services, servers: dict[str, ServerThread]) -> int:
    """Citizens' messages through each simulator (so both sides know them), then some handling.

    Runs once, on an empty database, so that restarting the demo does not pile up copies.
    """
    if services.inquiries.find(InquiryFilter(), ADMIN, offset=0, limit=1).total:
        return 0
    sims = {name: server.app.extensions["simulator"] for name, server in servers.items()}
    lines = [s for n, s in sims.items() if n.startswith("dept_hotline:")]
    plan: list[tuple[str, Callable[[], object], list[tuple[Action, dict[str, Any]]]]] = [
        ("website", lambda: sims["website"].submit_message(), [(Action.ACKNOWLEDGE, {"note": "已签收"})]),
        (
            "website",
            lambda: sims["website"].submit_message(
                boxType="ZXZX",
                subject="小区电梯长期故障无人维修",
                content="仓前街道某小区3号楼电梯已停运两周,老人上下楼困难,物业推诿。",
            ),
            [
                (Action.ACKNOWLEDGE, {}),
                (
                    Action.REPLY,
                    {
                        "note": "已约谈物业公司,电梯已于本周修复",
                        "public_reply": "经核查,该小区电梯已修复并通过检验,我局将督促物业加强日常维保。",
                    },
                ),
            ],
        ),
        ("hotline", lambda: sims["hotline"].push_work_order(), []),
        (
            "hotline",
            lambda: sims["hotline"].push_work_order(),
            [
                (Action.ACKNOWLEDGE, {}),
                (Action.REQUEST_EXTENSION, {"workdays": 5, "reason": "需会同相关部门现场核查"}),
            ],
        ),
        ("window", lambda: sims["window"].log_inquiry(), []),
    ]
    plan += [("dept_hotline", line.transfer_call, [(Action.ACKNOWLEDGE, {})]) for line in lines]
    seeded = 0
    for channel, push, actions in plan:
        try:
            push()
        except Exception as err:  # noqa: BLE001 - demo traffic is best effort
            log.warning("demo push to %s failed: %s", channel, err)
            continue
        newest = services.inquiries.find(InquiryFilter(channel=channel), ADMIN, offset=0, limit=1).items
        if not newest:
            continue
        seeded += 1
        for action, data in actions:
            try:
                services.inquiries.act(newest[0].id, action, data, ADMIN)
            except DomainError as err:
                log.info("demo action %s skipped: %s", action.value, err)
    return seeded


def run_forever(services: Services, gateway_url: str, traffic: bool) -> None:
    """Serve the simulators until interrupted; on a fresh database, push demo traffic once the gateway
    is up."""
    servers = start_simulators(services.settings, gateway_url)
    for name, server in servers.items():
        log.info("simulator %s at %s", name, server.url)
    if traffic and wait_for(gateway_url):
        log.info("demo traffic: %s inquiries through the simulators", seed_traffic(services, servers))
        if services.catalog.search(None, limit=1).total == 0:
            report = services.catalog_sync().run(full=True)
            log.info("demo catalog: %s items synced from the provincial platform", report.new)
    stop = threading.Event()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers.values():
            server.stop()
