"""The website simulator's memory: messages, replies, status history, 办事指南, and the webhooks it pushes."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests

from adapters.base.simulator import SimulatorState, push_webhook

BEIJING = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BOX_NAMES = {"LDXX": "领导信箱", "ZXZX": "在线咨询", "TSJB": "投诉举报", "JYXC": "建言献策"}
STATUS_NAMES = {0: "待受理", 1: "已受理", 2: "办理中", 3: "已答复", 4: "已办结"}
GUIDE_SUMMARY = (
    "itemCode",
    "itemName",
    "itemTypeName",
    "deptName",
    "promiseDays",
    "legalDays",
    "onlineUrl",
    "updateTime",
)


@dataclass
class WebsiteState(SimulatorState):
    """The website's memory: messages, replies, status history and the webhooks it pushed."""

    gateway_webhook_url: str | None = None
    webhook_secrets: list[str] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    replies: list[dict[str, Any]] = field(default_factory=list)
    status_history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    pushes: list[dict[str, Any]] = field(default_factory=list)
    guides: dict[str, dict[str, Any]] = field(default_factory=dict)  # by itemCode, withdrawn ones too
    files: dict[str, bytes] = field(default_factory=dict)  # 附件 of published replies, by SHA-256
    sequence: int = 0
    # reset() forgets these too (the webhook target and secrets stay).
    cleared_on_reset = ("messages", "replies", "status_history", "pushes", "guides", "files")

    def submit_message(self, **fields: Any) -> dict[str, Any]:
        """A citizen writes a message: store it (status 0 待受理), push the signed webhook if configured."""
        now = datetime.now(BEIJING)
        with self.lock:
            self.sequence += 1
            message: dict[str, Any] = {
                "msgId": f"LY{now:%Y%m%d}{self.sequence:06d}",
                "boxType": "TSJB",
                "subject": "小区旁工地夜间施工噪音扰民",
                "content": "金山街道某小区旁工地连续多日夜间十一点后仍在施工，噪声很大，"
                "影响休息，请相关部门查处。",
                "writerName": "陈晓燕",
                "writerMobile": "13805912345",
                "writerIdCard": "350104198805061234",
                "isPublic": "Y",
                "submitTime": now.strftime(TIME_FORMAT),
                "area": "金山街道",
                "eventAddress": "仓山区金山街道浦上大道",
            }
            message.update(fields)
            message = {k: v for k, v in message.items() if v is not None}  # None drops a default
            self.messages[str(message["msgId"])] = {**message, "status": 0}
            self.status_history[str(message["msgId"])] = []
        if self.gateway_webhook_url:
            self._push(message, now)
        return dict(message)

    def _push(self, message: dict[str, Any], now: datetime) -> None:
        body = {"eventType": "message.submitted", "eventTime": now.strftime(TIME_FORMAT), "message": message}
        outcome: dict[str, Any] = {"msgId": message.get("msgId")}
        try:
            response = push_webhook(
                str(self.gateway_webhook_url),
                self.webhook_secrets,
                body,
                webhook_id=f"evt_{message.get('msgId')}",
            )
            outcome["status"] = response.status_code
            try:
                outcome["body"] = response.json()
            except ValueError:
                outcome["body"] = response.text[:2000]
        except requests.RequestException as err:
            outcome["status"], outcome["error"] = None, type(err).__name__  # 推送失败; the admin sees it
        with self.lock:
            self.pushes.append(outcome)

    def published(self) -> list[dict[str, Any]]:
        """What a visitor of the website sees: published replies, newest first."""
        with self.lock:
            return [_public_view(r) for r in reversed(self.replies) if r["publish"] == "Y"]

    def published_guides(
        self, keyword: str | None = None, dept_name: str | None = None
    ) -> list[dict[str, Any]]:
        """Guides a visitor can find (publishState Y), by item code; keyword matches name, code, keywords."""
        word = (keyword or "").strip().lower()
        with self.lock:
            found = [
                g
                for g in self.guides.values()
                if g["publishState"] == "Y"
                and (not dept_name or g.get("deptName") == dept_name)
                and (not word or any(word in text.lower() for text in _searchable(g)))
            ]
        return [{k: g.get(k) for k in GUIDE_SUMMARY} for g in sorted(found, key=lambda g: g["itemCode"])]

    def public_guide(self, item_code: str) -> dict[str, Any] | None:
        """One guide as a visitor sees it; None when unknown or withdrawn."""
        with self.lock:
            guide = self.guides.get(item_code)
            if guide is None or guide["publishState"] != "Y":
                return None
            return {k: v for k, v in copy.deepcopy(guide).items() if k not in ("publishState", "receiveTime")}

    def guide(self, item_code: str) -> dict[str, Any] | None:
        """One guide as the website holds it, withdrawn or not (for tests)."""
        with self.lock:
            guide = self.guides.get(item_code)
            return copy.deepcopy(guide) if guide is not None else None


def _searchable(guide: dict[str, Any]) -> list[str]:
    return [guide["itemCode"], str(guide.get("itemName", "")), *guide.get("keyWords", [])]


def _public_view(reply: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in reply.items() if k != "publish"}
