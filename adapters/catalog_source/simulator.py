"""A simulated 省政务服务平台事项库, written from PROTOCOL.md: lists service items page by page.

Control endpoints for tests and the demo live under /_sim/: change, add, retire and break items, inject
faults, reset. The same controls are methods of the state at app.extensions["simulator"].
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from adapters.base.sim_control import json_fields, register_control
from adapters.base.simulator import apply_fault
from adapters.catalog_source.sim_catalog import BROKEN_KINDS, format_stamp
from adapters.catalog_source.sim_state import BEIJING, DEFAULT_SEED, CatalogSourceState, Key

Answer = tuple[Response, int, dict[str, str]]
TIME_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
DEFAULT_SIZE, MAX_SIZE = 100, 1000
MESSAGES = {
    400: "参数错误",
    401: "未授权",
    404: "接口不存在",
    405: "请求方法不支持",
    429: "请求过于频繁",
    500: "系统异常",
    503: "服务暂不可用",
}


class Refused(Exception):
    """A request the platform answers with an error."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def _answer(
    status: int, data: Any = None, message: str | None = None, headers: dict[str, str] | None = None
) -> Answer:
    body: dict[str, Any] = {"resultCode": str(status), "resultMsg": message or MESSAGES.get(status, "成功")}
    if status == 200:
        body["resultMsg"] = message or "成功"
        body["data"] = data
    return jsonify(body), status, headers or {}


def _parse_time(value: str) -> int:
    if not TIME_SHAPE.fullmatch(value):
        raise Refused(400, "参数错误：gxsj_start 应为 yyyy-MM-dd HH:mm:ss")
    try:
        moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    except ValueError:
        raise Refused(400, "参数错误：gxsj_start 不是有效的日期时间") from None
    return int(moment.timestamp())


def encode_cursor(after: Key, server: int) -> str:
    """The cursor of a page: its last (GXSJ, SXBM) and the listing's reference time."""
    raw = json.dumps([after[0], after[1], server], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Key, int]:
    """The inverse of encode_cursor; Refused(400) for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, code, server = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise Refused(400, "参数错误：cursor 无效") from None
    if not (isinstance(stamp, int) and isinstance(code, str) and isinstance(server, int)):
        raise Refused(400, "参数错误：cursor 无效")
    return (stamp, code), server


def _page_size(value: str | None) -> int:
    if value is None:
        return DEFAULT_SIZE
    if not value.isdigit() or not 1 <= int(value) <= MAX_SIZE:
        raise Refused(400, f"参数错误：size 应为 1-{MAX_SIZE} 的整数")
    return int(value)


def _count(body: dict[str, Any]) -> int:
    n = body.get("n")
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise Refused(400, "参数错误：n 应为非负整数")
    return n


def _bad_fault() -> Answer:
    raise Refused(400, "参数错误：status, delay, retry_after, remaining")


def create_simulator(seed: int = DEFAULT_SEED, size: int = 2000) -> Flask:
    """The platform as a Flask app; its state (a CatalogSourceState) is app.extensions["simulator"]."""
    app = Flask("catalog_source_simulator")
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.compact = True  # type: ignore[attr-defined]
    state = CatalogSourceState(seed=seed, size=size)
    app.extensions["simulator"] = state
    _register_api(app, state)
    _register_control(app, state)

    @app.errorhandler(Refused)
    def refused(err: Refused) -> Answer:
        return _answer(err.status, message=err.message)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Answer:
        return _answer(err.code or 500)

    return app


def _register_api(app: Flask, state: CatalogSourceState) -> None:
    @app.get("/api/sxk/items")
    def list_items() -> Answer:
        fault = apply_fault(state)
        if fault is not None:
            return _answer(fault[0], headers=fault[1])
        size = _page_size(request.args.get("size"))
        cursor = request.args.get("cursor")
        since: int | None = None
        after: Key | None = None
        if cursor:
            after, server = decode_cursor(cursor)  # the cursor lies past gxsj_start already
        else:
            start = request.args.get("gxsj_start")
            since = _parse_time(start) if start else None
            server = state.now()
        entries, last = state.page(since, after, size)
        data = {
            "items": [state.render(entry) for entry in entries],
            "nextCursor": None if last is None else encode_cursor(last, server),
            "serverTime": format_stamp(server),
        }
        return _answer(200, data)


def _register_control(app: Flask, state: CatalogSourceState) -> None:
    def control(action: str) -> Answer:
        body = json_fields()
        n = _count(body)
        try:
            if action == "break":
                codes = state.break_records(str(body.get("kind")), n)
            else:
                codes = {"change": state.change, "add": state.add, "retire": state.retire}[action](n)
        except ValueError as err:
            raise Refused(400, f"参数错误：{err}") from None
        return _answer(200, {"codes": codes})

    for action in ("change", "add", "retire", "break"):
        app.add_url_rule(
            f"/_sim/{action}", f"sim_{action}", lambda action=action: control(action), methods=["POST"]
        )

    register_control(
        app,
        lambda: state,
        queued=lambda: _answer(200, {}),
        bad_fault=_bad_fault,
        done_reset=lambda: _answer(200, {}),
        snapshot=lambda: _answer(200, {**state.counts(), "broken_kinds": list(BROKEN_KINDS)}),
        read_spec=json_fields,
    )
