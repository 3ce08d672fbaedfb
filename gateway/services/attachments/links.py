"""Signed, expiring download links for external systems (12345 fetches a forwarded message's 附件 by
them): the attachment's id and the link's end, with an HMAC-SHA256 of both under the server's secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

_SALT = b"gateway.attachment-link.v1:"


def _mac(secret: str, message: str) -> str:
    digest = hmac.new(_SALT + secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(secret: str, attachment_id: int, expires: datetime) -> str:
    """The token of a link to one attachment, valid until `expires`."""
    if not secret:
        raise ValueError("no secret key to sign attachment links with (GATEWAY_SECRET_KEY)")
    message = f"{attachment_id}.{int(expires.timestamp())}"
    return f"{message}.{_mac(secret, message)}"


def verify(secret: str, token: str, now: datetime) -> int | None:
    """The attachment id a token names, or None if it is forged, malformed or expired."""
    parts = token.split(".")
    if len(parts) != 3 or not secret or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    message = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_mac(secret, message), parts[2]):
        return None
    if int(parts[1]) < now.timestamp():
        return None
    return int(parts[0])
