"""The citizen's own numbers are found as a pattern would find them: digits in order, at most eight
characters that are neither letters nor digits between two of them, an ID number's x in either case."""

from __future__ import annotations

import random
import re

import pytest

from gateway.domain import pii


def reference(folded: str, numbers: tuple[tuple[str, int, int], ...]) -> list[list[int]]:
    found = []
    for value, _, _ in numbers:
        chars = [f"[{c.lower()}{c.upper()}]" if c in "xX" else c for c in value]
        for match in re.finditer(r"[\W_]{0,8}".join(chars), folded):
            found.append([i for i in range(match.start(), match.end()) if folded[i].isalnum()])
    return found


NUMBERS = (("13800138000", 3, 4), ("35010219900101123X", 6, 4), ("83725566", 0, 4))
PIECES = [
    *("13800138000", "138 0013 8000", "1-3-8-0-0-1-3-8-0-0-0", "138_0013_8000", "138..........00138000"),
    *("35010219900101123x", "350102 19900101 123X", "83725566", "8372 5566", "电话", "号码", "，", " "),
    *("X", "x", "0", "1", "8", "a", "_", "\u3000", "（", "）"),
]


@pytest.mark.parametrize("seed", range(4))
def test_occurrences_are_the_patterns_matches(seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(500):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 12)))
        found = [list(o) for o in pii._occurrences(text, NUMBERS)]
        assert sorted(found) == sorted(reference(text, NUMBERS)), text


def test_more_than_eight_characters_between_two_digits_breaks_a_number() -> None:
    assert [list(o) for o in pii._occurrences("138.........00138000", NUMBERS[:1])] == []
    assert [list(o) for o in pii._occurrences("138........00138000", NUMBERS[:1])] != []
