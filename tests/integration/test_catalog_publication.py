from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import requests

from adapters.base.http import HttpClient
from adapters.base.port import Outbound, OutboundMessage
from adapters.base.simulator import Fault, SimulatorState
from adapters.hotline import HotlineClient
from adapters.hotline import create_simulator as create_hotline
from adapters.hotline.sim_state import HotlineState
from adapters.website import WebsiteClient
from adapters.website import create_simulator as create_website
from adapters.website.sim_state import WebsiteState
from adapters.window import WindowClient, WindowState
from adapters.window import create_simulator as create_window
from gateway.domain.errors import UpstreamError
from tests.conftest import Start
from tests.factories import keys_of, names

EVENT = "catalog.items_changed"
COUNT = 300
RETIRED = 17  # the index of the item that is retired in the batch
GONE = "350104-MZJ-QR-99999-000"  # listed in item_codes, deleted before sending
GATEWAY_NAMES = names("catalog.gateway_names")
BASES = [
    ("法律援助申请", "public_service", "SFJ", "区司法局"),
    ("结婚登记", "confirmation", "MZJ", "区民政局"),
    ("食品经营许可", "licensing", "SJJ", "区市场监督管理局"),
]
# The operation each simulator records a catalog call under, and the calls 301 codes take (pages of 500,
# 200 and 100 codes; the deleted code still counts where pages are cut).
OPERATIONS = {"website": ("publish_guides", 1), "hotline": ("plgx", 2), "window": ("sync_items", 4)}


@dataclass
class System:
    name: str
    url: str
    state: SimulatorState
    client: Outbound


@pytest.fixture
def systems(start: Start, session: requests.Session) -> dict[str, System]:
    found: dict[str, System] = {}
    for name, app, client in (
        ("website", create_website(), WebsiteClient),
        ("hotline", create_hotline(), HotlineClient),
        ("window", create_window(), WindowClient),
    ):
        server = start(app)
        http = HttpClient(name, server.url, session, timeout=(1, 5))
        found[name] = System(name, server.url, app.extensions["simulator"], client(http))
    return found


def item(n: int, **overrides: Any) -> dict[str, Any]:
    base, item_type, dept, dept_name = BASES[n % len(BASES)]
    code = f"350104-{dept}-{n:05d}-000"
    data: dict[str, Any] = {
        "item_code": code,
        "name": f"{base}（第{n}号）",
        "item_type": item_type,
        "item_type_label": "公共服务",
        "department": dept,
        "department_name": dept_name,
        "promised_days": n % 6,
        "statutory_days": 20,
        "retired": False,
        "parent_code": None,
        "legal_basis": "《法律援助条例》第十条",
        "materials": [
            {"name": "居民身份证", "form": "original", "copies": 1, "required": True, "key": True},
            {"name": f"经济困难证明{n}", "form": "copy", "copies": 2, "required": True, "key": False},
        ],
        "steps": [{"order": 1, "name": "受理", "description": "窗口收件"}, {"order": 2, "name": "审查"}],
        "fee": "不收费" if n % 2 else "工本费10元",
        "place": "仓山区政务服务中心一楼",
        "windows": ["综合受理A01"],
        "online_url": f"https://zwfw.example.gov.cn/item/{n}",
        "consult_phone": "0591-83000001",
        "complaint_phone": "12345",
        "keywords": [base, f"编号{n}"],
        "guide": f"{base}办事指南：申请人持有效证件到窗口办理。",
        "accepts_incomplete": n % 3 == 0,
        "version": 2,
        "source_updated_at": "2026-11-26T10:15:00+08:00",
    }
    data.update(overrides)
    return data


def batch(key: str = "catalog-run7-page0", items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    if items is None:
        items = [item(n, retired=n == RETIRED) for n in range(COUNT)]
    return {"item_codes": sorted([i["item_code"] for i in items] + [GONE]), "sync_run_id": 7, "items": items}


def message(system: System, payload: dict[str, Any], key: str = "catalog-run7-page0") -> OutboundMessage:
    return OutboundMessage(
        id=1,
        target=system.name,
        event_type=EVENT,
        payload=payload,
        idempotency_key=f"{key}-{system.name}",
        attempt=1,
    )


def held(systems: dict[str, System]) -> dict[str, int]:
    """How many items each system holds (withdrawn ones too)."""
    website, hotline, window = systems["website"].state, systems["hotline"].state, systems["window"].state
    assert isinstance(website, WebsiteState) and isinstance(hotline, HotlineState)
    assert isinstance(window, WindowState)
    return {
        "website": len(website.guides),
        "hotline": len(hotline.knowledge.all()),
        "window": len(window.catalog_items()) + len(window.catalog_items(zt="0")),
    }


def test_each_system_takes_the_batch_once_even_when_it_is_resent(systems: dict[str, System]) -> None:
    payload = batch()
    for system in systems.values():
        system.client.send(message(system, payload))
        system.client.send(message(system, payload))  # the outbox resends after a lost answer
    assert held(systems) == {"website": COUNT, "hotline": COUNT, "window": COUNT}
    for name, (operation, calls) in OPERATIONS.items():
        state = systems[name].state
        assert len(state.accepted(operation)) == calls
        assert len(state.received) == 2 * calls
        keys = [r.idempotency_key for r in state.accepted(operation)]
        base = f"catalog-run7-page0-{name}"
        assert keys == ([base] if calls == 1 else [f"{base}-{n}" for n in range(1, calls + 1)])


def test_the_website_publishes_guides_a_citizen_can_find(systems: dict[str, System]) -> None:
    website = systems["website"]
    website.client.send(message(website, batch()))
    guides = f"{website.url}/interact/api/public/guides"
    found = requests.get(guides, params={"keyword": "结婚登记"}, timeout=5)
    assert found.status_code == 200
    data = found.json()["data"]
    assert data["total"] == len([n for n in range(COUNT) if n % 3 == 1 and n != RETIRED])
    assert data["list"][0]["deptName"] == "区民政局"
    shown = requests.get(f"{website.url}/interact/api/public/guides/{item(1)['item_code']}", timeout=5).json()
    assert shown["success"] is True
    assert shown["data"]["materialList"][0]["materialName"] == "居民身份证"
    assert "publishState" not in shown["data"]


def test_a_withdrawn_item_is_not_visible_publicly(systems: dict[str, System]) -> None:
    for system in systems.values():
        system.client.send(message(system, batch()))
    retired = item(RETIRED)
    website, hotline, window = systems["website"], systems["hotline"], systems["window"]

    listed = requests.get(
        f"{website.url}/interact/api/public/guides", params={"keyword": retired["name"]}, timeout=5
    )
    assert listed.json()["data"]["total"] == 0
    everything = requests.get(f"{website.url}/interact/api/public/guides", timeout=5).json()
    assert everything["data"]["total"] == COUNT - 1
    page = requests.get(f"{website.url}/interact/api/public/guides/{retired['item_code']}", timeout=5)
    assert (page.status_code, page.json()["errorCode"]) == (404, "GUIDE_NOT_FOUND")

    search = requests.get(f"{hotline.url}/api/zsk/cx", params={"gjc": retired["name"]}, timeout=5).json()
    assert search["data"]["zs"] == 0
    entry = requests.get(f"{hotline.url}/api/zsk/xq", params={"zsbh": retired["item_code"]}, timeout=5).json()
    assert entry["data"]["zszt"] == "0"

    in_use = requests.get(f"{window.url}/ckxt/api/sx", params={"bldw": retired["department_name"]}, timeout=5)
    assert retired["item_code"] not in [i["sxbm"] for i in in_use.json()["data"]["lb"]]
    stopped = requests.get(f"{window.url}/ckxt/api/sx", params={"zt": "0"}, timeout=5).json()["data"]
    assert [i["sxbm"] for i in stopped["lb"]] == [retired["item_code"]]


def test_a_published_guide_is_withdrawn_by_a_later_message(systems: dict[str, System]) -> None:
    website = systems["website"]
    first, later = item(5), item(5, retired=True, version=3)
    website.client.send(message(website, batch(items=[first]), key="catalog-run7-page0"))
    url = f"{website.url}/interact/api/public/guides/{first['item_code']}"
    assert requests.get(url, timeout=5).status_code == 200
    website.client.send(message(website, batch(items=[later]), key="catalog-run8-page0"))
    assert requests.get(url, timeout=5).status_code == 404


def test_an_older_version_arriving_late_changes_nothing(systems: dict[str, System]) -> None:
    window = systems["window"]
    window.client.send(message(window, batch(items=[item(4, version=5, name="新名称")]), key="run9"))
    window.client.send(message(window, batch(items=[item(4, version=4)]), key="run8"))
    state = window.state
    assert isinstance(state, WindowState)
    stored = state.catalog_item(item(4)["item_code"])
    assert stored is not None and (stored["sxmc"], stored["bbh"]) == ("新名称", 5)


def test_the_knowledge_answer_tells_materials_and_time_limits(systems: dict[str, System]) -> None:
    hotline = systems["hotline"]
    hotline.client.send(message(hotline, batch()))
    found = requests.get(f"{hotline.url}/api/zsk/cx", params={"gjc": "第42号"}, timeout=5).json()
    assert found["code"] == "0000"
    [entry] = found["data"]["lb"]
    assert entry["zsbh"] == item(42)["item_code"]
    assert "居民身份证（原件1份，必须提交，核心要件）" in entry["zsnr"]
    assert "经济困难证明42（复印件2份，必须提交）" in entry["zsnr"]
    assert "法定办结时限：20个工作日；承诺办结时限：即办" in entry["zsnr"]
    assert "【收费标准】工本费10元" in entry["zsnr"]
    assert "【容缺受理】" in entry["zsnr"]


@pytest.mark.parametrize("name", ["website", "hotline", "window"])
def test_a_500_on_the_first_try_is_retryable_and_the_retry_delivers_once(
    systems: dict[str, System], name: str
) -> None:
    system = systems[name]
    system.state.inject(Fault(status=500))
    with pytest.raises(UpstreamError) as caught:
        system.client.send(message(system, batch()))
    assert caught.value.retryable and caught.value.status == 500
    system.client.send(message(system, batch()))
    operation, calls = OPERATIONS[name]
    assert len(system.state.accepted(operation)) == calls
    assert held(systems)[name] == COUNT


@pytest.mark.parametrize("name", ["hotline", "window"])
def test_a_failure_on_a_later_page_is_retried_without_redoing_the_earlier_ones(
    systems: dict[str, System], name: str
) -> None:
    system = systems[name]
    system.state.inject(Fault(status=None))  # the first page passes
    system.state.inject(Fault(status=503))
    with pytest.raises(UpstreamError) as caught:
        system.client.send(message(system, batch()))
    assert caught.value.retryable
    system.client.send(message(system, batch()))
    operation, calls = OPERATIONS[name]
    assert len(system.state.accepted(operation)) == calls
    assert [r.duplicate for r in system.state.received][0:2] == [False, True]
    assert held(systems)[name] == COUNT


def test_no_gateway_field_name_reaches_any_system(systems: dict[str, System]) -> None:
    for system in systems.values():
        system.client.send(message(system, batch()))
        bodies = [r.body for r in system.state.received]
        assert bodies
        assert not GATEWAY_NAMES & set(keys_of(bodies)), system.name


@pytest.mark.parametrize("name", ["website", "hotline", "window"])
def test_a_payload_that_cannot_be_mapped_is_refused_without_a_call(
    systems: dict[str, System], name: str
) -> None:
    system = systems[name]
    unfilled = {"item_codes": [item(1)["item_code"]], "sync_run_id": 7}  # never hydrated
    with pytest.raises(UpstreamError) as caught:
        system.client.send(message(system, unfilled))
    assert not caught.value.retryable
    assert "items" in caught.value.reason
    assert system.state.received == []


@pytest.mark.parametrize("name", ["website", "hotline", "window"])
def test_only_deleted_items_mean_nothing_to_send(systems: dict[str, System], name: str) -> None:
    system = systems[name]
    system.client.send(message(system, {"item_codes": [GONE], "sync_run_id": 7, "items": []}))
    assert system.state.received == []


def test_simulators_refuse_calls_outside_their_protocols(systems: dict[str, System]) -> None:
    website, hotline, window = (systems[n].url for n in ("website", "hotline", "window"))
    guide = {"itemCode": "X1", "publishState": "Y", "versionNo": 1, "updateTime": "2026-11-26 10:15:00"}
    no_key = requests.post(f"{website}/interact/api/guides/batch", json={"guides": [guide]}, timeout=5)
    assert no_key.json()["errorCode"] == "IDEMPOTENCY_KEY_MISSING"
    missing = requests.post(
        f"{website}/interact/api/guides/batch",
        json={"guides": [guide]},
        headers={"Idempotency-Key": "a"},
        timeout=5,
    )
    assert (missing.status_code, missing.json()["errorMsg"]) == (400, "guides[0].itemName不能为空")

    entry = {
        "zsbh": "X1",
        "zsbt": "t",
        "zsnr": "n",
        "ssbmmc": "区司法局",
        "zszt": "1",
        "bbh": 1,
        "gxsj": "2026-11-26 10:15:00",
        "item_code": "X1",
    }
    leaked = requests.post(
        f"{hotline}/api/zsk/plgx", json={"lb": [entry]}, headers={"Idempotency-Key": "b"}, timeout=5
    )
    assert (leaked.status_code, leaked.json()["code"]) == (400, "E1003")
    assert "lb[0].item_code" in leaked.json()["msg"]

    stop = {"zt": "0", "bbh": 1, "gxsj": "2026-11-26 10:15:00"}
    too_many = {"sxlb": [{"sxbm": f"X{n}", **stop} for n in range(101)]}
    refused = requests.post(
        f"{window}/ckxt/api/sx/tb", json=too_many, headers={"Idempotency-Key": "c"}, timeout=5
    )
    assert (refused.status_code, refused.json()["ret"]) == (400, 1002)
