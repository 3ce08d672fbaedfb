"""Numbers in free text cut into chunks and groups: the maximal digit runs of the folded text (chunks),
joined into the groups that may be one number by tight and loose joins (see ``numbers``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gateway.domain.numbers import is_year, loose, pieces_of_one_number, tight

_RUN = re.compile(r"[0-9]+")
_FINAL_X = re.compile(r"[ \-]?[xX](?![A-Za-z0-9])")
TIGHT, LOOSE = 1, 2  # how a chunk is joined to the one before it (0: not, it starts a group)


@dataclass(frozen=True, slots=True)
class Chunk:
    digits: str
    start: int  # position of its first digit in the text
    join: int  # how it is joined to the chunk before it: 0 (first of its group), TIGHT or LOOSE
    sep: str  # the folded separator before it, spaces stripped (" " if only spaces)
    x: int | None = None  # position of a final x/X after it (an ID number's check character)


def _join(folded: str, left: Chunk, start: int, digits: str, x: bool, *, years: bool) -> int:
    if left.x is not None:
        return 0  # an ID number's check character ends it
    between = folded[left.start + len(left.digits) : start]
    if tight(between):
        return TIGHT
    if loose(between) and pieces_of_one_number(left.digits, digits, x, years=years):
        return LOOSE
    return 0


def groups(folded: str) -> Iterator[list[Chunk]]:
    group: list[Chunk] = []
    years = False  # the group so far is years only
    for run in _RUN.finditer(folded):
        start, end = run.span()
        digits = run.group()
        after_x = _FINAL_X.match(folded, end)
        x_at = after_x.end() - 1 if after_x else None
        join = _join(folded, group[-1], start, digits, x_at is not None, years=years) if group else 0
        sep = "" if not join else folded[group[-1].start + len(group[-1].digits) : start].strip() or " "
        if not join and group:
            yield group
            group = []
        years = is_year(digits) and (years or not group)
        group.append(Chunk(digits, start, join, sep, x_at))
    if group:
        yield group


def _is_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def anchored(folded: str, start: int, end: int) -> bool:
    """A run joined to ASCII letters (directly or by - or _) is part of an identifier like SQ… or an item
    code, not a number on its own."""
    before = folded[max(start - 2, 0) : start]
    after = folded[end : end + 2]
    return bool(
        (before[-1:] and _is_letter(before[-1]))
        or (len(before) == 2 and before[1] in "-_" and _is_letter(before[0]))
        or (after[:1] and _is_letter(after[0]))
        or (len(after) == 2 and after[0] in "-_" and _is_letter(after[1]))
    )
