"""A simulated specialist line (e.g. 12348), written from PROTOCOL.md.

It transfers calls to 12345 (a signed push to the gateway), takes 12345 calls transferred to it, and takes
progress reports on the calls it transferred. Control endpoints for tests and the demo live under /_sim/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, Response, jsonify, request

from adapters.base import sim_control
from adapters.base.sim_control import Push, json_fields, push_to_gateway, received_views, register_control
from adapters.base.simulator import SimulatorState, apply_fault, simulator_app
from adapters.base.times import BEIJING, beijing_now_text

# Refused: a webhook URL to push to but no secret to sign with.
_UNSIGNED_PUSH = "pushing to the gateway needs at least one webhook secret"

TIME_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
KIND_CODES = frozenset({"01", "02", "03", "04", "05", "06"})
STATUS_CODES = frozenset({"DPD", "YPD", "BLZ", "YTD", "YQZ", "YDF", "YHF", "CB", "YBJ"})
SATISFACTION = frozenset({"非常满意", "满意", "基本满意", "不满意", "非常不满意"})

Answer = tuple[Response, int, dict[str, str]]


@dataclass
class DeptHotlineState(SimulatorState):
    """One line's memory: calls it transferred out (with their latest 办理状态), calls it received."""

    line_code: str = "12348"
    line_name: str = "公共法律服务热线"
    gateway_webhook_url: str | None = None
    webhook_secrets: list[str] = field(default_factory=list)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)  # 通话编号 -> call transferred to 12345
    transfers: list[dict[str, Any]] = field(default_factory=list)  # calls 12345 transferred here
    pushes: list[Push] = field(default_factory=list)
    sequence: int = 0
    cleared_on_reset = ("calls", "transfers", "pushes")  # reset() forgets these too

    def transfer_call(self, **fields: Any) -> Push:
        """An agent transfers a call to 12345; it is pushed to the gateway when a webhook URL is set."""
        with self.lock:
            self.sequence += 1
            body: dict[str, Any] = {
                "rxhm": self.line_code,
                "thbh": f"{self.line_code}{datetime.now(BEIJING):%Y%m%d}{self.sequence:04d}",
                "zxy": "王静（工号8012）",
                "zjyy": f"非{self.line_name}业务范围，转12345办理",
                "zjsj": beijing_now_text(),
                "ldhm": "13905911234",
                "ldrxm": "林建华",
                "lx": "03",
                "bt": "小区电梯长期故障",
                "nr": "来电人反映小区电梯故障一个月无人维修，要求处理。",
                "dz": "临江街道阳光花园5号楼",
                **fields,
            }
            self.calls[body["thbh"]] = {**body, "blzt": None}
        push = push_to_gateway(self.gateway_webhook_url, self.webhook_secrets, body)
        with self.lock:
            self.pushes.append(push)
        return push


def _ok(**extra: Any) -> Answer:
    return jsonify({"status": "OK", "reason": "", **extra}), 200, {}


def _error(status: int, reason: str, headers: dict[str, str] | None = None) -> Answer:
    return jsonify({"status": "ERROR", "reason": reason}), status, headers or {}


def _missing(body: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if not isinstance(body.get(key), str) or not body[key]:
            return f"{key} 必填"
    return None


def _bad_time(body: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if body.get(key) is not None and not TIME_SHAPE.fullmatch(str(body[key])):
            return f"{key} 应为 yyyy-MM-dd HH:mm:ss"
    return None


def _transfer_problem(body: dict[str, Any], line: str) -> str | None:
    problem = _missing(body, ("rxhm", "lyrx", "lybh", "lx", "nr", "ldrxm", "ldhm", "zjsj"))
    if problem is None and body["rxhm"] != line:
        problem = f"rxhm 热线号码不符：本线为{line}"
    if problem is None and body["lyrx"] != "12345":
        problem = "lyrx 来源热线应为12345"
    if problem is None and body["lx"] not in KIND_CODES:
        problem = "lx 未知的来电类型"
    return problem or _bad_time(body, ("zjsj",))


def _status_problem(body: dict[str, Any], line: str) -> str | None:
    problem = _missing(body, ("rxhm", "thbh", "lybh", "blzt", "czsj"))
    if problem is None and body["rxhm"] != line:
        problem = f"rxhm 热线号码不符：本线为{line}"
    if problem is None and body["blzt"] not in STATUS_CODES:
        problem = "blzt 未知的办理状态"
    if problem is None and body.get("myd") is not None and body["myd"] not in SATISFACTION:
        problem = "myd 未知的满意度"
    return problem or _bad_time(body, ("czsj", "blsx"))


def create_simulator(
    line_code: str = "12348",
    line_name: str = "公共法律服务热线",
    gateway_webhook_url: str | None = None,
    webhook_secrets: list[str] | None = None,
) -> Flask:
    """One specialist line as a Flask app; its state is app.extensions["simulator"]."""
    app, state = simulator_app(
        f"dept_hotline_{line_code}_simulator",
        DeptHotlineState,
        gateway_webhook_url,
        webhook_secrets,
        _UNSIGNED_PUSH,
        line_code=line_code,
        line_name=line_name,
    )

    def read(check: Callable[[dict[str, Any], str], str | None]) -> dict[str, Any] | Answer:
        """The request body, or the answer that refuses it (an injected fault first)."""
        fault = apply_fault(state)
        if fault is not None:
            return _error(fault[0], "系统繁忙，请稍后重试", fault[1])
        body = sim_control.checked_body(lambda b: check(b, state.line_code), "请求体应为JSON对象")
        return _error(400, body) if isinstance(body, str) else body

    @app.post("/zx/api/transfer-in")
    def transfer_in() -> Answer:
        body = read(_transfer_problem)
        if isinstance(body, tuple):
            return body

        def receive() -> dict[str, Any]:
            state.transfers.append(body)  # record() holds the lock
            return {"jsbh": f"{state.line_code}JS{len(state.transfers):05d}"}

        receipt, _ = state.record("transfer_in", request.headers.get("Idempotency-Key"), body, receive)
        return _ok(**receipt)

    @app.post("/zx/api/status")
    def status() -> Answer:
        body = read(_status_problem)
        if isinstance(body, tuple):
            return body

        def apply(call: dict[str, Any]) -> None:
            call["blzt"] = body["blzt"]  # record() holds the lock

        key = request.headers.get("Idempotency-Key")
        if state.record_on("status_callback", key, body, state.calls, body["thbh"], apply) is None:
            return _error(404, f"通话记录不存在：{body['thbh']}")
        return _ok()

    register_control(
        app,
        lambda: state,
        queued=lambda: _ok(),
        bad_fault=lambda: _error(400, "status, delay, retry_after, remaining"),
        done_reset=lambda: _ok(),
    )

    @app.post("/_sim/calls")
    def transfer_call() -> Answer:
        push = state.transfer_call(**json_fields())
        return _ok(body=push.body, push_status=push.status, answer=push.answer)

    @app.get("/_sim/state")
    def snapshot() -> Answer:
        with state.lock:
            return _ok(
                calls=list(state.calls.values()),
                transfers=list(state.transfers),
                received=received_views(state),
            )

    return app
