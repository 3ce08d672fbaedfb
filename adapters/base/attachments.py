"""附件 sent as base64 inside a JSON push (the website's and the window system's way), decoded into the
gateway's files; each system names the fields in its own words. Pure: no I/O."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from gateway.domain.attachments import NewFile
from gateway.domain.errors import WireError

MAX_FILES = 20
# A push may carry files: the gateway's own request limit for such a webhook (config) bites first.
MAX_PUSH_BYTES = 96 * 1024 * 1024


def base64_files(
    items: Any, field: str, names: tuple[str, str, str], kind: str | None = None
) -> tuple[NewFile, ...]:
    """A push's list of {id, name, base64 content} (`names` gives the three keys) as files; () if absent."""
    if items is None:
        return ()
    if not isinstance(items, list) or len(items) > MAX_FILES:
        raise WireError(field, f"must be a list of at most {MAX_FILES} files")
    id_key, name_key, content_key = names
    files = []
    for i, item in enumerate(items):
        where = f"{field}[{i}]"
        if not isinstance(item, Mapping):
            raise WireError(where, "must be an object")
        file_id, name, content = item.get(id_key), item.get(name_key), item.get(content_key)
        if not isinstance(file_id, str) or not 1 <= len(file_id) <= 64:
            raise WireError(f"{where}.{id_key}", "must be 1-64 characters")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 255:
            raise WireError(f"{where}.{name_key}", "must be 1-255 characters")
        if not isinstance(content, str) or not content:
            raise WireError(f"{where}.{content_key}", "must be the file in base64")
        try:
            decoded = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise WireError(f"{where}.{content_key}", "must be the file in base64") from None
        files.append(NewFile(filename=name.strip(), content=decoded, external_ref=file_id, kind=kind))
    return tuple(files)
