"""The 12345 polling fallback over real HTTP: 回访 results that no push brought, each applied exactly once."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from adapters.base.simulator import ServerThread
from adapters.base.webhooks import new_secret
from adapters.hotline import create_simulator
from adapters.hotline.codes import BEIJING
from adapters.hotline.sim_state import HotlineState
from gateway import create_app
from gateway.bootstrap import Services
from gateway.config import Settings, SystemEndpoint
from gateway.domain.access import Actor
from gateway.domain.inbound import InboundEvent
from gateway.domain.lifecycle import Action
from gateway.jobs.hotline_poll import CURSOR, poll_hotline
from gateway.jobs.scheduler import JobSpec, hotline_poll_job, run_job
from gateway.persistence.catalog_models import JobRun
from gateway.persistence.models import Inquiry, InquiryEvent
from gateway.services.inbound import InboundService, Receipt
from tests.conftest import FakeClock

SECRET = new_secret()
OPERATOR = Actor("话务员甲", "operator")
RSJ = Actor("人社局经办人", "department", "RSJ")


class SimClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 9, 30, 0, tzinfo=BEIJING)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Platform:
    """The 12345 simulator on a real port, its memory and its clock."""

    server: ServerThread
    state: HotlineState
    clock: SimClock

    def control(self, path: str, **body: Any) -> Any:
        response = requests.post(f"{self.server.url}/_sim/{path}", json=body, timeout=5)
        assert response.status_code == 200, response.text
        return response.json()

    def call_back(self, gdbh: str, myd: str) -> None:
        """A 回访 one minute after the last change, recorded (and pushed only if pushing is on)."""
        self.clock.advance(minutes=1)
        self.control("push/callback", gdbh=gdbh, myd=myd, sfjj="1" if myd <= "3" else "0", hfsm="回访意见")

    def feedback(self, gdbh: str, key: str) -> None:
        """流转反馈 as the gateway sends it: it changes the work order's gxsj, not its 回访."""
        self.clock.advance(minutes=1)
        body = {"gdbh": gdbh, "czlx": "06", "gdzt": "60", "czsj": "2026-11-26 10:00:00", "czsm": "已回访"}
        response = requests.post(
            f"{self.server.url}/api/gd/lzfk", json=body, headers={"Idempotency-Key": key}, timeout=5
        )
        assert response.status_code == 200, response.text


@pytest.fixture
def platform() -> Iterator[Platform]:
    server = ServerThread(create_simulator()).start()
    state: HotlineState = server.app.extensions["simulator"]
    clock = SimClock()
    state.clock = clock
    yield Platform(server, state, clock)
    server.stop()


@pytest.fixture
def hotline_settings(settings: Settings, platform: Platform) -> Settings:
    return dataclasses.replace(
        settings,
        systems={**settings.systems, "hotline": SystemEndpoint(platform.server.url, timeout_seconds=2.0)},
        webhook_secrets={**settings.webhook_secrets, "hotline": (SECRET,)},
    )


@contextmanager
def gateway(settings: Settings, platform: Platform) -> Iterator[Services]:
    """One gateway instance on a real port, the platform pushing to it; a second one on the same
    database is the gateway restarted."""
    app = create_app(settings, clock=FakeClock(), TESTING=True)
    server = ServerThread(app).start()
    platform.state.gateway_webhook_url = f"{server.url}/webhooks/hotline"
    platform.state.webhook_secrets = [SECRET]
    try:
        yield app.extensions["gateway"]
    finally:
        server.stop()
        app.extensions["gateway"].close()


def inquiry_id(services: Services, gdbh: str) -> int:
    with services.db.read() as session:
        found = session.scalar(select(Inquiry.id).where(Inquiry.external_id == gdbh))
        assert found is not None
        return found


def status(services: Services, gdbh: str) -> str:
    return services.inquiries.get(inquiry_id(services, gdbh), OPERATOR).status


def replied_work_orders(platform: Platform, services: Services, n: int) -> list[str]:
    """n work orders the platform pushes (received by webhook), each answered by 区人社局: awaiting 回访."""
    orders = []
    for i in range(n):
        order = platform.state.push_work_order(
            bt="拖欠工资", sqnr=f"来电人反映公司拖欠第{i}批工人工资", sqlx="02"
        )
        push = platform.state.last_push()
        assert push is not None and push["status"] == 200, push
        orders.append(order["gdbh"])
    for gdbh in orders:
        number = inquiry_id(services, gdbh)
        if status(services, gdbh) == "received":  # no rule routed it
            services.inquiries.act(number, Action.DISPATCH, {"department": "RSJ"}, OPERATOR)
        services.inquiries.act(number, Action.ACKNOWLEDGE, {}, RSJ)
        services.inquiries.act(number, Action.REPLY, {"note": "已协调企业支付工资"}, RSJ)
        assert status(services, gdbh) == "replied"
    return orders


def called_back_unpushed(platform: Platform, services: Services, myds: str) -> list[str]:
    """Replied work orders, one per 满意度 in myds, whose 回访 the platform records with pushes off."""
    orders = replied_work_orders(platform, services, len(myds))
    platform.control("push/off")
    for gdbh, myd in zip(orders, myds, strict=True):
        platform.call_back(gdbh, myd)
    return orders


def callbacks(services: Services) -> dict[str, tuple[str, str | None, int]]:
    """Per work order: the inquiry's status, its satisfaction and how many 回访 it recorded."""
    with services.db.read() as session:
        counts = dict(
            session.execute(
                select(InquiryEvent.inquiry_id, func.count())
                .where(InquiryEvent.action == "callback")
                .group_by(InquiryEvent.inquiry_id)
            ).all()
        )
        rows = session.execute(select(Inquiry.external_id, Inquiry.id, Inquiry.status, Inquiry.satisfaction))
        return {str(gdbh): (state, level, counts.get(key, 0)) for gdbh, key, state, level in rows}


def runs(services: Services) -> list[JobRun]:
    with services.db.read() as session:
        return list(session.scalars(select(JobRun).where(JobRun.job == "hotline_poll").order_by(JobRun.id)))


class Killed(BaseException):
    """The process dying: no handler of the job runs (a BaseException passes `except Exception`)."""


class FailsAtRecord(InboundService):
    """The real inbound service, except that the n-th listed record fails (or the process dies there)."""

    def __init__(self, real: InboundService, healthy: int, failure: BaseException) -> None:
        super().__init__(
            real.db,
            real.inquiries,
            real.clock,
            real.applications,
            validate_inquiry=real.validate_inquiry,
            verify=real.verify,
            receivers=real.receivers,
            pollers=real.pollers,
            secrets=real.secrets,
        )
        self.healthy, self.failure = healthy, failure

    def handle(self, system: str, events: Sequence[InboundEvent], webhook_id: str | None = None) -> Receipt:
        if webhook_id is None:
            if self.healthy == 0:
                raise self.failure
            self.healthy -= 1
        return super().handle(system, events, webhook_id)


def test_callbacks_no_push_brought_are_applied_by_polling_exactly_once(
    platform: Platform, hotline_settings: Settings
) -> None:
    with gateway(hotline_settings, platform) as services:
        orders = replied_work_orders(platform, services, 5)
        platform.call_back(orders[0], "1")  # this one is pushed and taken in by the webhook
        assert platform.control("push/off") == {"push_enabled": False}
        for gdbh, myd in zip(orders[1:], "2345", strict=True):
            platform.call_back(gdbh, myd)
        assert [p["error"] for p in platform.state.pushes[-4:]] == ["pushes turned off: not pushed"] * 4
        assert callbacks(services)[orders[1]] == ("replied", None, 0)

        assert run_job(services, JobSpec("hotline_poll", 60, hotline_poll_job)) is True
        again = poll_hotline(services, page_size=2)
        applied = callbacks(services)
        [run] = runs(services)
        cursor = services.inbound.cursor(CURSOR)

    assert applied == {
        orders[0]: ("called_back", "very_satisfied", 1),
        orders[1]: ("called_back", "satisfied", 1),
        orders[2]: ("called_back", "basically_satisfied", 1),
        orders[3]: ("called_back", "dissatisfied", 1),
        orders[4]: ("called_back", "very_dissatisfied", 1),
    }
    # 4 回访 new; the 5 work orders and the pushed 回访 were known by their receipts
    assert (run.outcome, run.detail) == (
        "succeeded",
        {
            "received": 4,
            "repeated": 6,
            "rejected": 0,
            "cursor": "2026-11-26T09:35:00+08:00",
            "rejections": "",
        },
    )
    assert (again.received, again.rejected, again.cursor) == (0, 0, cursor)
    assert again.repeated == 2  # the last work order, listed again because the cursor is inclusive


def test_a_poll_failing_mid_page_resumes_at_the_failed_work_order(
    platform: Platform, hotline_settings: Settings
) -> None:
    with gateway(hotline_settings, platform) as services:
        orders = called_back_unpushed(platform, services, "2222")  # 09:31, 09:32, 09:33, 09:34
        platform.feedback(orders[0], "close-1")  # 09:35: the first work order is now listed last
        services.inbound = FailsAtRecord(services.inbound, 2, RuntimeError("数据库连接中断"))
        assert run_job(services, JobSpec("hotline_poll", 60, lambda s: poll_hotline(s, 10))) is False
        [run] = runs(services)
        assert run.outcome == "failed" and "数据库连接中断" in run.detail["error"]
        # The listing's order: orders 1, 2 (taken in), 3 (failed), 0. The cursor stays at order 2.
        assert services.inbound.cursor(CURSOR) == "2026-11-26T09:33:00+08:00"
        assert [callbacks(services)[g][2] for g in orders] == [0, 1, 1, 0]

    with gateway(hotline_settings, platform) as restarted:  # a new process on the same database
        result = poll_hotline(restarted, page_size=2)
        applied = callbacks(restarted)
    # order 0's 回访 (09:31) is older than the cursor (09:33) but was never taken in: it is applied now
    assert (result.received, result.repeated, result.rejected) == (2, 4, 0)
    assert applied == {g: ("called_back", "satisfied", 1) for g in orders}


def test_a_poll_killed_mid_page_applies_the_rest_once_after_a_restart(
    platform: Platform, hotline_settings: Settings
) -> None:
    with gateway(hotline_settings, platform) as services:
        orders = called_back_unpushed(platform, services, "412")
        services.inbound = FailsAtRecord(services.inbound, 2, Killed())
        with pytest.raises(Killed):
            poll_hotline(services, page_size=10)
        assert services.inbound.cursor(CURSOR) is None  # the page was never finished: nothing saved
        assert [callbacks(services)[g][2] for g in orders] == [1, 1, 0]
        # The bad 回访 of the first work order is acted on before the restart: 重办, answered again.
        first = inquiry_id(services, orders[0])
        services.inquiries.act(first, Action.REOPEN, {"reason": "回访不满意,重办"}, OPERATOR)
        services.inquiries.act(first, Action.ACKNOWLEDGE, {}, RSJ)
        services.inquiries.act(first, Action.REPLY, {"note": "已再次协调,工资已发放"}, RSJ)

    with gateway(hotline_settings, platform) as restarted:
        result = poll_hotline(restarted, page_size=2)
        applied = callbacks(restarted)
    # The old 回访 is listed again but not applied to the new reply: its receipt says it was taken in.
    assert applied == {
        orders[0]: ("replied", None, 1),
        orders[1]: ("called_back", "very_satisfied", 1),
        orders[2]: ("called_back", "satisfied", 1),
    }
    assert (result.received, result.rejected) == (1, 0)


def test_a_work_order_that_can_never_be_taken_in_is_reported_once_and_passed(
    platform: Platform, hotline_settings: Settings
) -> None:
    with gateway(hotline_settings, platform) as services:
        platform.control("push/off")
        good = platform.state.push_work_order()["gdbh"]
        platform.clock.advance(minutes=1)
        bad = platform.state.push_work_order(sqlx="99")["gdbh"]
        platform.clock.advance(minutes=1)
        created = requests.post(  # a work order "the gateway" created, for a number the gateway never had
            f"{platform.server.url}/api/gd/cjgd",
            json={
                "wbbh": "SQ2026112699999999",
                "lyqd": "02",
                "ldrxm": "陈晓燕",
                "ldhm": "13805912345",
                "sqnr": "咨询",
                "sqlx": "01",
                "sfgk": "0",
                "slsj": "2026-11-26 09:32:00",
            },
            headers={"Idempotency-Key": "stranger"},
            timeout=5,
        ).json()["data"]["gdbh"]
        platform.call_back(created, "2")

        assert run_job(services, JobSpec("hotline_poll", 60, hotline_poll_job)) is True
        second = poll_hotline(services)
        [run] = runs(services)
        with services.db.read() as session:
            stored = session.scalars(select(Inquiry.external_id)).all()

    assert stored == [good]
    assert run.detail["received"] == 1 and run.detail["rejected"] == 2
    assert run.detail["rejections"] == (
        f"{bad}: sqlx: unknown code '99'; {created}: no inquiry known to hotline as {created}"
    )
    assert run.detail["cursor"] == "2026-11-26T09:33:00+08:00"  # past both
    # Listed again at the cursor, the refused work order is not reported again (nor retried).
    assert (second.received, second.rejected, second.rejections) == (0, 0, "")
