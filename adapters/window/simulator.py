"""A simulated 综合窗口系统, written from PROTOCOL.md: pushes 诉求登记, takes 状态通知/办件状态通知/事项同步.

Control endpoints for tests and the demo live under /_sim/.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, Response, jsonify, request

from adapters.base import sim_control
from adapters.base.sim_control import Push, json_fields, push_to_gateway, received_views, register_control
from adapters.base.simulator import SimulatorState, apply_fault, simulator_app
from adapters.base.times import BEIJING, beijing_now_text
from adapters.window import sim_applications, sim_items
from adapters.window.sim_fields import TIME_SHAPE

# Refused: a webhook URL to push to but no secret to sign with.
_UNSIGNED_PUSH = "pushing to the gateway needs at least one webhook secret"

Answer = tuple[Response, int, dict[str, str]]
STATUS_CODES = frozenset({"10", "20", "30", "31", "32", "40", "50", "60", "90"})
ACTION_CODES = frozenset({"SL", "PD", "QS", "TD", "YQSQ", "YQTY", "YQJJ", "DF", "HF", "BJ", "CB", "DB"})


@dataclass
class WindowState(SimulatorState):
    """The window system's memory: logged records (with their latest 办理状态), pushes, its 事项, and the
    办件 it was told about (their 办件状态通知 in the order received, by 受理编号 slbh)."""

    gateway_webhook_url: str | None = None
    webhook_secrets: list[str] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    pushes: list[Push] = field(default_factory=list)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # by 事项编码 sxbm, 停用 ones too
    applications: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # 办件状态通知 by slbh
    sequence: int = 0
    cleared_on_reset = ("records", "pushes", "items", "applications")  # reset() forgets 事项 and 办件 too

    def log_inquiry(self, **fields: Any) -> Push:
        """Staff log an inquiry at the counter; it is pushed to the gateway when a webhook URL is set."""
        with self.lock:
            self.sequence += 1
            body: dict[str, Any] = {
                "ywlx": "SQDJ",
                "jlbh": f"CK{datetime.now(BEIJING):%Y%m%d}{self.sequence:05d}",
                "ckbh": "A07",
                "blry": "陈晓梅",
                "sqlx": "ZX",
                "sxmc": "法律援助申请",
                "nr": "群众到窗口咨询申请法律援助需要准备哪些材料。",
                "sqr": {"xm": "林建华", "lxdh": "13905911234", "zjhm": "350104198805061234"},
                "ssjd": "临江街道",
                "gkbz": "0",
                "djsj": beijing_now_text(),
                **fields,
            }
            self.records[body["jlbh"]] = {**body, "zt": None}
        push = push_to_gateway(self.gateway_webhook_url, self.webhook_secrets, body)
        with self.lock:
            self.pushes.append(push)
        return push

    def catalog_items(self, bldw: str | None = None, zt: str = sim_items.IN_USE) -> list[dict[str, Any]]:
        """The 事项 a window can accept (zt "1"), or the 停用 ones (zt "0"), optionally of one 办理单位."""
        with self.lock:
            return sim_items.listed(self.items, bldw, zt)

    def catalog_item(self, sxbm: str) -> dict[str, Any] | None:
        """One 事项 as the window system holds it, 在用 or 停用."""
        with self.lock:
            item = self.items.get(sxbm)
            return json.loads(json.dumps(item)) if item is not None else None

    def notices(self, receipt_no: str | None = None) -> list[dict[str, Any]]:
        """The 办件状态通知 taken for one 受理编号 in the order received (all 办件 when None, by slbh)."""
        with self.lock:
            return sim_applications.notices(self.applications, receipt_no)


def _answer(
    status: int, ret: int, message: str, data: Any = None, headers: dict[str, str] | None = None
) -> Answer:
    body: dict[str, Any] = {"ret": ret, "message": message}
    if data is not None:
        body["data"] = data
    return jsonify(body), status, headers or {}


def _notice_problem(body: dict[str, Any]) -> str | None:
    for key in ("jlbh", "sqbh", "zt", "czlx", "czsj"):
        if not isinstance(body.get(key), str) or not body[key]:
            return f"参数错误：{key} 必填"
    if body["zt"] not in STATUS_CODES:
        return "参数错误：zt 未知的办理状态"
    if body["czlx"] not in ACTION_CODES:
        return "参数错误：czlx 未知的操作类型"
    for key in ("czsj", "blsx"):
        if body.get(key) is not None and not TIME_SHAPE.fullmatch(str(body[key])):
            return f"参数错误：{key} 应为 yyyy-MM-dd HH:mm:ss"
    if body.get("myd") is not None and body["myd"] not in ("1", "2", "3", "4", "5"):
        return "参数错误：myd 应为 1-5"
    return None


def create_simulator(
    gateway_webhook_url: str | None = None, webhook_secrets: list[str] | None = None
) -> Flask:
    """The window system as a Flask app; its state is app.extensions["simulator"]."""
    app, state = simulator_app(
        "window_simulator", WindowState, gateway_webhook_url, webhook_secrets, _UNSIGNED_PUSH
    )

    @app.post("/ckxt/api/tz")
    def status_notice() -> Answer:
        fault = apply_fault(state)
        if fault is not None:
            return _answer(fault[0], 9999, "系统繁忙，请稍后重试", headers=fault[1])
        body = read(_notice_problem)
        if isinstance(body, tuple):
            return body

        def apply(record: dict[str, Any]) -> dict[str, Any]:
            record["zt"] = body["zt"]  # record() holds the lock
            return {"jlbh": body["jlbh"], "zt": body["zt"]}

        key = request.headers.get("Idempotency-Key")
        done = state.record_on("status_notice", key, body, state.records, body["jlbh"], apply)
        if done is None:
            return _answer(404, 1004, f"记录不存在：{body['jlbh']}")
        return _answer(200, 0, "ok", done[0])

    @app.post("/ckxt/api/sx/tb")
    def sync_items() -> Answer:
        # record() holds the lock while the batch is stored.
        return take_keyed(
            "sync_items",
            sim_items.batch_problem,
            lambda body: sim_items.apply_batch(state.items, body["sxlb"], beijing_now_text()),
        )

    @app.post("/ckxt/api/bj/zt")
    def application_notice() -> Answer:
        # record() holds the lock while the notice is kept; a repeat notifies nobody again.
        return take_keyed(
            "application_notice",
            sim_applications.notice_problem,
            lambda body: sim_applications.take_notice(state.applications, body, beijing_now_text()),
        )

    def take_keyed(
        operation: str,
        check: Callable[[dict[str, Any]], str | None],
        apply: Callable[[dict[str, Any]], Any],
    ) -> Answer:
        """A call that must carry an Idempotency-Key: refused as PROTOCOL.md says, or applied once."""
        fault = apply_fault(state)
        if fault is not None:
            return _answer(fault[0], 9999, "系统繁忙，请稍后重试", headers=fault[1])
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return _answer(400, 1002, "参数错误：缺少 Idempotency-Key 请求头")
        body = read(check)
        if isinstance(body, tuple):
            return body
        data, _ = state.record(operation, key, body, lambda: apply(body))
        return _answer(200, 0, "ok", data)

    def read(check: Callable[[dict[str, Any]], str | None]) -> dict[str, Any] | Answer:
        """The request's JSON object, or the answer refusing it (not an object, or check's problem)."""
        body = sim_control.checked_body(check, "参数错误：请求体应为JSON对象")
        return _answer(400, 1002, body) if isinstance(body, str) else body

    @app.get("/ckxt/api/sx")
    def list_items() -> Answer:
        zt = request.args.get("zt") or sim_items.IN_USE
        if zt not in sim_items.FLAGS:
            return _answer(400, 1002, "参数错误：zt 应为 1 或 0")
        found = state.catalog_items(request.args.get("bldw") or None, zt)
        return _answer(200, 0, "ok", {"zs": len(found), "lb": found})

    register_control(
        app,
        lambda: state,
        queued=lambda: _answer(200, 0, "ok"),
        bad_fault=lambda: _answer(400, 1002, "参数错误：status, delay, retry_after, remaining"),
        done_reset=lambda: _answer(200, 0, "ok"),
    )

    @app.post("/_sim/inquiries")
    def log_inquiry() -> Answer:
        push = state.log_inquiry(**json_fields())
        return _answer(200, 0, "ok", {"body": push.body, "status": push.status, "answer": push.answer})

    @app.get("/_sim/state")
    def snapshot() -> Answer:
        with state.lock:
            data = {
                "records": list(state.records.values()),
                "items": list(state.items.values()),
                "applications": {slbh: list(kept) for slbh, kept in state.applications.items()},
                "received": received_views(state),
            }
        return _answer(200, 0, "ok", data)

    return app
