"""The rules of accreditations and activity reports, as pure functions over plain values.

Each returns the problems found as {field: message}; empty means the input may be saved.
"""

import datetime
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from siso_platform.casework.models import Area, Unit

Problems = dict[str, str]

MAX_HOURS = Decimal(24)


def zone_numbers(text) -> list[int]:
    """Zone numbers from what a reviewer wrote ("2, 3" or "zone 2 e 3") or from a list."""
    if isinstance(text, list | tuple):
        text = " ".join(str(item) for item in text)
    return sorted({int(number) for number in re.findall(r"\d+", str(text or ""))})


def grant_problems(
    *,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    zones: list[int],
    known_zones: set[int],
    areas: list[str],
) -> Problems:
    problems = {}
    if valid_from is None:
        problems["valid_from"] = _("Say from when the accreditation is valid.")
    if valid_to is None:
        problems["valid_to"] = _("Say until when the accreditation is valid.")
    elif valid_from is not None and valid_to < valid_from:
        problems["valid_to"] = _("The accreditation cannot end before it starts.")
    unknown = [number for number in zones if number not in known_zones]
    if not zones:
        problems["zones"] = _("Name at least one zone.")
    elif unknown:
        problems["zones"] = _("There is no social zone %(numbers)s.") % {
            "numbers": ", ".join(str(number) for number in unknown)
        }
    if not areas:
        problems["areas"] = _("Name at least one area of users.")
    elif any(area not in Area.values for area in areas):
        problems["areas"] = _("Unknown area of users.")
    return problems


def report_problems(
    *,
    date: datetime.date,
    today: datetime.date,
    hours: Decimal,
    provided_by_body: bool,
    intervention_starts: datetime.date,
    intervention_ends: datetime.date | None,
    beneficiary: bool,
) -> Problems:
    """What stops a body from reporting `hours` of activity on `date` under an intervention."""
    problems = {}
    if date > today:
        problems["date"] = _("An activity cannot be reported before the day it takes place.")
    elif date < intervention_starts or (intervention_ends and date > intervention_ends):
        problems["date"] = _("The date is outside the intervention's period.")
    if hours <= 0 or hours > MAX_HOURS:
        problems["hours"] = _("Hours must be more than 0 and at most 24.")
    if not provided_by_body:
        problems["intervention"] = _("Your body does not provide this intervention.")
    elif not beneficiary:
        problems["person"] = _("The person does not receive this intervention.")
    return problems


def delivered_increment(unit: str, hours: Decimal) -> Decimal:
    """How much an accepted report adds to what an intervention has delivered, in its unit:
    the hours for an hourly service, one day for a daily one, nothing for a cash benefit."""
    if unit == Unit.HOURS:
        return hours
    if unit == Unit.DAYS:
        return Decimal(1)
    return Decimal(0)
