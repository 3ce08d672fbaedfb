"""Callers recognised again (重复来电) without the numbers in clear: a keyed hash (HMAC-SHA256 with a
server secret) of a phone or ID number in one normal spelling. The index of inquiries by caller holds only
these keys; whoever reads the database without the secret cannot test a phone number against them.

One normal spelling per number, whatever the writer typed: full-width and other digit forms folded,
separators dropped, a country code (``+86``, ``0086``, ``86`` before a mobile) removed, and a landline
written after a country code given its trunk ``0`` back (``+86 591 8345 6789`` -> ``059183456789``). An
ID number keeps its letters and digits, upper case (``…123x`` -> ``…123X``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from gateway.domain.numbers import fold

MOBILE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE = re.compile(r"0[1-9][0-9]{8,10}")  # 0 + area code + 7-8 digit local number
SHORTEST = 7  # fewer digits than a local number are no number to recognise a caller by


def national_phone(text: str | None) -> str | None:
    """The phone's digits as dialled inside China (no country code), or None if it has too few."""
    folded = fold(text or "").strip()
    digits = "".join(c for c in folded if c.isdigit())
    international = False
    if digits.startswith("0086"):
        digits, international = digits[4:], True
    elif digits.startswith("86") and (folded.startswith("+") or MOBILE.fullmatch(digits[2:])):
        digits, international = digits[2:], True
    if international and digits and not MOBILE.fullmatch(digits) and not digits.startswith("0"):
        digits = "0" + digits  # a landline after a country code is written without its trunk 0
    return digits if len(digits) >= SHORTEST else None


def id_characters(text: str | None) -> str | None:
    """An ID number's letters and digits, upper case, or None if it has fewer than 8."""
    value = "".join(c for c in fold(text or "") if c.isalnum()).upper()
    return value if len(value) >= 8 else None


@dataclass(frozen=True)
class CallerKeys:
    """Keys of one server secret; without a secret (``""``) there are none and no lookup by caller."""

    secret: str

    @property
    def enabled(self) -> bool:
        return bool(self.secret)

    def _key(self, kind: str, value: str | None) -> str | None:
        if value is None or not self.secret:
            return None
        message = f"{kind}:{value}".encode()
        return hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()

    def phone(self, text: str | None) -> str | None:
        """The key of a phone number in any spelling, or None."""
        return self._key("phone", national_phone(text))

    def id_number(self, text: str | None) -> str | None:
        """The key of an ID number in any spelling, or None."""
        return self._key("id", id_characters(text))
