"""A Flask app that plays the 12345 platform (PROTOCOL.md), for tests and the demo.

Nothing happens at import; create_simulator builds a fresh app with its own HotlineState at
app.extensions["simulator"].
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from adapters.base.sim_control import register_control
from adapters.base.simulator import apply_fault, simulator_app
from adapters.hotline import sim_files, sim_rules
from adapters.hotline.sim_state import CLOSED, REOPENED, HotlineState, SimError, fmt, is_time

# Refused: a webhook URL to push to but no secret to sign with.
_UNSIGNED_PUSH = "webhook_secrets are needed to push signed webhooks to the gateway"

_FAULT_BODIES: dict[int, tuple[str, str]] = {
    429: ("E4001", "请求过于频繁，请稍后重试"),
    503: ("E5003", "服务暂不可用"),
}


def _ok(data: Any) -> Response:
    return jsonify({"code": "0000", "msg": "成功", "data": data})


def _error(err: SimError) -> tuple[Response, int]:
    return jsonify(err.body()), err.status


def _body() -> dict[str, Any]:
    try:
        body = json.loads(request.get_data() or b"null")
    except (UnicodeDecodeError, ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise SimError(400, "E1001", "请求体不是合法的JSON")
    return body


def _key() -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 255:
        raise SimError(400, "E1005", "缺少Idempotency-Key请求头")
    return key


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise SimError(400, "E1003", f"字段格式错误：{name}")
    return int(raw)


def create_simulator(
    gateway_webhook_url: str | None = None, webhook_secrets: list[str] | None = None
) -> Flask:
    """The platform's API, plus /_sim/ control endpoints; pushes go signed to gateway_webhook_url."""
    app, state = simulator_app(
        "hotline_simulator", HotlineState, gateway_webhook_url, webhook_secrets, _UNSIGNED_PUSH
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    files = sim_files.PlatformFiles()
    app.extensions["simulator_files"] = files
    state.files = files  # type: ignore[attr-defined]
    sim_files.register(app, files)
    _register_api(app, state, files)
    _register_knowledge(app, state)
    _register_control(app, state)

    @app.errorhandler(SimError)
    def sim_error(err: SimError) -> tuple[Response, int]:
        return _error(err)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> tuple[Response, int]:
        status = err.code or 500
        code = "E2001" if status == 404 else "E1003" if status < 500 else "E5001"
        return jsonify({"code": code, "msg": f"请求无法处理：{err.name}"}), status

    return app


def _register_api(app: Flask, state: HotlineState, files: sim_files.PlatformFiles) -> None:
    @app.before_request
    def inject_fault() -> tuple[Response, int, dict[str, str]] | None:
        if not request.path.startswith("/api/"):
            return None
        fault = apply_fault(state)
        if fault is None:
            return None
        status, headers = fault
        code, msg = _FAULT_BODIES.get(
            status, ("E5001", "系统内部错误") if status >= 500 else ("E1003", "请求被拒绝")
        )
        return jsonify({"code": code, "msg": msg}), status, headers

    @app.post("/api/gd/cjgd")
    def create_work_order() -> Response:
        body, key = _body(), _key()
        sim_rules.check_create(body)
        listed = sim_files.check_list(body)
        if listed:  # 附件: fetched from the gateway's links before the work order is taken
            files.fetch_all(str(body["wbbh"]), listed)

        def create() -> dict[str, Any]:
            existing = state.find_locked(None, body["wbbh"])
            if existing is not None:
                raise SimError(409, "E3001", "工单已存在", {"gdbh": existing["gdbh"]})
            order = state.new_work_order_locked(dict(body))
            return {"gdbh": order["gdbh"], "wbbh": order["wbbh"]}

        result, _ = state.record("cjgd", key, body, create)
        return _ok(result)

    @app.post("/api/gd/lzfk")
    def feedback() -> Response:
        body, key = _body(), _key()
        sim_rules.check_feedback(body)

        def record() -> dict[str, Any]:
            order = state.find_locked(body.get("gdbh"), body.get("wbbh"))
            if order is None:
                raise SimError(404, "E2001", "工单不存在")
            if order["gdzt"] == CLOSED and not (body["czlx"] == "06" and body["gdzt"] == REOPENED):
                raise SimError(409, "E3002", "工单当前状态不允许该操作")
            entries = state.feedback.setdefault(order["gdbh"], [])
            entries.append({**body, "lsh": len(entries) + 1, "jssj": fmt(state.clock())})
            order["gdzt"] = body["gdzt"]
            for name in ("cbdw", "cbdwmc", "blsx"):
                if body.get(name):
                    order[name] = body[name]
            state.touch_locked(order)
            return {"gdbh": order["gdbh"], "lsh": len(entries)}

        result, _ = state.record("lzfk", key, body, record)
        return _ok(result)

    @app.get("/api/gd/list")
    def list_work_orders() -> Response:
        since = request.args.get("gxsj") or None
        if since is not None and not is_time(since):
            raise SimError(400, "E1003", "字段格式错误：gxsj")
        page = _int_arg("ys", 1, 1, 1_000_000)
        size = _int_arg("mys", 100, 1, 500)
        with state.lock:
            # The fixed-width format sorts like the times it writes.
            matching = sorted(
                (o for o in state.work_orders.values() if since is None or o["gxsj"] >= since),
                key=lambda o: (o["gxsj"], o["gdbh"]),
            )
            items = [dict(o) for o in matching[(page - 1) * size : page * size]]
        return _ok({"zs": len(matching), "ys": page, "mys": size, "lb": items})


def _register_knowledge(app: Flask, state: HotlineState) -> None:
    @app.post("/api/zsk/plgx")
    def update_knowledge() -> Response:
        body, key = _body(), _key()
        entries = sim_rules.check_knowledge_batch(body)
        result, _ = state.record(
            "plgx", key, body, lambda: state.knowledge.apply(entries, fmt(state.clock()))
        )
        return _ok(result)

    @app.get("/api/zsk/cx")
    def search_knowledge() -> Response:
        page = _int_arg("ys", 1, 1, 1_000_000)
        size = _int_arg("mys", 20, 1, 100)
        found = state.knowledge.search(request.args.get("gjc"))
        return _ok({"zs": len(found), "ys": page, "mys": size, "lb": found[(page - 1) * size : page * size]})

    @app.get("/api/zsk/xq")
    def knowledge_entry() -> Response:
        entry = state.knowledge.entry(request.args.get("zsbh", ""))
        if entry is None:
            raise SimError(404, "E2002", "知识不存在")
        return _ok(entry)


def _register_control(app: Flask, state: HotlineState) -> None:
    register_control(
        app,
        lambda: state,
        queued=lambda: (jsonify({"queued": True}), 201),
        bad_fault=lambda: (jsonify({"error": "status, delay, retry_after, remaining"}), 400),
        done_reset=lambda: jsonify({"reset": True}),
        snapshot=lambda: jsonify(state.snapshot()),
        names=("sim_fault", "sim_reset", "sim_state"),
    )

    @app.post("/_sim/push/off")
    def sim_push_off() -> Response:
        with state.lock:
            state.push_enabled = False
        return jsonify({"push_enabled": False})

    @app.post("/_sim/push/on")
    def sim_push_on() -> Response:
        with state.lock:
            state.push_enabled = True
        return jsonify({"push_enabled": True})

    @app.post("/_sim/push/work-order")
    def sim_push_work_order() -> Response:
        body = request.get_json(silent=True) or {}
        order = state.push_work_order(**(body if isinstance(body, dict) else {}))
        return jsonify({"work_order": order, "push": state.last_push()})

    @app.post("/_sim/push/callback")
    def sim_push_callback() -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) for k in ("gdbh", "myd", "sfjj")
        ):
            raise SimError(400, "E1002", "缺少必填字段：gdbh, myd, sfjj")
        result = state.push_callback(body["gdbh"], body["myd"], body["sfjj"], str(body.get("hfsm", "")))
        return jsonify({"result": result, "push": state.last_push()})
