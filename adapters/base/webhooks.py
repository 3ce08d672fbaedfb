"""Standard Webhooks signatures: webhook-id, webhook-timestamp, webhook-signature (v1, HMAC-SHA256).

The signed content is ``{id}.{timestamp}.{body}``; secrets look like ``whsec_<base64>``; the signature
header holds one or more space-separated ``v1,<base64>`` entries, so a sender can sign with an old and a
new secret while they rotate, and a receiver accepts any of its current secrets.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as _secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gateway.domain.errors import SignatureError

TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"  # noqa: S105 (the secrets' marker, not a secret)


@dataclass(frozen=True)
class SignedHeaders:
    """The three headers of a signed webhook."""

    webhook_id: str
    timestamp: int
    signature: str

    def as_dict(self) -> dict[str, str]:
        """The headers to send."""
        return {
            "webhook-id": self.webhook_id,
            "webhook-timestamp": str(self.timestamp),
            "webhook-signature": self.signature,
        }


def new_secret() -> str:
    """A fresh whsec_ secret (24 random bytes)."""
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    raw = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    try:
        return base64.b64decode(raw, validate=True)
    except ValueError:
        raise ValueError("a webhook secret must be whsec_ followed by base64") from None


def _sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    content = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign(secrets: Iterable[str], webhook_id: str, timestamp: int, body: bytes) -> SignedHeaders:
    """Sign a body with every given secret (several while rotating)."""
    signature = " ".join(_sign(s, webhook_id, timestamp, body) for s in secrets)
    return SignedHeaders(webhook_id, timestamp, signature)


def verify(secrets: Iterable[str], headers: Mapping[str, str], body: bytes, now: float) -> str:
    """Check a webhook; returns its webhook-id or raises SignatureError saying why (never with the body)."""
    webhook_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    presented = headers.get("webhook-signature", "")
    if not webhook_id or not stamp or not presented:
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature")
    if len(webhook_id) > 200:
        raise SignatureError("webhook-id too long")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureError("webhook-timestamp is not an integer") from None
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError("webhook-timestamp outside the 5 minute tolerance")
    offered = [part for part in presented.split(" ") if part.startswith("v1,")]
    for secret in secrets:
        expected = _sign(secret, webhook_id, timestamp, body)
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return webhook_id
    raise SignatureError("no valid signature")
