"""附件 that systems send with inquiries: bytes (the website's base64) stored as they are, links (12345's
recordings and photos) fetched through the system's adapter first. Each file on its own: one the limits
refuse is logged and left out, the inquiry and the other files are kept."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence

from gateway.domain.access import Actor
from gateway.domain.attachments import NewFile
from gateway.domain.errors import FileRefused
from gateway.services.attachments.service import AttachmentService

log = logging.getLogger(__name__)

# Fetches a file a system serves by its URL (raises UpstreamError, so that the push is retried).
Fetch = Callable[[str], bytes]


def fetched_files(fetch: Fetch | None, system: str, files: Sequence[NewFile]) -> list[NewFile]:
    """The files with the bytes of each link fetched (one that cannot be fetched without a fetcher is
    left out, logged)."""
    ready: list[NewFile] = []
    for file in files:
        if not file.content and file.url:
            if fetch is None:
                log.warning("attachment link from %s not fetched: no fetcher", system)
                continue
            file = dataclasses.replace(file, content=fetch(file.url))
        ready.append(file)
    return ready


def attach_files(
    service: AttachmentService,
    fetch: Fetch | None,
    system: str,
    inquiry_id: int,
    files: Sequence[NewFile],
    actor: Actor,
) -> int:
    """Store the files sent with an inquiry; how many were new. A file the system sends again (by its own
    id) is skipped; a link is fetched only for a file not yet stored."""
    fresh = [
        f for f in files if f.external_ref is None or not service.known(inquiry_id, system, f.external_ref)
    ]
    stored = 0
    for file in fetched_files(fetch, system, fresh):
        try:
            stored += service.intake(inquiry_id, [file], system, actor)
        except FileRefused as err:
            log.warning("attachment from %s refused inquiry=%s: %s", system, inquiry_id, err.reason)
    return stored
