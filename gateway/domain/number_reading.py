"""Reading the numbers in free text: which digits make one number, what each is, what to mask and what a
person must look at.

Maximal digit runs of the folded text (chunks) are joined into groups by tight and loose joins (see
``numbers``, ``number_groups``). A group is read as consecutive pieces (``number_reader``), the best
reading first taking personal data (an ID number with a real birth date and check digit, a card written as
one, a mobile, a landline), then numbers known to be safe (dates, amounts, 400/800 lines), the rest
unknown; a date or an amount is never cut by a reading, and a date is never part of a card. Where the
digits can be read as two phones or ID numbers, both are masked (here). Unknown runs longer than
``DOUBTFUL_DIGITS`` are doubts; across loose joins only when their pieces are shaped like a phone's, an ID
number's or a card's (``123，4567，8901``), not a list (``1500、2000、3000``).
"""

from __future__ import annotations

from collections.abc import Iterator

from gateway.domain.number_groups import LOOSE, TIGHT, groups
from gateway.domain.number_reader import EXPLAINED, SAFE, UNKNOWN, Piece, Reader
from gateway.domain.numbers import DOUBTFUL_DIGITS, ID, LANDLINE, MOBILE, Doubt, is_id_number

__all__ = ["EXPLAINED", "LOOSE", "SAFE", "TIGHT", "UNKNOWN", "mask_numbers"]


def mask_numbers(
    folded: str, out: list[str], *, mask_doubtful: bool, known: frozenset[int] = frozenset()
) -> list[Doubt]:
    """Star personal numbers in ``out`` (the text as a list of characters) where ``folded`` shows them,
    and return the unknown runs a person should look at (starred too, but for their last 4 digits, when
    ``mask_doubtful``). ``known``: positions of digits already starred as a known person's number, whose
    runs are no doubt."""
    doubts: list[Doubt] = []
    for group in groups(folded):
        reader = Reader(folded, group)
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


def _mask_personal(reader: Reader, out: list[str], known: frozenset[int]) -> list[Piece]:
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
        Piece(p.start, p.end, EXPLAINED) if p.kind == UNKNOWN and explained[p.start] else p for p in pieces
    ]


def _unknown_runs(reader: Reader, pieces: list[Piece]) -> Iterator[tuple[int, int]]:
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


def _split_run(reader: Reader, run: list[int]) -> Iterator[tuple[int, int]]:
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


def _mask_ids_inside(reader: Reader, first: int, stop: int, out: list[str]) -> bool:
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
