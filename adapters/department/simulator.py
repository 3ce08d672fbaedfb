"""A simulated 统一审批系统, written from PROTOCOL.md: takes tasks, material and withdrawals; pushes 办理状态.

Reviewers act through DepartmentState (review, request_correction, grant, refuse, finish) or, for people
driving the demo, through POST /_sim/tasks/<RWBH>/<decision>. Control endpoints live under /_sim/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flask import Flask, Response, jsonify, request

from adapters.base.sim_control import checked_body, received_views, register_control
from adapters.base.simulator import apply_fault, simulator_app
from adapters.department.sim_rules import push_problem, supplement_problem, withdraw_problem
from adapters.department.sim_state import AutoDecide, DecisionError, DepartmentState, Push

# Refused: a webhook URL to push to but no secret to sign with.
_UNSIGNED_PUSH = "pushing to the gateway needs at least one webhook secret"

Answer = tuple[Response, int, dict[str, str]]
Check = Callable[[dict[str, Any]], str | None]
Apply = Callable[[dict[str, Any]], dict[str, str]]
ERRCODES = {400: "E1001", 401: "E1003", 404: "E1004", 409: "E1009", 413: "E1013", 429: "E1029"}
DECISIONS = ("review", "correction", "grant", "refuse", "finish")


def _ok(msg: str, data: Any = None) -> Answer:
    body: dict[str, Any] = {"flag": "S", "msg": msg}
    if data is not None:
        body["data"] = data
    return jsonify(body), 200, {}


def _error(status: int, msg: str, headers: dict[str, str] | None = None) -> Answer:
    errcode = ERRCODES.get(status, "E9999" if status >= 500 or status < 400 else "E1000")
    return jsonify({"flag": "E", "errcode": errcode, "msg": msg}), status, headers or {}


def _auto(spec: Any) -> AutoDecide | None:
    """An AutoDecide from a /_sim/auto body; raises ValueError when the body is not one."""
    if not isinstance(spec, dict):
        raise ValueError("body")
    if not spec.get("enabled", True):
        return None
    refuse = spec.get("refuse", [])
    if not isinstance(refuse, list) or not all(isinstance(r, str) for r in refuse):
        raise ValueError("refuse")
    return AutoDecide(
        refuse=frozenset(refuse),
        reason=str(spec.get("reason") or AutoDecide.reason),
        finish=bool(spec.get("finish", True)),
        delay=float(spec.get("delay", AutoDecide.delay)),
    )


def _decide(state: DepartmentState, task_id: str, decision: str, spec: dict[str, Any]) -> Push:
    if decision == "review":
        return state.review(task_id)
    if decision == "correction":
        materials = spec.get("materials")
        names = [str(m) for m in materials] if isinstance(materials, list) else []
        return state.request_correction(task_id, names, str(spec.get("reason") or ""))
    if decision == "grant":
        result_no = spec.get("result_no")
        return state.grant(task_id, None if result_no is None else str(result_no))
    if decision == "refuse":
        return state.refuse(task_id, str(spec.get("reason") or ""))
    return state.finish(task_id)


def _push_view(push: Push) -> dict[str, Any]:
    return {"body": push.body, "webhook_id": push.webhook_id, "status": push.status, "answer": push.answer}


def create_simulator(
    gateway_webhook_url: str | None = None, webhook_secrets: list[str] | None = None
) -> Flask:
    """The approval system as a Flask app; its state is app.extensions["simulator"]."""
    app, state = simulator_app(
        "department_simulator", DepartmentState, gateway_webhook_url, webhook_secrets, _UNSIGNED_PUSH
    )

    def take(operation: str, check: Check, apply: Apply, msg: str) -> Answer:
        fault = apply_fault(state)
        if fault is not None:
            return _error(fault[0], "系统繁忙，请稍后重试", fault[1])
        body = checked_body(check, "参数错误：请求体应为JSON对象")
        if isinstance(body, str):
            return _error(400, body)
        key = request.headers.get("Idempotency-Key")
        if not key:
            return _error(400, "参数错误：缺少 Idempotency-Key")
        with state.lock:
            seen = key in state.seen_keys
        conflict = None if seen else state.conflict(operation, body)
        if conflict is not None:
            return _error(conflict.status, conflict.message)
        data, duplicate = state.record(operation, key, body, lambda: apply(body))
        if not duplicate and operation != "withdraw":
            state.advance(body["RWBH"])
        return _ok(msg, data)

    @app.post("/spxt/api/rw/ts")
    def task_push() -> Answer:
        return take("task_push", push_problem, state.take_task, "接收成功")

    @app.post("/spxt/api/rw/bz")
    def supplement() -> Answer:
        return take("supplement", supplement_problem, state.take_material, "补正材料已接收")

    @app.post("/spxt/api/rw/ch")
    def withdraw() -> Answer:
        return take("withdraw", withdraw_problem, state.take_withdrawal, "任务已撤回")

    @app.post("/_sim/tasks/<task_id>/<decision>")
    def decide(task_id: str, decision: str) -> Answer:
        if decision not in DECISIONS:
            return _error(400, f"参数错误：未知的操作 {decision}（可用：{'、'.join(DECISIONS)}）")
        spec = request.get_json(silent=True)
        try:
            push = _decide(state, task_id, decision, spec if isinstance(spec, dict) else {})
        except DecisionError as err:
            return _error(err.status, err.message)
        return _ok("ok", _push_view(push))

    @app.post("/_sim/auto")
    def auto() -> Answer:
        try:
            state.set_auto(_auto(request.get_json(silent=True)))
        except (TypeError, ValueError):
            return _error(400, "参数错误：enabled, refuse[], reason, finish, delay")
        policy = state.auto
        if policy is None:
            return _ok("ok", {"enabled": False})
        return _ok("ok", {"enabled": True, **asdict(policy), "refuse": sorted(policy.refuse)})

    @app.post("/_sim/redeliver")
    def redeliver() -> Answer:
        return _ok("ok", [_push_view(push) for push in state.redeliver()])

    register_control(
        app,
        lambda: state,
        queued=lambda: _ok("ok"),
        bad_fault=lambda: _error(400, "参数错误：status, delay, retry_after, remaining"),
        done_reset=lambda: _ok("ok"),
        read_spec=lambda: request.get_json(silent=True),
    )

    @app.get("/_sim/state")
    def snapshot() -> Answer:
        with state.lock:
            received = received_views(state)
            pushes = [_push_view(push) for push in state.pushes]
        return _ok("ok", {"tasks": state.tasks(), "received": received, "pushes": pushes})

    return app
