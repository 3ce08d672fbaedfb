"""The 12345 simulator's memory and request checks, written from PROTOCOL.md (not from the client).

The code tables here are the simulator's own copy of the protocol's, on purpose: sharing the adapter's
tables would let the simulator agree with the client's mistakes.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import requests

from adapters.base.simulator import SimulatorState, push_webhook
from adapters.hotline.sim_knowledge import KnowledgeBase

CST = timezone(timedelta(hours=8), "CST")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")

SQLX = {"01", "02", "03", "04", "05", "06"}
MYD = {"1", "2", "3", "4", "5"}
GDZT = {"10", "20", "30", "31", "40", "50", "60", "70", "90"}
LYQD_OTHER = {"02", "03", "04", "05"}
CZLX = {"01", "02", "03", "04", "05", "06"}
FLAGS = {"0", "1"}
CLOSED, REOPENED, CALLED_BACK, NEW = "90", "70", "60", "10"

# Every field of a work order record (PROTOCOL.md's table, in its order); absent values are kept as ""
# the way the platform writes them.
_NUMBERS = ("gdbh", "lyqd", "wbbh", "lybh")  # its own, the channel, the gateway's, the source's
_CALLER = ("ldrxm", "ldhm", "sfzhm")
_REQUEST = ("bt", "sqnr", "sqlx", "sqdz", "ssjd", "sffl", "sfgk")
_HANDLING = ("slsj", "gdzt", "cbdw", "cbdwmc", "blsx", "gxsj")
WORK_ORDER_FIELDS = (*_NUMBERS, *_CALLER, *_REQUEST, *_HANDLING)
PUSHED_FIELDS = tuple(f for f in WORK_ORDER_FIELDS if f not in ("cbdw", "cbdwmc", "blsx"))

# Calls as an operator would write them up; push_work_order takes them in turn.
DEMO_WORK_ORDERS: tuple[dict[str, str], ...] = (
    {
        "ldrxm": "王秀英",
        "sfzhm": "350104196805121826",
        "bt": "小区旁工地夜间施工噪音扰民",
        "sqnr": "来电人反映滨江路88号旁工地连续多日夜间十一点后仍在施工，"
        "噪音很大影响休息，希望有关部门尽快查处。",
        "sqlx": "03",
        "sqdz": "临江街道滨江路88号",
        "ssjd": "临江街道",
        "sffl": "城乡建设/噪声污染",
        "sfgk": "1",
    },
    {
        "ldrxm": "林建华",
        "bt": "申请法律援助需要什么材料",
        "sqnr": "来电人咨询因工伤赔偿纠纷申请法律援助需要准备哪些材料、到哪里办理。",
        "sqlx": "01",
        "ssjd": "江滨街道",
        "sffl": "司法行政/法律援助",
        "sfgk": "0",
    },
    {
        "ldrxm": "匿名",
        "bt": "路灯多日不亮",
        "sqnr": "来电人反映学府路与华林路交叉口往北三盏路灯已连续一周不亮，夜间行人出行不便，请求尽快维修。",
        "sqlx": "02",
        "sqdz": "东湖街道学府路与华林路交叉口",
        "ssjd": "东湖街道",
        "sffl": "城市管理/市政设施",
        "sfgk": "1",
    },
)


class SimError(Exception):
    """An error answer in the platform's style."""

    def __init__(self, status: int, code: str, msg: str, data: dict[str, Any] | None = None) -> None:
        self.status, self.code, self.msg, self.data = status, code, msg, data
        super().__init__(f"{status} {code} {msg}")

    def body(self) -> dict[str, Any]:
        """The platform's error body."""
        return {"code": self.code, "msg": self.msg, **({"data": self.data} if self.data is not None else {})}


def beijing_now() -> datetime:
    """The real clock, in Beijing time."""
    return datetime.now(CST)


def fmt(moment: datetime) -> str:
    """A time in the platform's format."""
    return moment.astimezone(CST).strftime(TIME_FORMAT)


def is_time(value: object) -> bool:
    """True for a real `yyyy-MM-dd HH:mm:ss`."""
    if not isinstance(value, str) or _TIME.fullmatch(value) is None:
        return False
    try:
        datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        return False
    return True


# ---- state ----------------------------------------------------------------------------------------


@dataclass
class HotlineState(SimulatorState):
    """Work orders, feedback, pushes made, the 知识库; plus the shared faults and idempotency memory."""

    gateway_webhook_url: str | None = None
    webhook_secrets: list[str] = field(default_factory=list)
    clock: Callable[[], datetime] = beijing_now
    work_orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    feedback: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    pushes: list[dict[str, Any]] = field(default_factory=list)
    knowledge: KnowledgeBase = field(default_factory=KnowledgeBase)
    sequence: int = 0
    # A simulator control, not part of the protocol: off, work orders and 回访 are recorded but not
    # pushed, so the gateway learns of them only through the list API (its polling fallback).
    push_enabled: bool = True
    cleared_on_reset = ("work_orders", "feedback", "pushes", "knowledge")

    def reset(self) -> None:
        """Forget everything and push again (the gateway's URL and secrets stay)."""
        super().reset()
        with self.lock:
            self.sequence = 0
            self.push_enabled = True

    # Methods ending in _locked expect the caller to hold self.lock (SimulatorState.record does).

    def new_work_order_locked(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Store a work order with a fresh gdbh (unless given); absent fields become ""."""
        self.sequence += 1
        now = fmt(self.clock())
        order: dict[str, Any] = dict.fromkeys(WORK_ORDER_FIELDS, "")
        order.update(slsj=now, gdzt=NEW)
        order.update(fields)
        order["gdbh"] = fields.get("gdbh") or f"GD{now[:10].replace('-', '')}{self.sequence:06d}"
        order["gxsj"] = now
        self.work_orders[order["gdbh"]] = order
        self.feedback.setdefault(order["gdbh"], [])
        return order

    def find_locked(self, gdbh: str | None, wbbh: str | None) -> dict[str, Any] | None:
        """A work order by gdbh, or else by wbbh."""
        if gdbh:
            return self.work_orders.get(gdbh)
        return next((o for o in self.work_orders.values() if wbbh and o["wbbh"] == wbbh), None)

    def touch_locked(self, order: dict[str, Any]) -> str:
        """Mark a work order changed now; returns the new gxsj."""
        order["gxsj"] = fmt(self.clock())
        return str(order["gxsj"])

    # Pushes to the gateway, the way the platform makes them (never holding the lock while sending).

    def push_work_order(self, **fields: Any) -> dict[str, Any]:
        """Create a work order the platform received itself (demo values unless given), push it as XGD.

        Fields are not checked, so tests can push what a broken platform would. Returns the pushed work order.
        """
        with self.lock:
            demo = DEMO_WORK_ORDERS[self.sequence % len(DEMO_WORK_ORDERS)]
            values = {**demo, "ldhm": f"1380591{self.sequence + 1:04d}", "lyqd": "01", **fields}
            order = self.new_work_order_locked(values)
            payload = {name: order.get(name, "") for name in PUSHED_FIELDS}
            payload.update({k: v for k, v in fields.items() if k not in payload})
        answer = self._push("XGD", payload).get("answer")
        data = answer.get("data") if isinstance(answer, dict) else None
        if isinstance(data, dict) and isinstance(data.get("wbbh"), str):
            with self.lock:
                order["wbbh"] = data["wbbh"]  # the gateway's 诉求编号, as the platform would keep it
        return payload

    def push_callback(self, gdbh: str, myd: str, sfjj: str, hfsm: str = "") -> dict[str, Any]:
        """Record a 回访 on a work order and push it as HFJG; returns the pushed result."""
        with self.lock:
            order = self.work_orders.get(gdbh)
            if order is None:
                raise SimError(404, "E2001", "工单不存在")
            now = self.touch_locked(order)
            order.update(myd=myd, sfjj=sfjj, hfsm=hfsm, hfsj=now, gdzt=CALLED_BACK)
            payload = {
                "gdbh": gdbh,
                "wbbh": order["wbbh"],
                "myd": myd,
                "sfjj": sfjj,
                "hfsm": hfsm,
                "hfsj": now,
            }
        self._push("HFJG", payload)
        return payload

    def _push(self, tslx: str, sj: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "tslx": tslx,
            "gdbh": sj.get("gdbh"),
            "status": None,
            "answer": None,
            "error": None,
        }
        if not self.push_enabled:
            entry["error"] = "pushes turned off: not pushed"
        elif not self.gateway_webhook_url:
            entry["error"] = "no gateway webhook URL: not pushed"
        else:
            envelope = {"tslx": tslx, "tssj": fmt(self.clock()), "sj": sj}
            try:
                response = push_webhook(self.gateway_webhook_url, self.webhook_secrets, envelope)
            except requests.RequestException as err:
                # The real platform retries later; here the work order just waits for the polling fallback.
                entry["error"] = f"push failed ({type(err).__name__})"
            else:
                entry["status"] = response.status_code
                try:
                    entry["answer"] = response.json()
                except ValueError:
                    entry["answer"] = response.text[:2000]
        with self.lock:
            self.pushes.append(entry)
        return entry

    # Helpers for tests and the demo (each takes the lock and returns copies).

    def last_push(self) -> dict[str, Any] | None:
        """The latest push and the gateway's answer."""
        with self.lock:
            return copy.deepcopy(self.pushes[-1]) if self.pushes else None

    def list_work_orders(self) -> list[dict[str, Any]]:
        """Every work order, oldest first."""
        with self.lock:
            return [copy.deepcopy(o) for o in self.work_orders.values()]

    def work_order(self, gdbh: str) -> dict[str, Any] | None:
        """One work order."""
        with self.lock:
            order = self.work_orders.get(gdbh)
            return copy.deepcopy(order) if order is not None else None

    def feedback_for(self, gdbh: str) -> list[dict[str, Any]]:
        """The 流转反馈 received for a work order, in order."""
        with self.lock:
            return copy.deepcopy(self.feedback.get(gdbh, []))

    def snapshot(self) -> dict[str, Any]:
        """Everything, as JSON-ready data."""
        with self.lock:
            return copy.deepcopy(
                {
                    "work_orders": list(self.work_orders.values()),
                    "feedback": self.feedback,
                    "received": [
                        {
                            "operation": r.operation,
                            "idempotency_key": r.idempotency_key,
                            "duplicate": r.duplicate,
                            "body": r.body,
                        }
                        for r in self.received
                    ],
                    "pushes": self.pushes,
                    "push_enabled": self.push_enabled,
                    "knowledge": self.knowledge.all(),
                    "faults": [
                        {
                            "status": f.status,
                            "delay": f.delay,
                            "retry_after": f.retry_after,
                            "remaining": f.remaining,
                        }
                        for f in self.faults
                    ],
                }
            )
