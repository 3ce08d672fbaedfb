"""并单 (merging duplicates): how alike two inquiries' texts are, behind one interface.

``TextSimilarity.score(a, b)`` is a number in [0, 1]; the candidate rules compare it with a threshold.
The first measure is the Jaccard index of the character bigrams of the texts with personal data removed
(phones, ID numbers and card numbers, the citizen's name), spaces and punctuation dropped. A later issue
replaces it with a better one: anything with a ``score`` method fits.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

from gateway.domain.pii import Person, redact_text

_MASKED_RUN = re.compile(r"[\dXx\s-]*\*[\dXx*\s-]*")


class TextSimilarity(Protocol):
    """A measure of how alike two texts are: 0 nothing in common, 1 the same."""

    def score(self, a: str, b: str) -> float:
        """The similarity of a and b, in [0, 1]."""


def plain(text: str, person: Person | None = None) -> str:
    """The text as it is compared: personal data removed (masked, then the masks dropped), letters and
    digits only, lower case."""
    redacted = redact_text(text, person=person or Person(), mask_doubtful=True)
    # A masked number keeps a few digits (139****1234): drop the whole run, so two callers' numbers
    # make neither text more nor less alike.
    unmasked = _MASKED_RUN.sub("", unicodedata.normalize("NFKC", redacted))
    return "".join(ch.lower() for ch in unmasked if ch.isalnum())


def bigrams(text: str) -> frozenset[str]:
    """The character bigrams of a text (a one-character text is its own one gram)."""
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


class BigramJaccard:
    """|A ∩ B| / |A ∪ B| over character bigrams: cheap, order-blind, good enough for Chinese short texts
    about the same place (two texts with nothing comparable score 0)."""

    def score(self, a: str, b: str) -> float:
        """The Jaccard index of the bigrams of a and b (already ``plain``)."""
        first, second = bigrams(a), bigrams(b)
        union = first | second
        return len(first & second) / len(union) if union else 0.0
