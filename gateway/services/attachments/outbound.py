"""附件 in messages to other systems, filled in just before sending (the delivery worker's hydrators), so
that a message carries the files its inquiry has then, and links that are fresh:

- ``workorder.create`` to 12345: every attachment, each with a signed link that expires
  (``attachments.link_seconds``), which the platform fetches from ``/webhooks/attachments/<token>``;
- ``reply.publish`` to the website: only the attachments a department marked public, their bytes in base64.
"""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from typing import Any

from gateway.domain.errors import NotFound
from gateway.services.attachments import links
from gateway.services.attachments.service import AttachmentService, AttachmentSnapshot, Download, present

log = logging.getLogger(__name__)

LINK_PATH = "/webhooks/attachments/"


def described(attachment: AttachmentSnapshot) -> dict[str, Any]:
    """An attachment's metadata in a message payload (the gateway's own field names)."""
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "media_type": attachment.media_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "kind": attachment.kind,
    }


class AttachmentMessages:
    """What messages say of attachments, and the download behind a signed link."""

    def __init__(self, service: AttachmentService, secret: str) -> None:
        self.service, self.secret = service, secret

    def for_work_order(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The work order with its inquiry's attachments as signed links."""
        expires = self.service.clock() + timedelta(seconds=self.service.policy.link_seconds)
        base = self.service.policy.public_url.rstrip("/") + LINK_PATH
        files = [
            {
                **described(a),
                "url": base + links.sign(self.secret, a.id, expires),
                "expires_at": expires.isoformat(),
            }
            for a in self.service.of_inquiry(int(payload["inquiry_id"]))
        ]
        return {**payload, "attachments": files}

    def for_publication(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The published reply with the attachments marked public, their bytes in base64."""
        files = [
            {**described(a), "content_base64": base64.b64encode(self.service.content(a.sha256)).decode()}
            for a in self.service.of_inquiry(int(payload["inquiry_id"]), public_only=True)
        ]
        return {**payload, "attachments": files}

    def linked(self, token: str) -> Download:
        """The attachment a signed link names, while the link is valid; NotFound otherwise."""
        attachment_id = links.verify(self.secret, token, self.service.clock())
        if attachment_id is None:
            raise NotFound("no such link, or it has expired")
        with self.service.db.reading() as uow:
            row = uow.attachments.by_id(attachment_id)
            if row is None:
                raise NotFound("no such link, or it has expired")
            snapshot = present(row)
        log.info("attachment %s fetched by link", attachment_id)
        return Download(snapshot, self.service.content(snapshot.sha256))
