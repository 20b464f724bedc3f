"""The validation engine: one pure function shared by the admin preview, the wizard and the API.

`validate(form, answers)` coerces raw answers (strings from an HTML form or JSON values from
the API) to each kind's cleaned value, computes computed fields, drops the answers of hidden
fields and steps, enforces (conditional) requirements and validations, and returns the
cleaned answers or the errors keyed by field path (`members[2].birth_date`).
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import logic, registry
from .schema import (
    ADDRESS,
    ADDRESS_PARTS,
    BOOLEAN,
    CHOICE,
    DATE,
    DATETIME,
    DECIMAL,
    EMAIL,
    FILE,
    FILE_PARTS,
    GEOPOINT,
    GEOPOINT_PARTS,
    GROUP,
    HIDDEN,
    IMAGE,
    INTEGER,
    MULTICHOICE,
    NOTE,
    PHONE,
    RANGE,
    RANK,
    ROW,
    ROW_INDEX,
    TAX_CODE,
    TIME,
    CompiledForm,
    Field,
    choice_scope,
    compile_form,
    text,
)

TRUE_WORDS = frozenset({"true", "yes", "on", "1", "si", "sì"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})
PHONE_PATTERN = re.compile(r"^\+?[0-9 ./-]{6,20}$")
TAX_CODE_PATTERN = re.compile(r"^([A-Z0-9]{16}|[0-9]{11})$")
POSTCODE_PATTERN = re.compile(r"^[0-9]{5}$")
TIME_PATTERN = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "heic", "bmp", "tif", "tiff")
GEOPOINT_LIMITS = {"lat": (-90, 90), "lon": (-180, 180)}


@dataclass
class Result:
    cleaned: dict
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


class Invalid(Exception):
    """A raw value that cannot become its kind's value; the message is for the user."""


def validate(form: CompiledForm | dict, answers: dict, *, today: datetime.date | None = None):
    """Clean `answers` against a form version's schema (or its compiled form)."""
    if not isinstance(form, CompiledForm):
        form = compile_form(form)
    today = today or datetime.date.today()
    errors: dict[str, list[str]] = {}
    data: dict = {}
    hidden_steps: dict[str, bool] = {}
    hidden: set[str] = set()
    for item in form.order:
        step = item.step
        if step not in hidden_steps:
            hidden_steps[step] = not _visible(form.step_of(step).visible_if, data, today)
        if hidden_steps[step] or not _visible(item.visible_if, data, today):
            data[item.key] = None
            hidden.add(item.key)
            continue
        if item.kind == GROUP:
            data[item.key] = _clean_group(item, answers.get(item.key), data, errors, today)
        elif item.computed is not None:
            data[item.key] = _compute(item.computed, data, today)
        elif item.kind == HIDDEN:
            data[item.key] = _hidden(item, data, today)
        elif item.kind != NOTE:
            data[item.key] = _clean_field(item, answers.get(item.key), errors, item.key)
    # Requirements and validations read the final data, so a rule may look at any field.
    for item in form.order:
        if item.key not in hidden:
            _check_field(item, item.key, data.get(item.key), data, errors, today)
    cleaned = {key: value for key, value in data.items() if value is not None}
    return Result(cleaned, errors)


def _compute(expression, data, today):
    """A computed value; NaN or an infinity (a division by zero, an empty operand) is no
    answer, as in ODK, and JSON could not store it anyway."""
    value = logic.evaluate(expression, data, today=today)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _visible(expression, data, today) -> bool:
    return expression is None or logic.truthy(logic.evaluate(expression, data, today=today))


def _clean_group(item: Field, raw, data, errors, today) -> list | None:
    if raw in (None, "", []):
        return None
    if isinstance(raw, dict) and all(str(index).isdigit() for index in raw):
        raw = [raw[index] for index in sorted(raw, key=int)]  # rows posted as {"0": {...}}
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        errors.setdefault(item.key, []).append(_("Enter a list of rows."))
        return None
    rows = []
    for index, raw_row in enumerate(raw):
        if all(_is_empty(value) for value in raw_row.values()):
            continue  # a blank row (the wizard always offers one) is no row
        row: dict = {}
        scope = {**data, ROW: row, ROW_INDEX: index}
        shown = []
        for child in item.fields:
            if not _visible(child.visible_if, scope, today):
                continue
            shown.append(child)
            path = f"{item.key}[{index}].{child.key}"
            if child.computed is not None:
                row[child.key] = _compute(child.computed, scope, today)
            elif child.kind == HIDDEN:
                row[child.key] = _hidden(child, scope, today)
            elif child.kind != NOTE:
                row[child.key] = _clean_field(child, raw_row.get(child.key), errors, path)
        for child in shown:
            path = f"{item.key}[{index}].{child.key}"
            _check_field(child, path, row.get(child.key), scope, errors, today)
        row = {key: value for key, value in row.items() if value is not None}
        if row:
            rows.append(row)
    return rows or None


def _clean_field(item: Field, raw, errors, path: str):
    if _is_empty(raw):
        return None
    try:
        return COERCERS[item.kind](item, raw)
    except Invalid as error:
        errors.setdefault(path, []).append(str(error))
        return None


def default_answer(
    item: Field,
    data: dict | None = None,
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
):
    """A field's `default` as its cleaned value (what a new answer starts from), or None when
    there is none or it is not a valid answer of the field.

    A default that is JSON Logic (XLSForm's `today()`, `now()`, `${other}`...) is computed
    over `data` (the answers known when the question is first shown), at `today` and `now`."""
    raw = item.default
    if isinstance(raw, dict):
        raw = dynamic_value(item, data or {}, today=today, now=now)
    if _is_empty(raw) or item.kind not in COERCERS:
        return None
    if item.kind in (MULTICHOICE, RANK) and isinstance(raw, str):
        raw = raw.split()  # ODK writes several picked values separated by spaces
    try:
        return COERCERS[item.kind](item, raw)
    except Invalid:
        return None


def dynamic_value(item: Field, data: dict, *, today=None, now=None):
    """The value of a JSON Logic default, fitted to a date or a date and time as ODK fits
    `now()` into a date question (its day) and `today()` into a date and time (midnight)."""
    try:
        value = logic.evaluate(item.default, data, today=today, now=now)
    except logic.LogicError:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str) and item.kind == DATE and re.match(r"\d{4}-\d{2}-\d{2}T", value):
        return value[:10]
    if (
        isinstance(value, str)
        and item.kind == DATETIME
        and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return f"{value}T00:00"
    return value


def _hidden(item: Field, data: dict, today):
    """A hidden field stores its constant (`default`); nothing is typed into it. A default
    that is JSON Logic is computed when the answers are sent."""
    value = item.default
    if isinstance(value, dict):
        value = dynamic_value(item, data, today=today)
    return None if value in (None, "") else value


def _check_field(item: Field, path: str, value, data, errors, today) -> None:
    if path in errors or item.kind in (NOTE, HIDDEN) or item.computed is not None:
        return
    language = get_language() or "it"
    if value is None:
        required = item.required
        if required is True or (
            required not in (None, False)
            and logic.truthy(logic.evaluate(required, data, today=today))
        ):
            errors[path] = [
                text(item.spec.get("required_message"), language) or _("This field is required.")
            ]
        return
    if item.choice_filter is not None:
        refused = _filtered_out(item, value, data, today)
        if refused:
            errors[path] = [
                _("“%(value)s” is not one of the available choices.") % {"value": refused}
            ]
            return
    messages = _limits(item, value)
    if messages and item.spec.get("constraint_message"):
        messages = [text(item.spec["constraint_message"], language)]
    for rule in item.validations.get("rules") or ():
        if not logic.truthy(logic.evaluate(rule.get("rule"), data, today=today)):
            messages.append(text(rule.get("message"), get_language() or "it") or _("Invalid."))
    if messages:
        errors[path] = messages


def _filtered_out(item: Field, value, data, today) -> str | None:
    """The first picked value its field's `choice_filter` leaves out (cascading selects)."""
    by_value = {str(choice["value"]): choice for choice in item.spec.get("choices") or ()}
    for picked in value if isinstance(value, list) else [value]:
        choice = by_value.get(str(picked))
        scope = choice_scope(data, choice) if choice else data
        if choice is None or not logic.truthy(
            logic.evaluate(item.choice_filter, scope, today=today)
        ):
            return str(picked)
    return None


def _limits(item: Field, value) -> list[str]:
    checks = item.validations
    messages = []
    measure = len(value) if item.kind in (GROUP, MULTICHOICE) else value
    if item.kind == GROUP:
        low, high = item.spec.get("min_rows"), item.spec.get("max_rows")
    elif not checks:
        return messages
    else:
        low, high = checks.get("min"), checks.get("max")
    if item.kind in (INTEGER, DECIMAL, DATE, GROUP, MULTICHOICE):
        if low not in (None, "") and measure < _bound(low, item):
            messages.append(_("Enter a value of at least %(limit)s.") % {"limit": low})
        if high not in (None, "") and measure > _bound(high, item):
            messages.append(_("Enter a value of at most %(limit)s.") % {"limit": high})
    if isinstance(value, str):
        shortest, longest = checks.get("min_length"), checks.get("max_length")
        if shortest and len(value) < int(shortest):
            messages.append(_("Enter at least %(limit)s characters.") % {"limit": shortest})
        if longest and len(value) > int(longest):
            messages.append(_("Enter at most %(limit)s characters.") % {"limit": longest})
        pattern = checks.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            messages.append(_("Enter a value in the expected format."))
    return messages


def _bound(limit, item: Field):
    if item.kind == DATE:
        return str(limit)
    return float(limit) if item.kind == DECIMAL else int(limit)


def _is_empty(raw) -> bool:
    if raw is None or raw == "" or raw == [] or raw == {}:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, dict) and (
        set(raw) <= set(ADDRESS_PARTS) or set(raw) <= set(GEOPOINT_PARTS)
    ):
        return all(_is_empty(part) for part in raw.values())
    return False


# Coercion, one function per kind: raw value -> cleaned value, or Invalid.


def _time(item, raw):
    if isinstance(raw, datetime.time):
        return raw.strftime("%H:%M")
    value = str(raw).strip().replace(".", ":")
    if re.fullmatch(r"[0-9]:[0-5][0-9]", value):
        value = f"0{value}"
    if re.fullmatch(r"[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\.[0-9]+)?([+-][0-9:]+|Z)?", value):
        value = value[:5]  # ODK sends seconds and a zone: the minute is what is asked
    if not TIME_PATTERN.match(value):
        raise Invalid(_("Enter a valid time (HH:MM)."))
    return value


def _datetime(item, raw):
    if isinstance(raw, datetime.datetime):
        return raw.strftime("%Y-%m-%dT%H:%M")
    value = str(raw).strip()
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(value, pattern).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            continue
    try:  # ODK's own: 2026-12-04T09:30:00.000+01:00
        return datetime.datetime.fromisoformat(value).strftime("%Y-%m-%dT%H:%M")
    except ValueError:
        raise Invalid(_("Enter a valid date and time (DD/MM/YYYY HH:MM).")) from None


def _geopoint(item, raw):
    """{"lat", "lon"[, "alt", "accuracy"]}; ODK's text "lat lon alt accuracy" is read too."""
    if isinstance(raw, str):
        raw = dict(zip(GEOPOINT_PARTS, raw.split(), strict=False))
    if not isinstance(raw, dict) or set(raw) - set(GEOPOINT_PARTS):
        raise Invalid(_("Enter the latitude and the longitude."))
    value = {}
    for part in GEOPOINT_PARTS:
        if _is_empty(raw.get(part)):
            continue
        number = _plain_number(raw[part])
        if number is None:
            raise Invalid(_("Enter the latitude and the longitude as numbers, e.g. 43,1107."))
        value[part] = number
    if "lat" not in value or "lon" not in value:
        raise Invalid(_("Enter the latitude and the longitude."))
    low, high = GEOPOINT_LIMITS["lat"]
    if not low <= value["lat"] <= high:
        raise Invalid(_("The latitude must be between -90 and 90."))
    low, high = GEOPOINT_LIMITS["lon"]
    if not low <= value["lon"] <= high:
        raise Invalid(_("The longitude must be between -180 and 180."))
    if value.get("accuracy", 0) < 0:
        raise Invalid(_("The accuracy cannot be negative."))
    return value


def _plain_number(raw) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float, Decimal)):
        number = float(raw)
    else:
        typed = str(raw).strip().replace(",", ".")
        try:
            number = float(typed)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def _range(item, raw):
    number = _number(item, raw)
    spec = item.spec
    start, end = Decimal(str(spec.get("start", 0))), Decimal(str(spec.get("end", 10)))
    step = Decimal(str(spec.get("step") or 1))
    low, high = min(start, end), max(start, end)
    if not low <= number <= high:
        raise Invalid(
            _("Choose a value from %(start)s to %(end)s.")
            % {"start": number_format(low), "end": number_format(high)}
        )
    if step and (number - start) % step != 0:
        raise Invalid(_("Choose a value in steps of %(step)s.") % {"step": number_format(step)})
    return int(number) if number == number.to_integral_value() else float(number)


def _rank(item, raw):
    """Every choice once, in the order given (the first is the most preferred)."""
    values = [str(value) for value in (raw if isinstance(raw, list) else str(raw).split())]
    if len(set(values)) != len(values) or set(values) != set(item.choice_values):
        raise Invalid(_("Put every choice in order, each once."))
    return values


def _image(item, raw):
    value = _file(item, raw)
    extensions = item.validations.get("extensions") or IMAGE_EXTENSIONS
    extension = value["name"].rsplit(".", 1)[-1].lower()
    content_type = str(value.get("content_type") or "")
    if extension not in extensions or (content_type and not content_type.startswith("image/")):
        raise Invalid(_("Upload an image (%(types)s).") % {"types": ", ".join(extensions)})
    return value


def _text(item, raw):
    if isinstance(raw, (dict, list, bool)):
        raise Invalid(_("Enter text."))
    return str(raw).strip()


def parse_number(text: str) -> Decimal | None:
    """A number as a person writes it in the active language, or None: in Italian
    "4.500,00", "4500,5" or "4500" (and "4.5", as a device sends it). Grouping must be by
    three digits, so "4.50.0" or "4,500.00" is refused rather than guessed."""
    value = str(text).strip().replace("\u00a0", "").replace(" ", "")
    decimal_sep = re.escape(str(get_format("DECIMAL_SEPARATOR")))
    thousand_sep = re.escape(str(get_format("THOUSAND_SEPARATOR")))
    grouped = rf"\d{{1,3}}(?:{thousand_sep}\d{{3}})+"
    if re.fullmatch(rf"[+-]?(?:{grouped}|\d+)(?:{decimal_sep}\d+)?", value):
        # As Django reads localized input: thousands separators out, the decimal mark a dot.
        value = re.sub(thousand_sep, "", value) if thousand_sep else value
        value = re.sub(decimal_sep, ".", value)
    elif not re.fullmatch(r"[+-]?\d*\.\d+", value):  # a plain decimal point
        return None
    number = Decimal(value)
    return number if number.is_finite() else None


def _number(item, raw) -> Decimal:
    """JSON numbers pass as they are; text is read by `parse_number`."""
    if isinstance(raw, (bool, dict, list)):
        raise Invalid(_not_a_number(item))
    number = Decimal(str(raw)) if isinstance(raw, (int, float, Decimal)) else parse_number(raw)
    if number is None or not number.is_finite():
        raise Invalid(_not_a_number(item))
    return number


def _not_a_number(item) -> str:
    example = number_format(Decimal("4500.00"), 2, force_grouping=True)
    return _("“%(field)s” is not a number: write it like %(example)s.") % {
        "field": item.label(get_language() or "it"),
        "example": example,
    }


def _integer(item, raw):
    number = _number(item, raw)
    if number != number.to_integral_value():
        raise Invalid(_("Enter a whole number."))
    return int(number)


def _decimal(item, raw):
    number = _number(item, raw)
    places = int(item.spec.get("decimal_places", 2))
    if -number.as_tuple().exponent > places:
        raise Invalid(
            _("Enter a number with at most %(places)s decimal places.") % {"places": places}
        )
    return int(number) if number == number.to_integral_value() else float(number)


def _date(item, raw):
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    value = str(raw).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    raise Invalid(_("Enter a valid date (DD/MM/YYYY)."))


def _choice(item, raw):
    value = str(raw)
    if value not in item.choice_values:
        raise Invalid(_("“%(value)s” is not one of the available choices.") % {"value": value})
    return value


def _multichoice(item, raw):
    values = raw if isinstance(raw, list) else [raw]
    return [_choice(item, value) for value in values]


def _boolean(item, raw):
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid(_("Answer yes or no."))


def _tax_code(item, raw):
    value = _text(item, raw).upper().replace(" ", "")
    check = registry.value_checks.get(TAX_CODE)
    if check is not None:
        value, message = check(value)
        if message:
            raise Invalid(message)
    elif not TAX_CODE_PATTERN.match(value):
        raise Invalid(_("Enter a tax code of 16 characters (or 11 digits)."))
    return value


def _email(item, raw):
    value = _text(item, raw)
    try:
        validate_email(value)
    except ValidationError:
        raise Invalid(_("Enter a valid email address.")) from None
    return value


def _phone(item, raw):
    value = _text(item, raw)
    digits = sum(character.isdigit() for character in value)
    if not PHONE_PATTERN.match(value) or not 6 <= digits <= 15:
        raise Invalid(_("Enter a phone number of 6 to 15 digits."))
    return value


def _address(item, raw):
    if not isinstance(raw, dict) or set(raw) - set(ADDRESS_PARTS):
        raise Invalid(_("Enter an address with street, number, postcode and municipality."))
    value = {part: str(raw[part]).strip() for part in ADDRESS_PARTS if not _is_empty(raw.get(part))}
    if not value.get("street") or not value.get("municipality"):
        raise Invalid(_("Enter at least the street and the municipality."))
    if "postcode" in value and not POSTCODE_PATTERN.match(value["postcode"]):
        raise Invalid(_("Enter a postcode of 5 digits."))
    return value


def _file(item, raw):
    if not isinstance(raw, dict) or not raw.get("name") or not raw.get("path"):
        raise Invalid(_("Upload a file."))
    value = {part: raw[part] for part in FILE_PARTS if part in raw}
    checks = item.validations
    extensions = [ext.lower().lstrip(".") for ext in checks.get("extensions") or ()]
    if extensions and value["name"].rsplit(".", 1)[-1].lower() not in extensions:
        raise Invalid(_("Upload a file of type %(types)s.") % {"types": ", ".join(extensions)})
    max_size = checks.get("max_size")
    if max_size and int(value.get("size") or 0) > int(max_size):
        raise Invalid(_("The file is larger than %(size)s KB.") % {"size": int(max_size) // 1024})
    return value


COERCERS = {
    "text": _text,
    "textarea": _text,
    INTEGER: _integer,
    DECIMAL: _decimal,
    DATE: _date,
    CHOICE: _choice,
    MULTICHOICE: _multichoice,
    BOOLEAN: _boolean,
    TAX_CODE: _tax_code,
    EMAIL: _email,
    PHONE: _phone,
    ADDRESS: _address,
    FILE: _file,
    TIME: _time,
    DATETIME: _datetime,
    GEOPOINT: _geopoint,
    IMAGE: _image,
    RANGE: _range,
    RANK: _rank,
}
