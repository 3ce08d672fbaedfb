"""The best reading of one group of chunks as consecutive pieces: personal data (ID numbers, cards,
mobiles, landlines) first, then numbers known to be safe (dates, amounts, 400/800 lines), the rest unknown;
and the rival readings of the same digits as a phone or ID number."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from gateway.domain.number_groups import LOOSE, Chunk, anchored
from gateway.domain.numbers import (
    CARD,
    CARD_FIRST,
    ID,
    LANDLINE,
    MAX_NUMBER_DIGITS,
    MOBILE,
    SERVICE_LINE,
    luhn,
    read_personal,
    valid_date,
)

_PLUS_BEFORE = re.compile(r"\+[ (\[]{0,2}$")
SAFE, UNKNOWN = "safe", "unknown"
EXPLAINED = "explained"  # an unknown chunk that another reading takes as part of a phone or ID number
_WEIGHTS = {ID: 6, MOBILE: 4, LANDLINE: 4, SAFE: 1}  # see Reader._weight


@dataclass(frozen=True, slots=True)
class Piece:
    start: int  # chunk indexes [start, end) of its group
    end: int
    kind: str
    starred: tuple[int, int] = (0, 0)  # digit offsets [from, to) in the group of the digits to star


class Reader:
    """The best reading of one group as consecutive pieces: personal data first, then known safe numbers
    (dates, amounts, service lines), the rest unknown."""

    def __init__(self, folded: str, group: list[Chunk]) -> None:
        self.chunks = group
        self.digits = "".join(c.digits for c in group)
        self.offsets = [0]
        for chunk in group:
            self.offsets.append(self.offsets[-1] + len(chunk.digits))
        last = group[-1]
        end = (last.x if last.x is not None else last.start + len(last.digits) - 1) + 1
        self.anchored = anchored(folded, group[0].start, end)
        self.plus = bool(_PLUS_BEFORE.search(folded, max(group[0].start - 3, 0), group[0].start))
        self.dates = self._dates()
        self.phones: list[Piece] = []
        dated = [False] * len(group)
        for start, stop in self.dates:
            dated[start:stop] = [True] * (stop - start)
        # chunk index -> the dates and amounts (1234.56) it is part of, which no reading may cut
        self.whole: dict[int, list[tuple[int, int]]] = {}
        amounts = {(i - 1, i + 1) for i, c in enumerate(group) if i and c.sep == "." and len(c.digits) <= 2}
        for start, stop in self.dates | amounts:
            for i in range(start, stop):
                self.whole.setdefault(i, []).append((start, stop))
        # prefix counts: loose[i] of chunks[:i] joined loosely to the one before, dated[i] in a date
        self.loose, self.dated = [0], [0]
        for i, chunk in enumerate(group):
            self.loose.append(self.loose[-1] + (chunk.join == LOOSE))
            self.dated.append(self.dated[-1] + dated[i])

    def _loose_inside(self, start: int, end: int) -> bool:
        return self.loose[end] > self.loose[start + 1]

    def _has_date(self, start: int, end: int) -> bool:
        return self.dated[end] > self.dated[start]

    def _has_written_date(self, start: int, end: int) -> bool:
        """A date written as one (2026-12-07, not 20261207, which may be part of a number) is inside."""
        return self._has_date(start, end) and any(
            start < stop and first < end and stop - first == 3 for first, stop in self.dates
        )

    def _cuts(self, start: int, end: int) -> bool:
        """A piece that takes part of a date or an amount and leaves the rest (1500 (010)2000 0100
        2026-12-07: not a mobile 150001020000 and a landline 0100 2026 12)."""
        return any(first < start for first, _ in self.whole.get(start, ())) or any(
            stop > end for _, stop in self.whole.get(end - 1, ())
        )

    def _dates(self) -> set[tuple[int, int]]:
        """Chunk spans that are dates: 2026-12-07, 2026.12.07, 2026/12/07 and 20261207."""
        found: set[tuple[int, int]] = set()
        chunks = self.chunks
        for i, chunk in enumerate(chunks):
            if len(chunk.digits) == 8 and valid_date(chunk.digits[:4], chunk.digits[4:6], chunk.digits[6:]):
                found.add((i, i + 1))
            if i + 2 < len(chunks) and len(chunk.digits) == 4:
                month, day = chunks[i + 1], chunks[i + 2]
                if (
                    month.sep == day.sep
                    and month.sep in ("-", ".", "/")
                    and len(month.digits) <= 2
                    and len(day.digits) <= 2
                    and valid_date(chunk.digits, month.digits, day.digits)
                ):
                    found.add((i, i + 3))
        return found

    def read(self) -> list[Piece]:
        """The best reading; ``self.phones`` then holds every reading of chunks as a phone or ID number
        that was weighed (see ``rivals``)."""
        n = len(self.chunks)
        offsets, phones, chunks, dates = self.offsets, self.phones, self.chunks, self.dates
        score = [0] * (n + 1)
        last: list[Piece | None] = [None] * (n + 1)  # the last piece of the best reading of chunks[:k]
        for end in range(1, n + 1):
            stop = offsets[end]
            score[end], last[end] = score[end - 1], Piece(end - 1, end, UNKNOWN)
            found: list[Piece] = []
            # personal data: the chunks ending here that hold 10 to MAX_NUMBER_DIGITS digits
            first = bisect_left(offsets, stop - MAX_NUMBER_DIGITS, 0, end)
            for start in range(bisect_right(offsets, stop - 10, 0, end) - 1, first - 1, -1):
                if self._may_be_personal(start, stop - offsets[start]):
                    piece = self._personal(start, end)
                    if piece is not None:
                        found.append(piece)
                        if piece.kind != CARD:
                            phones.append(piece)
            # safe numbers: a date, an amount (the second of two chunks after a dot), a service line
            for start in range(end - 1, max(end - 4, -1), -1):
                count = stop - offsets[start]
                amount = end - start == 2 and chunks[start + 1].sep == "."
                if ((start, end) in dates or count == 10 or amount) and self._safe(start, end, count):
                    found.append(Piece(start, end, SAFE))
            for piece in found:
                total = score[piece.start] + self._weight(piece) * (stop - offsets[piece.start])
                if total > score[end]:
                    score[end], last[end] = total, piece
        pieces: list[Piece] = []
        while n > 0:
            piece = last[n]
            assert piece is not None
            pieces.append(piece)
            n = piece.start
        self.phones.sort(key=lambda p: p.start)
        return pieces[::-1]

    def rivals(self, piece: Piece, dated: list[bool], claimed: list[bool]) -> Iterator[Piece]:
        """Other readings as a phone or an ID number that overlap a piece of personal data: where the digits
        can be read two ways (1300 0300000 12345: a mobile, or 030 0000 12345?), both are masked. Chunks
        read as a date (``dated[i]``) are no part of a rival, and a rival takes in a chunk no phone or ID
        number of the reading claimed (``claimed[i]``): 139 0591 1234 / 0591-8765 4321 are two numbers,
        not a landline 0591 1234 0591 between them."""
        phones = self.phones
        # a reading holds at most MAX_NUMBER_DIGITS chunks, so none starting further left overlaps
        at = bisect_left(phones, piece.start - MAX_NUMBER_DIGITS, key=lambda p: p.start)
        for rival in phones[at:]:
            if rival.start >= piece.end:
                break
            if (
                rival.end > piece.start
                and rival != piece
                and not any(dated[rival.start : rival.end])
                and not all(claimed[rival.start : rival.end])
            ):
                yield rival

    def _may_be_personal(self, start: int, count: int) -> bool:
        """A quick look whether chunks from ``start`` holding ``count`` digits (10 or more) can be personal
        data at all: its first digits and length (the reading of most candidates ends here)."""
        if 16 <= count <= 19:
            return True  # an ID number, a card
        digits, at = self.digits, self.offsets[start]
        first, second = digits[at], digits[at + 1]
        if first == "1":
            return count == 11 and second in "3456789"  # a mobile
        if first == "0":  # a landline; 0086 and a mobile or landline
            return count <= 12 or (count <= 15 and digits.startswith("0086", at))
        return first == "8" and second == "6" and count <= 13  # 86 and a mobile or landline

    def _weight(self, piece: Piece) -> int:
        """Per digit: an ID number (its check digit proves it) over a card written as one (6222 0212 3456
        7890, or unbroken) over a phone over any other 16-19 digits (a phone and a number beside it) over
        a date or amount."""
        if piece.kind == CARD:
            return 5 if self._card_shaped(piece.start, piece.end) else 2
        return _WEIGHTS[piece.kind]

    def _card_shaped(self, start: int, end: int) -> bool:
        if self.digits[self.offsets[start]] not in CARD_FIRST or self._has_date(start, end):
            return False  # 20261207 13955557777: a date and a phone sooner than a card
        sizes = [len(c.digits) for c in self.chunks[start:end]]
        return (
            len(sizes) == 1
            or all(size == 4 for size in sizes[:-1])
            or (len(sizes) == 2 and sizes[0] in (6, 8))
        )

    def _personal(self, start: int, end: int) -> Piece | None:
        digits = self.digits[self.offsets[start] : self.offsets[end]]
        final_x = end == len(self.chunks) and self.chunks[-1].x is not None
        reading = read_personal(digits, plus=self.plus and start == 0, final_x=final_x)
        if reading is None or (self.whole and self._cuts(start, end)):
            return None
        if reading.kind == CARD:
            if self.anchored or self._has_written_date(start, end):
                return None  # an identifier such as SQ2026120700000012; a date and a phone are not a card
            if self._loose_inside(start, end) and not (digits[0] in CARD_FIRST and luhn(digits)):
                return None  # cut up by punctuation: only a card that proves to be one
        elif self._has_date(start, end) and not self._date_may_be_inside(start, end, reading.kind):
            return None
        first = self.offsets[start] + reading.skip
        return Piece(start, end, reading.kind, (first + reading.head, self.offsets[end] - reading.tail))

    def _date_may_be_inside(self, start: int, end: int, kind: str) -> bool:
        """A phone may look like a date in part (139 20261207), but a date written as one (2026-12-07) is
        inside nothing but the ID number it is the birth date of (350104-1990-01-01-1234)."""
        for first, stop in self.dates:
            if start <= first and stop <= end and stop - first == 3:
                at = self.offsets[first] - self.offsets[start]
                if kind != ID or (at, self.offsets[stop] - self.offsets[start]) != (6, 14):
                    return False
        return True

    def _safe(self, start: int, end: int, count: int) -> bool:
        """Numbers that are not personal data: dates, amounts with decimals, 400/800 service lines."""
        if (start, end) in self.dates:
            return True
        amount = (
            end - start == 2 and self.chunks[end - 1].sep == "." and len(self.chunks[end - 1].digits) <= 2
        )
        if not (amount or count == 10) or self._has_date(start, end) or self._loose_inside(start, end):
            return False
        # an amount (1234567.89), a service line
        return amount or bool(SERVICE_LINE.fullmatch(self.digits[self.offsets[start] : self.offsets[end]]))

    def positions(self, first: int, stop: int) -> Iterator[int]:
        """Text positions of the group's digits at offsets [first, stop)."""
        offsets = self.offsets
        for i in range(max(bisect_right(offsets, first) - 1, 0), len(self.chunks)):
            low, high = offsets[i], offsets[i + 1]
            if low >= stop:
                break
            start = self.chunks[i].start
            yield from range(start + max(first - low, 0), start + min(stop, high) - low)
