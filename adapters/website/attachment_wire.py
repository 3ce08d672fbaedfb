"""附件 in the website's protocol (PROTOCOL.md, 附件): files as base64 in the JSON bodies, both ways.

In: a submitted message's `attachments` ([{fileId, fileName, content}]) become the inquiry's files. Out: a
published reply carries the attachments a department marked public ([{fileId, fileName, contentType,
fileSize, sha256, content}]). Pure: no I/O.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from gateway.domain.attachments import NewFile
from gateway.domain.errors import WireError

MAX_FILES = 20


def files_from_message(message: Mapping[str, Any]) -> tuple[NewFile, ...]:
    """A message's `attachments`, decoded; () when it has none."""
    items = message.get("attachments")
    if items is None:
        return ()
    if not isinstance(items, list) or len(items) > MAX_FILES:
        raise WireError("message.attachments", f"must be a list of at most {MAX_FILES} files")
    files = []
    for i, item in enumerate(items):
        field = f"message.attachments[{i}]"
        if not isinstance(item, Mapping):
            raise WireError(field, "must be an object")
        file_id, name, content = item.get("fileId"), item.get("fileName"), item.get("content")
        if not isinstance(file_id, str) or not 1 <= len(file_id) <= 64:
            raise WireError(f"{field}.fileId", "must be 1-64 characters")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 255:
            raise WireError(f"{field}.fileName", "must be 1-255 characters")
        if not isinstance(content, str) or not content:
            raise WireError(f"{field}.content", "must be the file in base64")
        try:
            decoded = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise WireError(f"{field}.content", "must be the file in base64") from None
        files.append(NewFile(filename=name.strip(), content=decoded, external_ref=file_id))
    return tuple(files)


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
