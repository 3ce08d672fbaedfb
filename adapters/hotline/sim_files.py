"""The simulated 12345 platform's 附件: files it serves for the work orders it pushes (recordings, photos),
and the files it fetches from the links a created work order lists (and keeps, checked by SHA-256)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

import requests
from flask import Flask, Response

from adapters.hotline.sim_state import SimError

FILE_PATH = "/api/gd/fj/"
FJLX = {"LY", "ZP", "WJ", "SMJ"}


@dataclass
class PlatformFiles:
    """Files the platform serves, and those it fetched, by work order."""

    public_url: str = ""  # where the gateway reaches the platform (the links' base); set by the wiring
    served: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)  # fjid -> (name, bytes, type)
    fetched: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # wbbh -> files with bytes
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self, name: str, content: bytes, fjlx: str = "LY", media_type: str = "audio/mpeg"
    ) -> dict[str, str]:
        """Keep a file to serve; its fjList entry for a pushed work order."""
        with self.lock:
            fjid = f"FJ{len(self.served) + 1:06d}"
            self.served[fjid] = (name, content, media_type)
        return {"fjid": fjid, "fjmc": name, "fjlx": fjlx, "xzdz": f"{self.public_url}{FILE_PATH}{fjid}"}

    def fetch_all(self, wbbh: str, items: list[dict[str, Any]]) -> None:
        """Fetch every listed file from its link (as the platform does on 创建工单), checking its digest."""
        got = []
        for item in items:
            try:
                response = requests.get(item["xzdz"], timeout=10)
            except requests.RequestException as err:
                raise SimError(
                    502, "E5001", f"附件下载失败：{item.get('fjmc')} ({type(err).__name__})"
                ) from None
            if response.status_code != 200:
                raise SimError(
                    502, "E5001", f"附件下载失败：{item.get('fjmc')} (HTTP {response.status_code})"
                )
            if hashlib.sha256(response.content).hexdigest() != item.get("sha256"):
                raise SimError(400, "E1003", f"附件校验失败：{item.get('fjmc')}")
            got.append({**item, "content": response.content})
        with self.lock:
            self.fetched[wbbh] = got

    def of_work_order(self, wbbh: str) -> list[dict[str, Any]]:
        """The files fetched for the work order the gateway created under its number."""
        with self.lock:
            return [dict(f) for f in self.fetched.get(wbbh, [])]

    def reset(self) -> None:
        with self.lock:
            self.served.clear()
            self.fetched.clear()


def check_list(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The rules of a create call's fjList (absent: none)."""
    items = body.get("fjList")
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > 20:
        raise SimError(400, "E1003", "字段格式错误：fjList")
    for item in items:
        if not isinstance(item, dict) or item.get("fjlx") not in FJLX:
            raise SimError(400, "E1003", "字段格式错误：fjList.fjlx")
        for name in ("fjid", "fjmc", "xzdz", "sha256"):
            if not isinstance(item.get(name), str) or not item[name]:
                raise SimError(400, "E1003", f"缺少必填字段：fjList.{name}")
    return items


def register(app: Flask, files: PlatformFiles) -> None:
    """GET /api/gd/fj/<fjid>: a file the platform serves."""

    @app.get(f"{FILE_PATH}<fjid>")
    def serve_file(fjid: str) -> Response:
        with files.lock:
            found = files.served.get(fjid)
        if found is None:
            raise SimError(404, "E2001", "附件不存在")
        name, content, media_type = found
        return Response(content, mimetype=media_type, headers={"X-File-Name": name.encode().hex()})
