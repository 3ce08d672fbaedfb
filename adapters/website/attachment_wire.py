"""附件 in the website's protocol (PROTOCOL.md, 附件): files as base64 in the JSON bodies, both ways.

In: a submitted message's `attachments` ([{fileId, fileName, content}]) become the inquiry's files. Out: a
published reply carries the attachments a department marked public ([{fileId, fileName, contentType,
fileSize, sha256, content}]). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.base.attachments import base64_files
from gateway.domain.attachments import NewFile
from gateway.domain.errors import WireError


def files_from_message(message: Mapping[str, Any]) -> tuple[NewFile, ...]:
    """A message's `attachments`, decoded; () when it has none."""
    names = ("fileId", "fileName", "content")
    return base64_files(message.get("attachments"), "message.attachments", names)


def reply_files(payload: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """A reply.publish payload's public attachments (filled in before sending) for the website; None if
    none."""
    attachments = payload.get("attachments") or []
    if not isinstance(attachments, list):
        raise WireError("attachments", "must be a list")
    listed = []
    for i, item in enumerate(attachments):
        try:
            listed.append(
                {
                    "fileId": f"FJ{int(item['id'])}",
                    "fileName": str(item["filename"]),
                    "contentType": str(item["media_type"]),
                    "fileSize": int(item["size"]),
                    "sha256": str(item["sha256"]),
                    "content": str(item["content_base64"]),
                }
            )
        except (KeyError, TypeError, ValueError):
            raise WireError(
                f"attachments[{i}]", "must have id, filename, media_type, size, sha256, content"
            ) from None
    return listed or None
