"""Italian tax codes (codice fiscale): validation, decoding, encoding.

Pure Python, no ORM. Place data (municipalities and foreign countries, by cadastral code)
comes from the offline tables bundled with ``python-codicefiscale``; the check character and
the surname/first-name triplets are computed by that library too. Everything else is done
here with precomputed tables, because the library's own ``is_valid``/``decode`` re-parse
dates with dateutil and take milliseconds per code.

A tax code is either:

* a 16-character code: surname (3 letters), first name (3), birth year (2 digits), birth
  month (letter), birth day (2 digits, +40 for women), birthplace (letter + 3 digits) and a
  check character. In case of homonyms (*omocodia*) the Revenue Agency replaces digits with
  the letters ``LMNPQRSTUV`` (0-9), starting from the rightmost one;
* an 11-digit provisional code, with a partita-IVA-style (Luhn-like) check digit.

Messages in :class:`TaxCodeError` and :func:`cross_check` go through ``gettext`` at the time
the error is produced, so the active language at that moment is used.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from codicefiscale import encode_cin, encode_firstname, encode_lastname
from codicefiscale.data import get_countries_data, get_municipalities_data
from django.utils.translation import gettext_lazy as _

__all__ = [
    "DecodedTaxCode",
    "Place",
    "TaxCodeError",
    "check_character",
    "cross_check",
    "decode",
    "encode",
    "is_provisional",
    "is_valid",
    "normalize",
    "omocodic_variants",
    "place",
]

# --------------------------------------------------------------------------- tables

MONTH_LETTERS = "ABCDEHLMPRST"
_MONTH_OF_LETTER = {letter: month for month, letter in enumerate(MONTH_LETTERS, start=1)}
_LETTER_OF_MONTH = dict(enumerate(MONTH_LETTERS, start=1))

OMOCODIA_LETTERS = "LMNPQRSTUV"  # stand for 0..9
_OMOCODIA_DECODE = str.maketrans(OMOCODIA_LETTERS, "0123456789")
_OMOCODIA_ENCODE = str.maketrans("0123456789", OMOCODIA_LETTERS)
# 0-based positions that hold digits in a base code, in the order of substitution (from the
# right), which is the order in which the Revenue Agency assigns omocodic codes.
OMOCODIA_POSITIONS = (14, 13, 12, 10, 9, 7, 6)
_OMOCODIA_POSITION_SET = frozenset(OMOCODIA_POSITIONS)

_DIGIT = "[0-9LMNPQRSTUV]"
# Strict pattern (month letter included), used by the fast path.
_CODE_RE = re.compile(
    rf"[A-Z]{{6}}{_DIGIT}{{2}}[{MONTH_LETTERS}]{_DIGIT}{{2}}[A-Z]{_DIGIT}{{3}}[A-Z]"
)
_PROVISIONAL_RE = re.compile(r"[0-9]{11}")
_PLACE_CODE_RE = re.compile(r"[A-Z][0-9]{3}")

# Days per month; February 29 is handled separately (leap years).
_MAX_DAY = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# Provisional code check digit: digits at even 0-based indexes count as they are, the
# others are doubled (minus 9 when the result exceeds 9).
_DOUBLED = tuple((2 * d - 9) if 2 * d > 9 else 2 * d for d in range(10))

PART_FORMAT = "format"
PART_CHECK_CHARACTER = "check_character"
PART_BIRTH_DATE = "birth_date"
PART_BIRTH_PLACE = "birth_place"
PART_PROVISIONAL_CHECK_DIGIT = "provisional_check_digit"


# --------------------------------------------------------------------------- types


class TaxCodeError(ValueError):
    """A tax code is not valid. ``part`` names the first wrong part of the code.

    ``part`` is one of ``"format"``, ``"check_character"``, ``"birth_date"``,
    ``"birth_place"``, ``"provisional_check_digit"``; ``message`` is a specific,
    translated message (e.g. ``Wrong check character: expected 'U', found 'A'.``) and
    ``params`` the values interpolated into it.
    """

    def __init__(self, part: str, message: str, params: dict[str, object] | None = None):
        super().__init__(message)
        self.part = part
        self.message = message
        self.params = params or {}

    def __repr__(self) -> str:
        return f"TaxCodeError(part={self.part!r}, message={self.message!r})"


@dataclass(frozen=True, slots=True)
class Place:
    """A birthplace: an Italian municipality (cadastral code) or a foreign country (Z###)."""

    code: str
    name: str
    province: str  # "EE" for foreign countries


@dataclass(frozen=True)
class DecodedTaxCode:
    """What a valid tax code says about a person (see :func:`decode`)."""

    code: str  # normalised (upper-case, stripped) as given
    provisional: bool  # 11-digit provisional numeric code
    omocodic: bool  # has omocodia letter substitutions
    base_code: str | None  # omocodia-decoded 16-char code (None for provisional)
    sex: str | None  # "M" or "F"
    birth_date: datetime.date | None
    birth_place_code: str | None  # cadastral or country code (decoded, e.g. "H501")
    birth_place_name: str | None
    birth_place_province: str | None  # "EE" for foreign countries


# --------------------------------------------------------------------------- places


def _record_rank(record: dict) -> tuple[bool, str]:
    # The active record first, otherwise the newest one.
    return bool(record.get("active")), record["date_created"]


@functools.cache
def _place_index() -> dict[str, Place]:
    """Index code -> Place over all municipalities and countries (built once)."""
    best: dict[str, dict] = {}
    for record in get_municipalities_data() + get_countries_data():
        code = record.get("code") or ""
        if not _PLACE_CODE_RE.fullmatch(code):  # the data holds a few "ND" (not defined)
            continue
        current = best.get(code)
        if current is None or _record_rank(record) > _record_rank(current):
            best[code] = record
    return {
        code: Place(code=code, name=record["name"], province=record["province"])
        for code, record in best.items()
    }


def place(code: str) -> Place | None:
    """The municipality or country with this cadastral code, or None if unknown.

    When several historical records share a code, the active (or newest) one is used.
    """
    return _place_index().get(code.strip().upper())


# --------------------------------------------------------------------------- helpers


def normalize(raw: str) -> str:
    """Strip, remove inner whitespace and upper-case."""
    return "".join(raw.split()).upper()


def check_character(first15: str) -> str:
    """The check character (CIN) of the first 15 characters of a 16-character code."""
    first15 = first15.upper()
    if len(first15) != 15 or not first15.isascii() or not first15.isalnum():
        raise ValueError("check_character() needs 15 letters or digits.")
    return encode_cin(first15)


def is_provisional(code: str) -> bool:
    """Whether the code has the shape of a provisional code (11 digits)."""
    return _PROVISIONAL_RE.fullmatch(normalize(code)) is not None


def _provisional_check_digit(first10: str) -> str:
    total = 0
    for index, char in enumerate(first10):
        digit = ord(char) - 48
        total += _DOUBLED[digit] if index % 2 else digit
    return str((10 - total % 10) % 10)


def _decode_omocodia(code: str) -> str:
    """Replace omocodia letters with digits (first 15 characters, no check character)."""
    chars = list(code[:15])
    for index in OMOCODIA_POSITIONS:
        chars[index] = chars[index].translate(_OMOCODIA_DECODE)
    return "".join(chars)


def _with_check_character(first15: str) -> str:
    return first15 + encode_cin(first15)


# --------------------------------------------------------------------------- fast path


def is_valid(raw: str) -> bool:
    """Fast validity check: same verdict as :func:`decode` (no exception, no dateutil).

    Checks the pattern, the check character, the month letter, the day (it must exist in
    that month; February 29 only in years divisible by 4, right for 1901-2099) and that the
    birthplace code is known. Provisional codes are checked with their check digit.
    """
    if not isinstance(raw, str):
        return False
    code = "".join(raw.split()).upper()
    if len(code) == 11:
        return _PROVISIONAL_RE.fullmatch(code) is not None and code[10] == (
            _provisional_check_digit(code[:10])
        )
    if _CODE_RE.fullmatch(code) is None or encode_cin(code[:15]) != code[15]:
        return False
    base = code.translate(_OMOCODIA_DECODE)  # letters only matter at digit positions now
    day = int(base[9:11])
    if day > 40:
        day -= 40
    month = _MONTH_OF_LETTER[code[8]]
    if not 1 <= day <= _MAX_DAY[month]:
        return False
    if month == 2 and day == 29 and int(base[6:8]) % 4:
        return False
    return (code[11] + base[12:15]) in _place_index()


def encoded_birth_data(code: str) -> tuple[int, int, int, str, str]:
    """(year % 100, month, day, sex, birthplace code) of a full code :func:`is_valid` accepted.

    The fast counterpart of :func:`decode` for bulk checks against stored birth data.
    """
    base = code.translate(_OMOCODIA_DECODE)
    day = int(base[9:11])
    sex = "F" if day > 40 else "M"
    return (
        int(base[6:8]),
        _MONTH_OF_LETTER[code[8]],
        day - 40 if day > 40 else day,
        sex,
        (code[11] + base[12:15]),
    )


# --------------------------------------------------------------------------- decoding

_SECTIONS = (
    (range(0, 3), _("surname")),
    (range(3, 6), _("first name")),
    (range(6, 8), _("birth year")),
    (range(8, 9), _("birth month")),
    (range(9, 11), _("birth day and sex")),
    (range(11, 15), _("birthplace code")),
    (range(15, 16), _("check character")),
)


def _section_of(index: int) -> str:
    for positions, name in _SECTIONS:
        if index in positions:
            return str(name)
    raise AssertionError(index)


def _format_error(code: str) -> TaxCodeError:
    """A TaxCodeError (part "format") saying precisely what is wrong with the shape."""
    length = len(code)
    if length == 0:
        return TaxCodeError(PART_FORMAT, str(_("The tax code is empty.")))
    if length == 11:
        params = {"code": code}
        return TaxCodeError(
            PART_FORMAT,
            _(
                "The tax code '%(code)s' has 11 characters, so it should be a provisional "
                "code made only of digits."
            )
            % params,
            params,
        )
    if length != 16:
        params = {"length": length}
        return TaxCodeError(
            PART_FORMAT,
            _(
                "The tax code must have 16 characters (or 11 digits for a provisional "
                "code); found %(length)d."
            )
            % params,
            params,
        )
    for index, char in enumerate(code):
        if index in _OMOCODIA_POSITION_SET:
            ok = ("0" <= char <= "9") or char in OMOCODIA_LETTERS
            expected = _("a digit (or one of the letters L M N P Q R S T U V)")
        else:
            ok = "A" <= char <= "Z"
            expected = _("a letter")
        if not ok:
            params = {
                "char": char,
                "position": index + 1,
                "section": _section_of(index),
                "expected": str(expected),
            }
            return TaxCodeError(
                PART_FORMAT,
                _(
                    "Invalid character '%(char)s' at position %(position)d (%(section)s): "
                    "expected %(expected)s."
                )
                % params,
                params,
            )
    raise AssertionError(code)  # only called for codes that do not match the pattern


# Loose pattern for decode(): any letter as month, so a wrong month is a birth_date error.
_LOOSE_CODE_RE = re.compile(rf"[A-Z]{{6}}{_DIGIT}{{2}}[A-Z]{_DIGIT}{{2}}[A-Z]{_DIGIT}{{3}}[A-Z]")


def _birth_date(base: str, today: datetime.date) -> tuple[str, datetime.date]:
    """Sex and birth date from an omocodia-decoded code; raises TaxCodeError."""
    letter = base[8]
    month = _MONTH_OF_LETTER.get(letter)
    if month is None:
        params = {"letter": letter, "letters": " ".join(MONTH_LETTERS)}
        raise TaxCodeError(
            PART_BIRTH_DATE,
            _("Invalid birth month letter '%(letter)s' in the tax code (allowed: %(letters)s).")
            % params,
            params,
        )
    day_digits = base[9:11]
    day = int(day_digits)
    if 1 <= day <= 31:
        sex = "M"
    elif 41 <= day <= 71:
        sex = "F"
        day -= 40
    else:
        params = {"day": day_digits}
        raise TaxCodeError(
            PART_BIRTH_DATE,
            _(
                "Invalid birth day '%(day)s' in the tax code "
                "(it must be 01-31 for men, 41-71 for women)."
            )
            % params,
            params,
        )
    two_digit_year = int(base[6:8])
    # The century is not in the code: take the most recent one that gives an existing
    # date not after today.
    year = today.year - today.year % 100 + two_digit_year
    for candidate in (year, year - 100):
        try:
            birth_date = datetime.date(candidate, month, day)
        except ValueError:
            continue
        if birth_date <= today:
            return sex, birth_date
    params = {"day": day, "month": month, "year": base[6:8]}
    raise TaxCodeError(
        PART_BIRTH_DATE,
        _(
            "Invalid birth date in the tax code: day %(day)d does not exist in month "
            "%(month)d of a year ending in %(year)s."
        )
        % params,
        params,
    )


def decode(raw: str, *, today: datetime.date | None = None) -> DecodedTaxCode:
    """Validate and decode a tax code.

    Raises :class:`TaxCodeError` naming the first wrong part, checked in this order:
    format, check character, birth date, birthplace (provisional codes: format, check
    digit). ``today`` (default: the current date) resolves the century of the birth year.
    """
    code = normalize(raw)
    if len(code) == 11 and _PROVISIONAL_RE.fullmatch(code):
        expected = _provisional_check_digit(code[:10])
        if code[10] != expected:
            params = {"expected": expected, "found": code[10]}
            raise TaxCodeError(
                PART_PROVISIONAL_CHECK_DIGIT,
                _(
                    "Wrong check digit in the provisional tax code: "
                    "expected '%(expected)s', found '%(found)s'."
                )
                % params,
                params,
            )
        return DecodedTaxCode(
            code=code,
            provisional=True,
            omocodic=False,
            base_code=None,
            sex=None,
            birth_date=None,
            birth_place_code=None,
            birth_place_name=None,
            birth_place_province=None,
        )

    if _LOOSE_CODE_RE.fullmatch(code) is None:
        raise _format_error(code)

    expected = encode_cin(code[:15])
    if code[15] != expected:
        params = {"expected": expected, "found": code[15]}
        raise TaxCodeError(
            PART_CHECK_CHARACTER,
            _("Wrong check character: expected '%(expected)s', found '%(found)s'.") % params,
            params,
        )

    base15 = _decode_omocodia(code)
    sex, birth_date = _birth_date(base15, today or datetime.date.today())

    place_code = base15[11:15]
    found = place(place_code)
    if found is None:
        params = {"code": place_code}
        raise TaxCodeError(
            PART_BIRTH_PLACE,
            _("Unknown birthplace code '%(code)s'.") % params,
            params,
        )

    return DecodedTaxCode(
        code=code,
        provisional=False,
        omocodic=base15 != code[:15],
        base_code=_with_check_character(base15),
        sex=sex,
        birth_date=birth_date,
        birth_place_code=place_code,
        birth_place_name=found.name,
        birth_place_province=found.province,
    )


# --------------------------------------------------------------------------- cross-check


def cross_check(
    decoded: DecodedTaxCode,
    *,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    birth_place_code: str | None = None,
) -> dict[str, str]:
    """Compare stored personal data with what the tax code encodes.

    Returns ``{field: message}`` for each given value that contradicts the code (keys
    ``"birth_date"``, ``"sex"``, ``"birth_place_code"``); empty when consistent. ``None``
    values are not checked; provisional codes check nothing. Birth dates are compared on
    day, month and the last two digits of the year (the code does not hold the century).
    """
    errors: dict[str, str] = {}
    if decoded.provisional:
        return errors

    encoded_date = decoded.birth_date
    if (
        birth_date is not None
        and encoded_date is not None
        and (birth_date.day, birth_date.month, birth_date.year % 100)
        != (encoded_date.day, encoded_date.month, encoded_date.year % 100)
    ):
        params = {
            "stored": birth_date.strftime("%d/%m/%Y"),
            "day": encoded_date.day,
            "month": encoded_date.month,
            "year": f"{encoded_date.year % 100:02d}",
        }
        errors["birth_date"] = (
            _(
                "The birth date %(stored)s does not match the tax code, which encodes "
                "day %(day)d, month %(month)d and a year ending in %(year)s."
            )
            % params
        )

    if sex is not None and decoded.sex is not None:
        stored_sex = sex.strip().upper()
        if stored_sex != decoded.sex:
            params = {"stored": sex, "encoded": decoded.sex}
            errors["sex"] = (
                _("The sex '%(stored)s' does not match the tax code, which encodes '%(encoded)s'.")
                % params
            )

    if birth_place_code is not None and decoded.birth_place_code is not None:
        stored_place = normalize(birth_place_code)
        if stored_place != decoded.birth_place_code:
            params = {
                "stored": birth_place_code,
                "encoded": decoded.birth_place_code,
                "name": decoded.birth_place_name or "?",
            }
            errors["birth_place_code"] = (
                _(
                    "The birthplace code '%(stored)s' does not match the tax code, which "
                    "encodes '%(encoded)s' (%(name)s)."
                )
                % params
            )
    return errors


# --------------------------------------------------------------------------- encoding


def encode(
    last_name: str,
    first_name: str,
    sex: str,
    birth_date: datetime.date,
    birth_place_code: str,
) -> str:
    """The (base, non-omocodic) tax code of a person.

    ``birth_place_code`` is a cadastral code (e.g. ``"H501"``) or a country code
    (``"Z###"``); raises :class:`TaxCodeError` (part ``"birth_place"``) if unknown and
    ``ValueError`` for a sex other than ``"M"``/``"F"``.
    """
    sex_code = sex.strip().upper()
    if sex_code not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}")
    place_code = normalize(birth_place_code)
    if place(place_code) is None:
        params = {"code": birth_place_code}
        raise TaxCodeError(
            PART_BIRTH_PLACE,
            _("Unknown birthplace code '%(code)s'.") % params,
            params,
        )
    day = birth_date.day + (40 if sex_code == "F" else 0)
    first15 = (
        f"{encode_lastname(last_name)}{encode_firstname(first_name)}"
        f"{birth_date.year % 100:02d}{_LETTER_OF_MONTH[birth_date.month]}{day:02d}"
        f"{place_code}"
    )
    return _with_check_character(first15)


# All non-empty sets of positions, by number of substitutions then right-to-left; the
# first seven (cumulative from the right) are the ones the Revenue Agency assigns.
_LEGAL_SUBSTITUTIONS = tuple(OMOCODIA_POSITIONS[: n + 1] for n in range(len(OMOCODIA_POSITIONS)))
_ALL_SUBSTITUTIONS = _LEGAL_SUBSTITUTIONS + tuple(
    combo
    for size in range(1, len(OMOCODIA_POSITIONS) + 1)
    for combo in combinations(OMOCODIA_POSITIONS, size)
    if combo not in _LEGAL_SUBSTITUTIONS
)


def omocodic_variants(code: str, *, all_forms: bool = False) -> Iterator[str]:
    """The omocodic forms of a 16-character code, each with its own check character.

    By default the seven forms in the order the Revenue Agency assigns them to homonyms:
    digits replaced cumulatively from the right (positions 14; 14+13; 14+13+12; ...; all
    seven, 0-based). With ``all_forms=True`` all 127 forms: those seven first, then the
    other combinations. ``code`` may itself be omocodic; its check character is not
    verified (it is recomputed). Provisional codes have no variants.
    """
    normalized = normalize(code)
    if _PROVISIONAL_RE.fullmatch(normalized):
        return iter(())
    if _LOOSE_CODE_RE.fullmatch(normalized) is None:
        raise _format_error(normalized)
    base = list(_decode_omocodia(normalized))
    variants = []
    for positions in _ALL_SUBSTITUTIONS if all_forms else _LEGAL_SUBSTITUTIONS:
        chars = base.copy()
        for index in positions:
            chars[index] = chars[index].translate(_OMOCODIA_ENCODE)
        variants.append(_with_check_character("".join(chars)))
    return iter(variants)
