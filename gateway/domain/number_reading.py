"""Reading the numbers in free text: which digits make one number, what each is, what to mask and what a
person must look at.

Maximal digit runs of the folded text (chunks) are joined into groups by tight and loose joins (see
``numbers``). A group is read as consecutive pieces (``_Reader``), the best reading first taking personal
data (an ID number with a real birth date and check digit, a card written as one, a mobile, a landline),
then numbers known to be safe (dates, amounts, 400/800 lines), the rest unknown; a date or an amount is
never cut by a reading, and a date is never part of a card. Where the digits can be read as two phones or
ID numbers, both are masked. Unknown runs longer than ``DOUBTFUL_DIGITS`` are doubts; across loose joins
only when their pieces are shaped like a phone's, an ID number's or a card's (``123，4567，8901``), not a
list (``1500、2000、3000``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from gateway.domain.numbers import (
    CARD,
    CARD_FIRST,
    DOUBTFUL_DIGITS,
    ID,
    LANDLINE,
    MAX_NUMBER_DIGITS,
    MOBILE,
    SERVICE_LINE,
    Doubt,
    is_id_number,
    is_year,
    loose,
    luhn,
    pieces_of_one_number,
    read_personal,
    tight,
    valid_date,
)

# ---- chunks and groups -------------------------------------------------------------------------------

_RUN = re.compile(r"[0-9]+")
_FINAL_X = re.compile(r"[ \-]?[xX](?![A-Za-z0-9])")
_PLUS_BEFORE = re.compile(r"\+[ (\[]{0,2}$")
TIGHT, LOOSE = 1, 2  # how a chunk is joined to the one before it (0: not, it starts a group)
SAFE, UNKNOWN = "safe", "unknown"
EXPLAINED = "explained"  # an unknown chunk that another reading takes as part of a phone or ID number
_WEIGHTS = {ID: 6, MOBILE: 4, LANDLINE: 4, SAFE: 1}  # see _Reader._weight


@dataclass(frozen=True, slots=True)
class _Chunk:
    digits: str
    start: int  # position of its first digit in the text
    join: int  # how it is joined to the chunk before it: 0 (first of its group), TIGHT or LOOSE
    sep: str  # the folded separator before it, spaces stripped (" " if only spaces)
    x: int | None = None  # position of a final x/X after it (an ID number's check character)


def _join(folded: str, left: _Chunk, start: int, digits: str, x: bool, *, years: bool) -> int:
    if left.x is not None:
        return 0  # an ID number's check character ends it
    between = folded[left.start + len(left.digits) : start]
    if tight(between):
        return TIGHT
    if loose(between) and pieces_of_one_number(left.digits, digits, x, years=years):
        return LOOSE
    return 0


def _groups(folded: str) -> Iterator[list[_Chunk]]:
    group: list[_Chunk] = []
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
        group.append(_Chunk(digits, start, join, sep, x_at))
    if group:
        yield group


def _is_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _anchored(folded: str, start: int, end: int) -> bool:
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


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int  # chunk indexes [start, end) of its group
    end: int
    kind: str
    starred: tuple[int, int] = (0, 0)  # digit offsets [from, to) in the group of the digits to star


class _Reader:
    """The best reading of one group as consecutive pieces: personal data first, then known safe numbers
    (dates, amounts, service lines), the rest unknown."""

    def __init__(self, folded: str, group: list[_Chunk]) -> None:
        self.chunks = group
        self.digits = "".join(c.digits for c in group)
        self.offsets = [0]
        for chunk in group:
            self.offsets.append(self.offsets[-1] + len(chunk.digits))
        last = group[-1]
        end = (last.x if last.x is not None else last.start + len(last.digits) - 1) + 1
        self.anchored = _anchored(folded, group[0].start, end)
        self.plus = bool(_PLUS_BEFORE.search(folded, max(group[0].start - 3, 0), group[0].start))
        self.dates = self._dates()
        self.phones: list[_Piece] = []
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

    def read(self) -> list[_Piece]:
        """The best reading; ``self.phones`` then holds every reading of chunks as a phone or ID number
        that was weighed (see ``rivals``)."""
        n = len(self.chunks)
        offsets, phones, chunks, dates = self.offsets, self.phones, self.chunks, self.dates
        score = [0] * (n + 1)
        last: list[_Piece | None] = [None] * (n + 1)  # the last piece of the best reading of chunks[:k]
        for end in range(1, n + 1):
            stop = offsets[end]
            score[end], last[end] = score[end - 1], _Piece(end - 1, end, UNKNOWN)
            found: list[_Piece] = []
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
                    found.append(_Piece(start, end, SAFE))
            for piece in found:
                total = score[piece.start] + self._weight(piece) * (stop - offsets[piece.start])
                if total > score[end]:
                    score[end], last[end] = total, piece
        pieces: list[_Piece] = []
        while n > 0:
            piece = last[n]
            assert piece is not None
            pieces.append(piece)
            n = piece.start
        self.phones.sort(key=lambda p: p.start)
        return pieces[::-1]

    def rivals(self, piece: _Piece, dated: list[bool], claimed: list[bool]) -> Iterator[_Piece]:
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

    def _weight(self, piece: _Piece) -> int:
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

    def _personal(self, start: int, end: int) -> _Piece | None:
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
        return _Piece(start, end, reading.kind, (first + reading.head, self.offsets[end] - reading.tail))

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


# ---- masking and doubts -----------------------------------------------------------------------------


def mask_numbers(
    folded: str, out: list[str], *, mask_doubtful: bool, known: frozenset[int] = frozenset()
) -> list[Doubt]:
    """Star personal numbers in ``out`` (the text as a list of characters) where ``folded`` shows them,
    and return the unknown runs a person should look at (starred too, but for their last 4 digits, when
    ``mask_doubtful``). ``known``: positions of digits already starred as a known person's number, whose
    runs are no doubt."""
    doubts: list[Doubt] = []
    for group in _groups(folded):
        reader = _Reader(folded, group)
        pieces = _mask_personal(reader, out, known)
        for first, stop in _unknown_runs(reader, pieces):
            count = stop - first
            has_id = _mask_ids_inside(reader, first, stop, out)
            if count <= DOUBTFUL_DIGITS or (reader.anchored and (has_id or count < 18)):
                continue  # too short to hold a phone or an ID; an identifier (SQ…) or an ID within one
            where = list(reader.positions(first, stop))
            if known and not known.isdisjoint(where):
                continue  # the person's own number, with something the person wrote around it
            doubts.append(Doubt(where[0], where[-1] + 1, count))
            if mask_doubtful:
                for position in where[:-4]:
                    out[position] = "*"
    return doubts


def _mask_personal(reader: _Reader, out: list[str], known: frozenset[int]) -> list[_Piece]:
    """Star the group's personal data, and its rival readings; the pieces, with unknown chunks a rival
    reads as a phone or ID number marked explained (they are masked as one, and no doubt). A reading
    of nothing but a known person's number leaves it as that person's mask shows it."""
    pieces = reader.read()
    dated = [False] * len(reader.chunks)
    claimed = [False] * len(reader.chunks)
    explained = [False] * len(reader.chunks)
    for piece in pieces:
        if piece.kind == SAFE and (piece.start, piece.end) in reader.dates:
            dated[piece.start : piece.end] = [True] * (piece.end - piece.start)
        elif piece.kind in (MOBILE, LANDLINE, ID):  # what its digits prove (a card far less)
            claimed[piece.start : piece.end] = [True] * (piece.end - piece.start)
    for piece in pieces:
        if piece.kind in (SAFE, UNKNOWN):
            continue
        for each in (piece, *reader.rivals(piece, dated, claimed)):
            explained[each.start : each.end] = [True] * (each.end - each.start)
            span = reader.positions(reader.offsets[each.start], reader.offsets[each.end])
            if known and known.issuperset(span):
                continue
            for position in reader.positions(*each.starred):
                out[position] = "*"
    return [
        _Piece(p.start, p.end, EXPLAINED) if p.kind == UNKNOWN and explained[p.start] else p for p in pieces
    ]


def _unknown_runs(reader: _Reader, pieces: list[_Piece]) -> Iterator[tuple[int, int]]:
    """Digit offsets [first, stop) of consecutive unknown chunks, as one run each: across a loose join
    only where the pieces are shaped like a phone's, an ID number's or a card's."""
    run: list[int] = []
    for i, piece in enumerate(pieces):
        following = pieces[i + 1].kind if i + 1 < len(pieces) else None
        if piece.kind == UNKNOWN or (
            # a date between unknown pieces is part of them: 350104 19900101 1234 with a wrong check digit
            run and following == UNKNOWN and (piece.start, piece.end) in reader.dates
        ):
            run.extend(range(piece.start, piece.end))
            continue
        yield from _split_run(reader, run)
        run = []
    yield from _split_run(reader, run)


def _split_run(reader: _Reader, run: list[int]) -> Iterator[tuple[int, int]]:
    if not run:
        return
    # parts: the run's tight-joined stretches, which loose joins separate
    parts: list[list[int]] = [[run[0]]]
    for i in run[1:]:
        if reader.chunks[i].join == LOOSE:
            parts.append([i])
        else:
            parts[-1].append(i)
    offsets = reader.offsets
    sizes = [offsets[p[-1] + 1] - offsets[p[0]] for p in parts]
    leading = [reader.digits[offsets[p[0]]] for p in parts]
    at = 0
    while at < len(parts):
        if _shaped_like_a_number(sizes[at:], leading[at]):
            yield offsets[parts[at][0]], offsets[parts[-1][-1] + 1]
            return
        yield offsets[parts[at][0]], offsets[parts[at][-1] + 1]
        at += 1


def _shaped_like_a_number(sizes: list[int], leading: str) -> bool:
    """Pieces (digit counts) as a phone, an ID number or a card is written in: 139|5555|7777,
    0591|8345|6789, 350104|19900101|1234, 6222|0212|3456|7890; not a list like 1500、2000、3000."""
    if len(sizes) < 2:
        return False
    first, second = sizes[0], sizes[1]
    return (
        (first == 3 and second >= 4)
        or (first == 4 and (leading == "0" or second >= 7 or len(sizes) >= 4))
        or (first == 6 and second >= 4)
        or first >= 7
    )


def _mask_ids_inside(reader: _Reader, first: int, stop: int, out: list[str]) -> bool:
    """Star the ID numbers inside an unknown run longer than one (A35010419900101123012), as
    mask_id_number shows them; True if there was one."""
    digits = reader.digits
    found = False
    at = first
    while stop - at >= 18:
        if is_id_number(digits[at : at + 18]):
            for position in reader.positions(at + 6, at + 14):
                out[position] = "*"
            found = True
            at += 18
        else:
            at += 1
    return found
