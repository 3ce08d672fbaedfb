"""GET /webhooks/attachments/<token>: a file behind a signed, expiring link, for an external system (12345
fetches a forwarded website message's 附件 so). No API key: the link is the authorization; a forged,
malformed or expired one is 404 in the API's error shape. Not in the OpenAPI spec (no client calls it)."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, Response, send_file

from gateway.api.auth import services

attachment_links = Blueprint("attachment_links", __name__, url_prefix="/webhooks/attachments")


@attachment_links.get("/<token>")
def fetch(token: str) -> Response:
    """The file a valid link names."""
    got = services().attachment_messages.linked(token[:200])
    response = send_file(
        BytesIO(got.content),
        mimetype=got.attachment.media_type,
        download_name=got.attachment.filename,
        as_attachment=True,
        etag=got.attachment.sha256,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
