"""What a number written in free text is: its digits as matching sees them, how its pieces may be
joined, and whether it is a phone, an ID number or a card.

Text is folded (``fold``), one character for one so that positions carry over: anything with a digit
value (``１``, ``①``, ``¹``, ``❶``) becomes 0-9, full-width ASCII becomes ASCII, dashes ``-``, spaces
``" "``. The pieces of one number may stand apart by a *tight* join, up to 3 of `` -.()[]``
(``139-1234-5678``, ``(0591)8345 6789``), or a *loose* one: up to 8 separators with punctuation among them
(``，、。：；/_~·``, full- or half-width) or 4 and more of the tight ones (``139 -- 5555``), which joins
only what looks like the pieces of a number (``pieces_of_one_number``). Seven or more Chinese numerals in
a row (``一三九五五五五…``) are a number a person must look at: never ordinary text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from itertools import islice

# A digit run nobody could classify, longer than this, makes a text doubtful (a person must look at it).
DOUBTFUL_DIGITS = 7


@dataclass(frozen=True)
class Doubt:
    """A digit run redaction could not classify: ``text[start:end]`` of the redacted text."""

    start: int
    end: int
    digits: int


# ---- folding -----------------------------------------------------------------------------------------

# Characters with a digit value that are not decimal digits (``\d``): superscripts, subscripts, circled,
# parenthesised and dotted digits (Unicode Numeric_Type=Digit). A test checks this against unicodedata.
_OTHER_DIGITS = (
    (0x00B2, 0x00B3), (0x00B9, 0x00B9), (0x1369, 0x1371), (0x19DA, 0x19DA), (0x2070, 0x2070),
    (0x2074, 0x2079), (0x2080, 0x2089), (0x2460, 0x2468), (0x2474, 0x247C), (0x2488, 0x2490),
    (0x24EA, 0x24EA), (0x24F5, 0x24FD), (0x24FF, 0x24FF), (0x2776, 0x277E), (0x2780, 0x2788),
    (0x278A, 0x2792), (0x10A40, 0x10A43), (0x10E60, 0x10E68), (0x11052, 0x1105A), (0x1F100, 0x1F10A),
)  # fmt: skip
# The regular expression engine tests a class of characters of the basic plane at once, but goes
# through astral ranges one by one: those are looked for only in a text that has astral characters.
_BMP_DIGIT = re.compile("[\\d" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _OTHER_DIGITS if b <= 0xFFFF) + "]")
_ANY_DIGIT = re.compile("[\\d" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _OTHER_DIGITS) + "]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_BRACKETS = {"【": "[", "】": "]", "〔": "[", "〕": "]", "〖": "[", "〗": "]"}
_FOLD_CACHE = 65536  # characters whose folding is remembered (a text is mostly a few hundred distinct)


def _fold_char(ch: str) -> str:
    digit = unicodedata.digit(ch, None)
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


class _FoldTable(dict[int, int]):
    """str.translate's table, filled as characters are met."""

    def __missing__(self, code: int) -> int:
        folded = ord(_fold_char(chr(code)))
        if len(self) < _FOLD_CACHE:
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """The text as matching sees it, character for character (same length as the text)."""
    return text.translate(_FOLD_TABLE)


def has_digits(text: str, at_least: int) -> bool:
    """True when the text holds at least this many characters with a digit value."""
    digit = _ANY_DIGIT if _ASTRAL.search(text) else _BMP_DIGIT
    return at_least <= 0 or next(islice(digit.finditer(text), at_least - 1, None), None) is not None


# ---- how the pieces of a number are joined -----------------------------------------------------------

TIGHT_SEPARATORS = frozenset(" -.()[]")
LOOSE_SEPARATORS = frozenset(",、。:;/_~·・｡､〜•")  # as folded: ，：；／＿～ are their ASCII forms
LOOSE_MAX = 8
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def tight(between: str) -> bool:
    """Folded text between two pieces that always joins them: 139-1234, (0591)8345."""
    return len(between) <= 3 and all(c in TIGHT_SEPARATORS for c in between)


def loose(between: str) -> bool:
    """Folded text between two pieces that joins them if they look like pieces of a number."""
    return len(between) <= LOOSE_MAX and all(c in TIGHT_SEPARATORS or c in LOOSE_SEPARATORS for c in between)


def pieces_of_one_number(left: str, right: str, right_x: bool = False, *, years: bool = False) -> bool:
    """Whether a loose join may stand between these pieces: both 3 digits or more, one of them 4 or more
    (139，5555，7777; not 共3人，2026年，第5条 or 120，130，150), an ID number's last piece with its x
    (0612，3X), and not a year after years only (``years``: 2024、2025、2026年 is a list of years;
    0591，2020，2021 is a landline)."""
    a, b = len(left), len(right) + right_x
    if right_x and a >= 3 and b >= 2:
        return True
    if min(a, b) < 3 or max(a, b) < 4:
        return False
    return not (years and _YEAR.fullmatch(right))


def is_year(digits: str) -> bool:
    """1900-2099, as a year stands in a list of years."""
    return bool(_YEAR.fullmatch(digits))


# ---- what a number is ---------------------------------------------------------------------------------

MOBILE, LANDLINE, ID, CARD = "mobile", "landline", "id", "card"
MAX_NUMBER_DIGITS = 23  # 0086 and a 19-digit card: no one number is longer
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
CARD_FIRST = "234569"  # the first digit of bank cards (Mastercard 2 and 5, Visa 4, UnionPay 6, 9 domestic)
SERVICE_LINE = re.compile(r"[48]00[0-9]{7}")  # 400/800 numbers: companies' and agencies' service lines


def valid_date(year: str, month: str, day: str) -> bool:
    """A real calendar date of 1900-2099."""
    if not (year.isdigit() and month.isdigit() and day.isdigit() and len(year) == 4):
        return False
    if not 1900 <= int(year) <= 2099:
        return False
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def is_id_number(value: str) -> bool:
    """An 18-character resident ID number (GB 11643-1999): a real birth date (YYYYMMDD at positions
    7-14) and the check character of ISO 7064 MOD 11-2 (0-9 or X)."""
    if (
        len(value) != 18
        or not value[:17].isdigit()
        or not valid_date(value[6:10], value[10:12], value[12:14])
    ):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value, _ID_WEIGHTS, strict=False))
    return value[17].upper() == _ID_CHECK[total % 11]


def luhn(digits: str) -> bool:
    """The Luhn check digit of a card number is right."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


@dataclass(frozen=True, slots=True)
class Reading:
    """What a run of digits is, and which of its digits a mask shows."""

    kind: str
    skip: int  # digits of a country code before it
    head: int  # digits shown at its start
    tail: int  # digits shown at its end


def read_personal(digits: str, *, plus: bool = False, final_x: bool = False) -> Reading | None:
    """What personal number these digits are, if any: mobile, landline (with area code), ID number or
    card; a leading 0086, or 86 after a +, is a country code."""
    readings = [(0, False)]
    if digits[0] == "0" and digits.startswith("0086"):
        readings.append((4, True))
    elif digits[0] == "8" and digits[1] == "6":
        readings.append((2, plus))
    for skip, international in readings:
        rest = digits[skip:] if skip else digits
        count = len(rest)
        if count == 11 and rest[0] == "1" and rest[1] in "3456789":
            return Reading(MOBILE, skip, 3, 4)
        if skip == 0 and count == 18 and is_id_number(rest):
            return Reading(ID, 0, 6, 4)
        if skip == 0 and count == 17 and final_x and is_id_number(rest + "X"):
            return Reading(ID, 0, 6, 3)  # the x is not a digit, so it is not starred
        if skip == 0 and rest[0] == "0" and _landline(rest[1:]):
            return Reading(LANDLINE, 0, 3 if rest[1] in "12" else 4, 4)
        if international and _landline(rest):
            return Reading(LANDLINE, skip, 2 if rest[0] in "12" else 3, 4)
    if 16 <= len(digits) <= 19:
        return Reading(CARD, 0, 0, 4)
    return None


def _landline(national: str) -> bool:
    """An area code and a local number, without the trunk 0: 10 or 2x and 7-8 digits (Beijing, Shanghai,
    the largest cities), else 3 digits and 7-8."""
    if not national or national[0] == "0":
        return False
    return 9 <= len(national) <= 10 if national[0] in "12" else 10 <= len(national) <= 11


# ---- Chinese numerals -------------------------------------------------------------------------------

_NUMERALS = "零〇○一二三四五六七八九幺壹贰貳叁參肆伍陆陸柒捌玖"
CHINESE_NUMERALS = 7  # this many in a row are a number written out, never ordinary text
_NUMERAL_RUN = re.compile(f"[{_NUMERALS}]+")
# A quick look before the exact grouping: such a run has 3 numerals at most LOOSE_MAX apart.
_NUMERAL_CHAIN = re.compile(f"[{_NUMERALS}](?:[^{_NUMERALS}]{{0,{LOOSE_MAX}}}[{_NUMERALS}]){{2}}")


def chinese_numeral_doubts(text: str) -> list[Doubt]:
    """Runs of Chinese numeral digits (一三九…, 壹叁玖…) of CHINESE_NUMERALS or more, joined as digits are
    (139 5555 7777, 139，5555，7777): a number a person must look at."""
    if not _NUMERAL_CHAIN.search(text):
        return []
    doubts: list[Doubt] = []
    group: list[tuple[int, int]] = []
    for run in _NUMERAL_RUN.finditer(text):
        if group and not _numerals_join(text, group[-1], run.span()):
            doubts.extend(_numeral_doubt(group))
            group = []
        group.append(run.span())
    doubts.extend(_numeral_doubt(group))
    return doubts


def _numerals_join(text: str, left: tuple[int, int], right: tuple[int, int]) -> bool:
    between = fold(text[left[1] : right[0]])
    return tight(between) or (
        loose(between) and pieces_of_one_number(text[left[0] : left[1]], text[right[0] : right[1]])
    )


def _numeral_doubt(group: list[tuple[int, int]]) -> list[Doubt]:
    count = sum(end - start for start, end in group)
    return [Doubt(group[0][0], group[-1][1], count)] if count >= CHINESE_NUMERALS else []


def mask_numerals(text: str, out: list[str], doubt: Doubt) -> None:
    """Star a run of Chinese numerals but for its last 4."""
    where = [i for i in range(doubt.start, doubt.end) if text[i] in _NUMERALS]
    for position in where[:-4]:
        out[position] = "*"
