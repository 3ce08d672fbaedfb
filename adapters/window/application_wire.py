"""办件状态通知: an ``application.status_changed`` payload -> the window system's bj/zt body. Pure mapping.

The window calls the applicant for 补正 and when the result waits at the 统一出件窗口, so the body carries the
notice text (``tznr``) composed here; the window system only sends it. Errors name the window's field, as
in ``wire.status_notice``: a payload the adapter cannot map is the gateway's bug, which no retry can fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.window.wire import format_time
from gateway.domain.applications import AppAction, AppStatus
from gateway.domain.errors import WireError

NOTICE_PATH = "/ckxt/api/bj/zt"
APPLICANT = "SQR"  # 通知对象: 申请人

# 办件状态 bjzt, by the gateway's AppStatus.
BJZT: dict[AppStatus, str] = {
    AppStatus.ACCEPTED: "10",  # 已受理
    AppStatus.UNDER_REVIEW: "20",  # 审查中
    AppStatus.CORRECTION: "21",  # 待补正
    AppStatus.GRANTED: "30",  # 准予
    AppStatus.REFUSED: "31",  # 不予
    AppStatus.READY: "40",  # 待取件
    AppStatus.DELIVERED: "90",  # 已出件
}

# 办件操作类型 czlx, by the gateway's AppAction ("accept" is the gateway's name of 受理 in its history).
CZLX: dict[str, str] = {
    "accept": "SL",  # 受理
    AppAction.REVIEW: "SC",  # 审查
    AppAction.REQUEST_CORRECTION: "BZGZ",  # 补正告知
    AppAction.SUPPLEMENT: "BZ",  # 补正 / 容缺补齐 (材料补交)
    AppAction.GRANT: "ZY",  # 准予
    AppAction.REFUSE: "BY",  # 不予
    AppAction.PREPARE: "CJ",  # 出件 (结果到统一出件窗口)
    AppAction.PICKUP: "LQ",  # 领取
    AppAction.POST: "JD",  # 寄递
}


def status_notice(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``application.status_changed`` -> a bj/zt body; ``tzdx``/``tznr`` only when the applicant is told."""
    receipt = _text(payload, "receipt_no", "slbh", required=True)
    assert receipt is not None
    status = _code(BJZT, payload.get("status"), "status", "bjzt")
    action = _code(CZLX, payload.get("action"), "action", "czlx")
    at = payload.get("at")
    if not isinstance(at, str):
        raise WireError("czsj", "消息缺少 at")
    materials = _materials(payload)
    tracking = _text(payload, "tracking_no", "yjdh")
    notice = applicant_notice(
        receipt,
        AppStatus(payload["status"]),
        str(payload["action"]),
        materials=materials,
        reason=_text(payload, "reason", "yy"),
        refused=payload.get("refused_by") is not None,
        window=_text(payload, "window", "ckmc"),
        tracking_no=tracking,
        due=_day(payload.get("due_at")),
    )
    return {
        "slbh": receipt,
        "bjmc": _text(payload, "title", "bjmc", required=True),
        "bjzt": status,
        "czlx": action,
        "yy": _text(payload, "reason", "yy"),
        "bbm": _text(payload, "refused_by", "bbm"),
        "ckmc": _text(payload, "window", "ckmc"),
        "czsj": format_time(at, "czsj"),
        "bzcl": materials,
        "yjdh": tracking,
        "tzdx": APPLICANT if notice else None,
        "tznr": notice,
    }


def _day(value: object) -> str | None:
    """An ISO time as the Beijing date it falls on (yyyy-MM-dd), for notices."""
    text = format_time(value, "czsj") if isinstance(value, str) else None
    return text[:10] if text else None


def applicant_notice(
    receipt: str,
    status: AppStatus,
    action: str,
    *,
    materials: list[str],
    reason: str | None,
    refused: bool,
    window: str | None,
    tracking_no: str | None,
    due: str | None = None,
) -> str | None:
    """The short text the window sends the applicant, or None when the step is no news for them.

    Only three steps are: a department asks for 补正 (bring these materials), the result waits at the
    统一出件窗口 (come and collect it), and the result went by post (the tracking number).
    """
    if status is AppStatus.CORRECTION and action == AppAction.REQUEST_CORRECTION:
        what = f"需补正材料：{'、'.join(materials)}" if materials else "需补正材料"
        why = f"（原因：{reason}）" if reason else ""
        when = f"于{due}前" if due else ""
        return f"您的办件{receipt}{what}{why}，请{when}携带材料到{window or '综合窗口'}补交。"
    if status is AppStatus.READY and action == AppAction.PREPARE:
        if refused:
            return f"您的办件{receipt}已办结，审批结果为不予许可，请到统一出件窗口领取不予许可决定书。"
        return f"您的办件{receipt}已办结，请到统一出件窗口领取。"
    if status is AppStatus.DELIVERED and action == AppAction.POST and tracking_no:
        return f"您的办件{receipt}已办结，办理结果已邮寄，运单号{tracking_no}，请注意查收。"
    return None


# ---- reading the gateway payload ------------------------------------------------------------------


def _text(payload: Mapping[str, Any], key: str, field: str, *, required: bool = False) -> str | None:
    value = payload.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise WireError(field, f"消息缺少 {key}")
        return None
    if not isinstance(value, str):
        raise WireError(field, f"{key} 应为字符串")
    return value.strip()


def _code(table: Mapping[Any, str], value: Any, key: str, field: str) -> str:
    if not isinstance(value, str) or value not in table:
        raise WireError(field, f"{key} 没有对应的代码: {value!r}")
    return table[value]


def _materials(payload: Mapping[str, Any]) -> list[str]:
    value = payload.get("materials")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise WireError("bzcl", "materials 应为材料名称数组")
    # The same material may be owed to two departments of a joint application: named once.
    return list(dict.fromkeys(name.strip() for name in value if name.strip()))
