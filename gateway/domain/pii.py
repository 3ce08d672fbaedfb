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
consecutive digits survive; of an ID number, no 7 (its area code names a district, not a person). What it
cannot classify (a run of more than 7 digits, 7 Chinese numerals in a row) it reports as a doubt: the
publication path keeps it for the reviewer who decides (a held reply, 待审核); where no one reviews
(``mask_doubtful``, as ``gateway.domain.disclosure`` redacts) it is masked but for its last 4 digits. How
numbers are read: ``gateway.domain.numbers`` and ``gateway.domain.number_reading``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from gateway.domain.caller_keys import LANDLINE, MOBILE, id_characters, national_phone
from gateway.domain.number_reading import mask_numbers
from gateway.domain.numbers import (
    DOUBTFUL_DIGITS,
    Doubt,
    chinese_numeral_doubts,
    fold,
    has_digits,
    is_id_number,
    mask_numerals,
)

__all__ = [
    "DOUBTFUL_DIGITS",
    "Doubt",
    "Person",
    "Redaction",
    "fold",
    "has_digits",
    "is_id_number",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "needs_review",
    "redact",
    "redact_text",
]


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

# Fewer digits than this cannot hold any part of a number worth reading (a doubt needs 8, the person's
# own number 7): such a text is only searched for names and Chinese numerals.
_FEW_DIGITS = 5


@dataclass(frozen=True)
class Person:
    """The citizen an inquiry is about: always removed from its published text, however written."""

    name: str | None = None
    phone: str | None = None
    id_number: str | None = None


@dataclass(frozen=True)
class Redaction:
    """Redacted text and what in it redaction could not be sure of."""

    text: str
    doubts: tuple[Doubt, ...] = ()

    @property
    def doubtful(self) -> bool:
        """True when a person should look before the text is published."""
        return bool(self.doubts)


def redact_text(
    text: str,
    names: tuple[str, ...] = (),
    *,
    person: Person | None = None,
    people: Iterable[Person] = (),
    mask_doubtful: bool = False,
) -> str:
    """Remove phones, ID numbers, card numbers, the given names and the people from free text (see
    ``redact``). Where no person reviews the result, pass ``mask_doubtful``: a digit run it cannot
    classify is then masked too, but for its last 4 digits (``disclosure`` does, for all it shows)."""
    return redact(text, person, names=names, people=people, mask_doubtful=mask_doubtful).text


def needs_review(text: str, person: Person | None = None) -> bool:
    """True when redaction of the text leaves a digit run it cannot classify (see ``redact``)."""
    return redact(text, person).doubtful


def redact(
    text: str,
    person: Person | None = None,
    *,
    names: tuple[str, ...] = (),
    people: Iterable[Person] = (),
    mask_doubtful: bool = False,
) -> Redaction:
    """Mask personal data in free text, in place, and report digit runs it cannot classify.

    Matching sees the text folded (``numbers.fold``): any digit (``１３９``, ``①③⑨``, ``¹³⁹``) as 0-9,
    full-width letters and signs as ASCII, and a leading ``+86`` / ``0086`` / ``86`` taken as the country
    code. A number may be cut up by spaces, dashes, dots and brackets, and into pieces by punctuation
    (``139，5555，7777``, ``350104/19900101/1234``). Masked: mainland mobiles, landlines with an area code,
    ID numbers (a real birth date and check digit, final x/X), 16-19 digit card-like runs, and always the
    people's own phone, ID number and name (names of two characters or more; a one-character name is a
    family name, which may show). A run joined to ASCII letters (``SQ2026120700000012``, an item code) is
    an identifier: masked only where it is or holds a phone or ID number. Dates (``2026-12-07``), amounts
    (``1234567.89``) and 400/800 service numbers are left alone. Any other run of more than
    ``DOUBTFUL_DIGITS`` digits, and 7 Chinese numerals in a row, are reported as a ``Doubt``: kept for the
    reviewer, or with ``mask_doubtful`` masked but for their last 4 digits.
    """
    everyone = [*((person,) if person is not None else ()), *people]
    out: list[str] | None = None
    doubts: list[Doubt] = []
    if has_digits(text, _FEW_DIGITS):
        folded = fold(text)
        out = list(text)
        known: set[int] = set()
        for each in dict.fromkeys(everyone):
            known |= _mask_person_numbers(folded, out, each)
        doubts = mask_numbers(folded, out, mask_doubtful=mask_doubtful, known=frozenset(known))
    for doubt in chinese_numeral_doubts(text):
        doubts.append(doubt)
        if mask_doubtful:
            out = list(text) if out is None else out
            mask_numerals(text, out, doubt)
    every_name = dict.fromkeys((*names, *(p.name for p in everyone if p.name)))
    for name in every_name:
        out = _mask_name_in(text if out is None else "".join(out), name, out)
    return Redaction(text if out is None else "".join(out), tuple(sorted(doubts, key=lambda d: d.start)))


# ---- the person's own data -------------------------------------------------------------------------

# At most this many characters that are neither letters nor digits may stand between two digits of the
# person's own number ("138-0013 8000", "1 3 8 …").
_MAX_BETWEEN = 8


def _mask_person_numbers(folded: str, out: list[str], person: Person) -> set[int]:
    """Star the person's phone and ID number wherever they stand; the positions of their digits."""
    found: set[int] = set()
    numbers = _person_numbers_cached(person.phone, person.id_number)
    if not numbers:
        return found
    for positions in _occurrences(folded, numbers):
        found.update(positions)
        _, keep_head, keep_tail = positions.number
        for position in positions[keep_head : len(positions) - keep_tail]:
            out[position] = "*"
    return found


class _Occurrence(list[int]):
    """The text positions of one occurrence's letters and digits, and which of the numbers it is."""

    number: tuple[str, int, int]


def _occurrences(folded: str, numbers: tuple[tuple[str, int, int], ...]) -> list[_Occurrence]:
    """Each number's occurrences, left to right and not overlapping: its characters in order (an x of an
    ID number in either case), with at most ``_MAX_BETWEEN`` other characters, none of them a letter or
    digit, between two of them. Read off the text's letters and digits, with no pattern compiled per
    citizen (each intake has a new one)."""
    where = [i for i, c in enumerate(folded) if c.isalnum()]
    letters = "".join("X" if folded[i] == "x" else folded[i] for i in where)
    found: list[_Occurrence] = []
    for number in numbers:
        value = number[0]
        start = letters.find(value)
        while start >= 0:
            end = start + len(value)
            if all(where[k] - where[k - 1] - 1 <= _MAX_BETWEEN for k in range(start + 1, end)):
                occurrence = _Occurrence(where[start:end])
                occurrence.number = number
                found.append(occurrence)
                start = letters.find(value, end)
            else:
                start = letters.find(value, start + 1)
    return found


@lru_cache(maxsize=256)
def _person_numbers_cached(phone: str | None, id_number: str | None) -> tuple[tuple[str, int, int], ...]:
    return tuple(_person_numbers(phone, id_number))


def _person_numbers(phone_text: str | None, id_text: str | None) -> list[tuple[str, int, int]]:
    """(characters to find, kept at the head, kept at the tail) for a person's phone and ID number."""
    numbers: list[tuple[str, int, int]] = []
    phone = national_phone(phone_text) or "".join(c for c in fold(phone_text or "") if c.isdigit())
    if MOBILE.fullmatch(phone):
        numbers.append((phone, 3, 4))
    elif LANDLINE.fullmatch(phone):
        area = 3 if phone[1] in "12" else 4
        numbers.append((phone, area, 4))
        numbers.append((phone[area:], 0, 4))  # the local number alone, as people write it
    elif len(phone) >= 7:
        numbers.append((phone, 0, 4))
    id_number = id_characters(id_text)
    if id_number is not None:
        numbers.append((id_number, 6 if len(id_number) == 18 else 0, 4))
    return numbers


@lru_cache(maxsize=256)
def _name_pattern(name: str) -> re.Pattern[str] | None:
    letters = [c for c in name if not c.isspace()]
    if len(letters) < 2:
        return None  # a one-character name is the family name, which may show (and is in many words)
    return re.compile(r"\s*".join(re.escape(c) for c in letters))


def _mask_name_in(text: str, name: str, out: list[str] | None) -> list[str] | None:
    """Star every character of the name but the first, wherever it stands (spaces between allowed)."""
    pattern = _name_pattern(name)
    if pattern is None:
        return out
    for match in pattern.finditer(text):
        out = list(text) if out is None else out
        seen_first = False
        for position in range(match.start(), match.end()):
            if text[position].isspace():
                continue
            if seen_first:
                out[position] = "*"
            seen_first = True
    return out
