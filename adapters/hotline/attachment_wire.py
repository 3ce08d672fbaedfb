"""附件 in the 12345 platform's protocol (PROTOCOL.md, 附件): the list `fjList` of a work order, both ways.

In: a pushed work order's recordings and photos come as links on the platform (`xzdz`), which the gateway
fetches (HotlineClient.fetch). Out: a forwarded message's attachments go as links the gateway serves
(signed, expiring `yxq`), which the platform fetches. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from adapters.hotline import codes
from gateway.domain.attachments import NewFile
from gateway.domain.errors import WireError

# 附件类型 fjlx <-> the gateway's kind
FJLX_TO_KIND = {"LY": "recording", "ZP": "photo", "WJ": "document", "SMJ": "scan"}
KIND_TO_FJLX = {kind: code for code, kind in FJLX_TO_KIND.items()}
MAX_FILES = 20


def _item_text(item: Mapping[str, Any], field: str, name: str, max_len: int) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise WireError(f"{field}.{name}", "is required")
    if len(value) > max_len:
        raise WireError(f"{field}.{name}", f"must be at most {max_len} characters")
    return value.strip()


def files_from_work_order(data: Mapping[str, Any]) -> tuple[NewFile, ...]:
    """A work order's `fjList` as files to fetch; () when it has none."""
    items = data.get("fjList")
    if items in (None, ""):
        return ()
    if not isinstance(items, list) or len(items) > MAX_FILES:
        raise WireError("sj.fjList", f"must be a list of at most {MAX_FILES} attachments")
    files = []
    for i, item in enumerate(items):
        field = f"sj.fjList[{i}]"
        if not isinstance(item, Mapping):
            raise WireError(field, "must be an object")
        fjlx = item.get("fjlx")
        if fjlx not in FJLX_TO_KIND:
            raise WireError(f"{field}.fjlx", f"must be one of {', '.join(FJLX_TO_KIND)}")
        url = _item_text(item, field, "xzdz", 2000)
        if not url.startswith(("http://", "https://")):
            raise WireError(f"{field}.xzdz", "must be an http(s) URL")
        files.append(
            NewFile(
                filename=_item_text(item, field, "fjmc", 255),
                content=b"",
                external_ref=_item_text(item, field, "fjid", 64),
                kind=FJLX_TO_KIND[str(fjlx)],
                url=url,
            )
        )
    return tuple(files)


def file_list(payload: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """A workorder.create payload's attachments (filled in before sending) as `fjList`; None if none."""
    attachments = payload.get("attachments") or []
    if not isinstance(attachments, list):
        raise WireError("attachments", "must be a list")
    listed = []
    for i, item in enumerate(attachments):
        if not isinstance(item, Mapping) or item.get("kind") not in KIND_TO_FJLX:
            raise WireError(f"attachments[{i}]", "must be an attachment with a gateway kind")
        try:
            expires = datetime.fromisoformat(str(item["expires_at"]))
            listed.append(
                {
                    "fjid": str(item["id"]),
                    "fjmc": str(item["filename"]),
                    "fjlx": KIND_TO_FJLX[str(item["kind"])],
                    "wjlx": str(item["media_type"]),
                    "wjdx": int(item["size"]),
                    "sha256": str(item["sha256"]),
                    "xzdz": str(item["url"]),
                    "yxq": codes.format_time(expires),
                }
            )
        except (KeyError, ValueError, TypeError):
            raise WireError(
                f"attachments[{i}]", "must have id, filename, media_type, size, sha256, url, expires_at"
            ) from None
    return listed or None
