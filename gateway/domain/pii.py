"""Masking of citizens' personal data (names, phones, ID numbers) and its redaction from free text.

One mask format everywhere (API views, the console and published text):

- name: the first character and a ``*`` for each other (``张三`` -> ``张*``, ``欧阳娜娜`` -> ``欧***``); a
  one-character name shows nothing (``张`` -> ``*``);
- mobile: the first 3 and last 4 digits (``139****5678``);
- landline: the area code and the last 4 digits (``0591-****6789``);
- ID number: the 6-digit area code and the last 4 characters (``350104********1234``);
- bank card (16-19 digits): the last 4 digits.

In free text every masked digit becomes one ``*`` where it stood, so the text keeps its length and layout
(``139-1234-5678`` -> ``139-****-5678``). Guarantee of ``redact``: of a phone or card number it finds, no 5
consecutive digits survive; of an ID number, no 7 (its area code names a district, not a person).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# ---- masks of single values -----------------------------------------------------------------------


def mask_name(name: str | None) -> str | None:
    """张三 -> 张*, 欧阳娜娜 -> 欧***, 张 -> *: at most the family name's first character shows."""
    if not name:
        return name
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """13812345678 -> 138****5678; anything else keeps only its last four characters."""
    if not phone:
        return phone
    digits = phone.strip()
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_id_number(id_number: str | None) -> str | None:
    """110101199003071234 -> 110101********1234."""
    if not id_number:
        return id_number
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


# ---- redaction of free text -----------------------------------------------------------------------

# A digit run nobody could classify, longer than this, makes a text doubtful (a person must look at it).
DOUBTFUL_DIGITS = 7


@dataclass(frozen=True)
class Person:
    """The citizen an inquiry is about: always removed from its published text, however written."""

    name: str | None = None
    phone: str | None = None
    id_number: str | None = None


@dataclass(frozen=True)
class Doubt:
    """A digit run redaction could not classify: ``text[start:end]`` of the redacted text."""

    start: int
    end: int
    digits: int


@dataclass(frozen=True)
class Redaction:
    """Redacted text and what in it redaction could not be sure of."""

    text: str
    doubts: tuple[Doubt, ...] = ()

    @property
    def doubtful(self) -> bool:
        """True when a person should look before the text is published."""
        return bool(self.doubts)


def redact_text(text: str, names: tuple[str, ...] = (), *, person: Person | None = None) -> str:
    """Remove phones, ID numbers, card numbers, the given names and the person from free text."""
    return redact(text, person, names=names).text


def needs_review(text: str, person: Person | None = None) -> bool:
    """True when redaction of the text leaves a digit run it cannot classify (see ``redact``)."""
    return redact(text, person).doubtful


def redact(text: str, person: Person | None = None, *, names: tuple[str, ...] = ()) -> Redaction:
    """Mask personal data in free text, in place, and report digit runs it cannot classify.

    Matching sees the text normalised: any decimal digit (full-width ``１３９`` too) as 0-9, full-width
    letters and signs as ASCII, spaces, dashes, dots and brackets between digits ignored, and a leading
    ``+86`` / ``0086`` / ``86`` taken as the country code. Masked: mainland mobiles, landlines with an
    area code, 18-character ID numbers (final x/X), 16-19 digit card-like runs, and always the person's
    own phone, ID number and name (names of two characters or more; a one-character name is a family
    name, which may show). A run joined to ASCII letters (``SQ2026120700000012``, an item code) is an
    identifier: masked only when it is a phone or ID number. Dates (``2026-12-07``), amounts
    (``1234567.89``) and 400/800 service numbers are left alone. Any other run of more than
    ``DOUBTFUL_DIGITS`` digits is kept and reported as a ``Doubt``.
    """
    out = list(text)
    if person is not None:
        _mask_person_numbers(text, out, person)
    doubts = _mask_patterns("".join(out), out)
    every_name = (*names, *((person.name,) if person is not None and person.name else ()))
    for name in every_name:
        _mask_name_in(out, name)
    return Redaction("".join(out), tuple(doubts))


# Characters that may stand between the digits of one number, after folding.
_SEPARATORS = " -.()[]"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_BRACKETS = {"【": "[", "】": "]", "〔": "[", "〕": "]", "〖": "[", "〗": "]"}


def _fold(ch: str) -> str:
    """One character as matching sees it (always one character, so positions carry over)."""
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII
        return chr(code - 0xFEE0)
    if ch in _DASHES:
        return "-"
    if ch.isspace() or ch in _INVISIBLE:
        return " "
    return _BRACKETS.get(ch, ch)


def fold(text: str) -> str:
    """The text as matching sees it, character for character (same length as the text)."""
    return "".join(_fold(ch) for ch in text)


# A number as written: an optional +, then digits with up to 3 separators between them, then maybe x/X.
_GROUP = re.compile(
    r"(?P<plus>\+[ (\[]{0,2})?[0-9](?:[ \-.()\[\]]{0,3}[0-9])*(?:[ \-]?(?P<x>[xX])(?![A-Za-z0-9]))?"
)
_CHUNK = re.compile(r"[0-9]+")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[1-9][0-9]{8,10}")  # 0 + area code + 7-8 digit local number
_NATIONAL = re.compile(r"[1-9][0-9]{8,10}")  # the same after +86, without the trunk 0
_SERVICE = re.compile(r"[48]00[0-9]{7}")  # 400/800 numbers: companies' and agencies' service lines
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_MAX_NUMBER_DIGITS = 23  # 0086 and a 19-digit card: no one number is longer


@dataclass(frozen=True)
class _Chunk:
    digits: str
    positions: tuple[int, ...]
    sep: str  # the folded separator before it


@dataclass(frozen=True)
class _Piece:
    start: int  # chunk indexes [start, end)
    end: int
    kind: str  # "pii", "safe" or "unknown"
    masked: tuple[int, ...] = ()  # text positions to star


def _mask_patterns(text: str, out: list[str]) -> list[Doubt]:
    folded = fold(text)
    doubts: list[Doubt] = []
    for match in _GROUP.finditer(folded):
        chunks = _chunks(folded, match)
        anchored = _anchored(folded, match.start(), match.end())
        x_at = match.start("x") if match.group("x") else None
        pieces = _cover(chunks, plus=match.group("plus") is not None, x_at=x_at, anchored=anchored)
        for piece in pieces:
            for position in piece.masked:
                out[position] = "*"
        if not anchored:
            doubts.extend(_unknown_runs(chunks, pieces))
    return doubts


def _chunks(folded: str, match: re.Match[str]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    previous_end = None
    for run in _CHUNK.finditer(folded, match.start(), match.end("x") if match.group("x") else match.end()):
        sep = "" if previous_end is None else folded[previous_end : run.start()].strip() or " "
        chunks.append(_Chunk(run.group(), tuple(range(run.start(), run.end())), sep))
        previous_end = run.end()
    return chunks


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


# Digit counts a reading may have: of personal data after the group's start (mobile 11, landline 10-12,
# card 16-19, ID 17 + x or 18), and from its start, where a country code may come first (+2 or +4).
_INNER_LENGTHS = frozenset({10, 11, 12, 16, 17, 18, 19})
_FIRST_LENGTHS = frozenset(range(9, _MAX_NUMBER_DIGITS + 1))


def _cover(chunks: list[_Chunk], *, plus: bool, x_at: int | None, anchored: bool) -> list[_Piece]:
    """The best reading of a number group as consecutive pieces: personal data first, then known safe
    numbers (dates, amounts, service lines), the rest unknown."""
    n = len(chunks)
    digits = "".join(c.digits for c in chunks)
    positions = tuple(p for c in chunks for p in c.positions)
    offsets = [0]
    for chunk in chunks:
        offsets.append(offsets[-1] + len(chunk.digits))
    score = [0] * (n + 1)
    last: list[_Piece | None] = [None] * (n + 1)  # the last piece of the best reading of chunks[:k]
    for end in range(1, n + 1):
        score[end], last[end] = score[end - 1], _Piece(end - 1, end, "unknown")
        for start in range(end - 1, -1, -1):
            count = offsets[end] - offsets[start]
            if count > _MAX_NUMBER_DIGITS:
                break
            piece = None
            if count in (_FIRST_LENGTHS if start == 0 else _INNER_LENGTHS):
                span = slice(offsets[start], offsets[end])
                final_x = x_at is not None and end == n
                piece = _personal_piece(digits[span], positions[span], start, end, plus, final_x, anchored)
            if (
                piece is None
                and end - start <= 3
                and _safe(chunks[start:end], digits[offsets[start] : offsets[end]])
            ):
                piece = _Piece(start, end, "safe")
            if piece is None:
                continue
            weight = (2 if piece.kind == "pii" else 1) * count
            if score[start] + weight > score[end]:
                score[end], last[end] = score[start] + weight, piece
    pieces: list[_Piece] = []
    while n > 0:
        piece = last[n]
        assert piece is not None
        pieces.append(piece)
        n = piece.start
    return pieces[::-1]


def _personal_piece(
    digits: str,
    positions: tuple[int, ...],
    start: int,
    end: int,
    plus: bool,
    final_x: bool,
    anchored: bool,
) -> _Piece | None:
    found = _personal(digits, start == 0, plus=plus, final_x=final_x)
    if found is None:
        return None
    kind, offset, keep_head, keep_tail = found
    if anchored and kind == "card":
        return None  # an identifier such as SQ2026120700000012, not a card
    span = positions[offset:]
    return _Piece(start, end, "pii", span[keep_head : len(span) - keep_tail])


def _personal(digits: str, first: bool, *, plus: bool, final_x: bool) -> tuple[str, int, int, int] | None:
    """(kind, digits to skip as country code, digits kept at the head, at the tail) of personal data."""
    readings: list[tuple[int, bool]] = []  # (country-code length, explicit international prefix)
    if first and digits.startswith("0086"):
        readings.append((4, True))
    if first and digits.startswith("86"):
        readings.append((2, plus))
    readings.append((0, False))
    for offset, international in readings:
        rest = digits[offset:]
        if _MOBILE.fullmatch(rest):
            return "mobile", offset, 3, 4
        if offset == 0 and (len(rest) == 18 or (len(rest) == 17 and final_x)):
            return "id", 0, 6, 4 - (len(rest) == 17)  # the x is not a digit, so it is not starred
        if offset == 0 and _LANDLINE.fullmatch(rest) and not _SERVICE.fullmatch(rest):
            return "landline", 0, 3 if rest[1] in "12" else 4, 4
        if international and _NATIONAL.fullmatch(rest):
            return "landline", offset, 2 if rest[0] in "12" else 3, 4
    if 16 <= len(digits) <= 19:
        return "card", 0, 0, 4
    return None


def _safe(part: list[_Chunk], digits: str) -> bool:
    """Numbers that are not personal data: dates, amounts with decimals, 400/800 service lines."""
    if _SERVICE.fullmatch(digits):
        return True
    if len(part) == 3 and part[1].sep == part[2].sep and part[1].sep in ("-", "."):
        return _is_date(part[0].digits, part[1].digits, part[2].digits)
    if len(part) == 1 and len(digits) == 8:
        return _is_date(digits[:4], digits[4:6], digits[6:])
    # an amount: 1234567.89
    return len(part) == 2 and part[1].sep == "." and len(part[1].digits) <= 2


def _is_date(year: str, month: str, day: str) -> bool:
    return (
        bool(_YEAR.fullmatch(year))
        and 1 <= len(month) <= 2
        and 1 <= len(day) <= 2
        and 1 <= int(month) <= 12
        and 1 <= int(day) <= 31
    )


def _unknown_runs(chunks: list[_Chunk], pieces: list[_Piece]) -> list[Doubt]:
    """Consecutive unknown chunks, as one run each, that are longer than DOUBTFUL_DIGITS digits."""
    doubts: list[Doubt] = []
    run: list[_Chunk] = []
    for piece in [*pieces, _Piece(len(chunks), len(chunks), "end")]:
        if piece.kind == "unknown":
            run.extend(chunks[piece.start : piece.end])
            continue
        count = sum(len(c.digits) for c in run)
        if count > DOUBTFUL_DIGITS:
            doubts.append(Doubt(run[0].positions[0], run[-1].positions[-1] + 1, count))
        run = []
    return doubts


# ---- the person's own data -------------------------------------------------------------------------

_BETWEEN = r"[^\w]{0,3}"  # what may stand between the digits of the person's own number


def _mask_person_numbers(text: str, out: list[str], person: Person) -> None:
    folded = fold(text)
    for value, keep_head, keep_tail in _person_numbers(person):
        chars = [f"[{c.lower()}{c.upper()}]" if c in "xX" else c for c in value]
        pattern = re.compile(_BETWEEN.join(chars))
        for match in pattern.finditer(folded):
            positions = [i for i in range(match.start(), match.end()) if folded[i].isalnum()]
            for position in positions[keep_head : len(positions) - keep_tail]:
                out[position] = "*"


def _person_numbers(person: Person) -> list[tuple[str, int, int]]:
    """(characters to find, kept at the head, kept at the tail) for the person's phone and ID number."""
    numbers: list[tuple[str, int, int]] = []
    phone = "".join(c for c in fold(person.phone or "") if c.isdigit())
    for prefix in ("0086", "86"):
        if phone.startswith(prefix) and _MOBILE.fullmatch(phone[len(prefix) :]):
            phone = phone[len(prefix) :]
    if _MOBILE.fullmatch(phone):
        numbers.append((phone, 3, 4))
    elif _LANDLINE.fullmatch(phone):
        area = 3 if phone[1] in "12" else 4
        numbers.append((phone, area, 4))
        numbers.append((phone[area:], 0, 4))  # the local number alone, as people write it
    elif len(phone) >= 7:
        numbers.append((phone, 0, 4))
    id_number = "".join(c for c in fold(person.id_number or "") if c.isalnum()).upper()
    if len(id_number) == 18:
        numbers.append((id_number, 6, 4))
    elif len(id_number) >= 8:
        numbers.append((id_number, 0, 4))
    return numbers


def _mask_name_in(out: list[str], name: str) -> None:
    """Star every character of the name but the first, wherever it stands (spaces between allowed)."""
    letters = [c for c in name if not c.isspace()]
    if len(letters) < 2:
        return  # a one-character name is the family name, which may show (and is in many words)
    pattern = re.compile(r"\s*".join(re.escape(c) for c in letters))
    text = "".join(out)
    for match in pattern.finditer(text):
        seen_first = False
        for position in range(match.start(), match.end()):
            if text[position].isspace():
                continue
            if seen_first:
                out[position] = "*"
            seen_first = True
