"""The simulated approval system's tables and request checks, written from PROTOCOL.md (not from the client).

The tables are the simulator's own copy of the protocol's, on purpose: sharing the adapter's would let the
simulator agree with the client's mistakes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

CST = timezone(timedelta(hours=8), "CST")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_DIGITS = re.compile(r"[0-9]{1,18}")

# 办理部门: 统一社会信用代码 -> 名称.
UNITS: dict[str, str] = {
    "11350104003561207K": "区司法局",
    "11350104MB0Q52831D": "区市场监督管理局",
    "113501040035612157": "区人力资源和社会保障局",
    "11350104003561223X": "区住房和城乡建设局",
    "11350104MB0Q5364XE": "区城市管理局",
    "11350104MB1C20476R": "区生态环境局",
    "113501040035611950": "区教育局",
    "11350104MB0Q51879A": "区卫生健康局",
    "11350104003561186L": "区民政局",
    "11350104MB0Q55142T": "区交通运输局",
    "12350104MB0R87215W": "区行政服务中心",
}

RECEIVED, REVIEWING, CORRECTION, GRANTED, REFUSED, DONE, WITHDRAWN = (
    "0101",
    "0201",
    "0202",
    "0301",
    "0302",
    "0401",
    "0501",
)
STATUS_NAMES = {
    RECEIVED: "已接收",
    REVIEWING: "审查中",
    CORRECTION: "补正",
    GRANTED: "准予",
    REFUSED: "不予",
    DONE: "办结",
    WITHDRAWN: "已撤回",
}
# What the back office may do next from each 办理状态.
MOVES: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({REVIEWING, CORRECTION, GRANTED, REFUSED}),
    REVIEWING: frozenset({CORRECTION, GRANTED, REFUSED}),
    CORRECTION: frozenset({REVIEWING, CORRECTION, REFUSED}),
    GRANTED: frozenset({DONE}),
    REFUSED: frozenset({DONE}),
    DONE: frozenset(),
    WITHDRAWN: frozenset(),
}
TAKES_MATERIAL = frozenset({RECEIVED, REVIEWING, CORRECTION})
FLAGS = ("1", "0")


def now() -> str:
    """Now as the system writes it."""
    return datetime.now(CST).strftime(TIME_FORMAT)


def _null(value: Any, path: str) -> str | None:
    if value is None:
        return path
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _null(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _null(item, f"{path}[{index}]")
            if found:
                return found
    return None


def _fields(
    body: Mapping[str, Any], filled: tuple[str, ...], present: tuple[str, ...] = (), prefix: str = ""
) -> str | None:
    for key in filled:
        if not isinstance(body.get(key), str) or not body[key].strip():
            return f"参数错误：{prefix}{key} 必填"
    for key in present:
        if not isinstance(body.get(key), str):
            return f'参数错误：{prefix}{key} 应为字符串（空值写作""）'
    return None


def _common(
    body: Mapping[str, Any], filled: tuple[str, ...], present: tuple[str, ...], times: tuple[str, ...]
) -> str | None:
    where = _null(body, "")
    if where:
        return f"参数错误：{where} 不能为null"
    problem = _fields(body, filled, present)
    if problem:
        return problem
    if not _DIGITS.fullmatch(body["RWBH"]):
        return "参数错误：RWBH 应为数字"
    if body["BLBM"] not in UNITS:
        return f"参数错误：BLBM 未知的办理部门 {body['BLBM']}"
    for key in times:
        if body[key] and not _TIME.fullmatch(body[key]):
            return f"参数错误：{key} 应为 yyyy-MM-dd HH:mm:ss"
    return None


def _materials(items: Any, keys: tuple[str, ...]) -> str | None:
    if not isinstance(items, list):
        return "参数错误：CLQD 应为数组"
    for index, item in enumerate(items):
        where = f"CLQD[{index}]."
        if not isinstance(item, Mapping):
            return f"参数错误：CLQD[{index}] 应为对象"
        problem = _fields(item, ("CLMC",), prefix=where)
        if problem:
            return problem
        for key in keys:
            if item.get(key) not in FLAGS:
                return f'参数错误：{where}{key} 应为 "1" 或 "0"'
    return None


def push_problem(body: Mapping[str, Any]) -> str | None:
    """What is wrong with a 任务推送 body, or None."""
    problem = _common(
        body,
        ("BJBH", "RWBH", "SXBM", "SXMC", "BLBM", "BLBMMC", "CNBJSJ", "SLSJ", "SLCK"),
        ("BZQX", "DBR"),
        ("BZQX", "CNBJSJ", "SLSJ"),
    )
    if problem:
        return problem
    applicant = body.get("SQR")
    if not isinstance(applicant, Mapping):
        return "参数错误：SQR 应为对象"
    problem = _fields(applicant, ("XM", "SJHM"), ("ZJHM",), prefix="SQR.") or _materials(
        body.get("CLQD"), ("SFTJ", "SFHX")
    )
    if problem:
        return problem
    for key in ("RQSL", "LB"):
        if body.get(key) not in FLAGS:
            return f'参数错误：{key} 应为 "1" 或 "0"'
    if body["RQSL"] == "1" and not body["BZQX"]:
        return "参数错误：BZQX 容缺受理时必填"
    return None


def supplement_problem(body: Mapping[str, Any]) -> str | None:
    """What is wrong with a 补正/补齐材料 body, or None."""
    problem = _common(body, ("RWBH", "BJBH", "SXBM", "BLBM", "CZSJ"), ("BZSM",), ("CZSJ",))
    problem = problem or _materials(body.get("CLQD"), ("SFTJ",))
    if problem:
        return problem
    if not body["CLQD"]:
        return "参数错误：CLQD 不能为空"
    if any(item["SFTJ"] != "1" for item in body["CLQD"]):
        return '参数错误：CLQD 补正材料的 SFTJ 应为 "1"'
    return None


def withdraw_problem(body: Mapping[str, Any]) -> str | None:
    """What is wrong with a 任务撤回 body, or None."""
    return _common(body, ("RWBH", "BJBH", "BLBM", "CHYY", "CZSJ"), (), ("CZSJ",))
