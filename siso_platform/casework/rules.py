"""The rules casework records must keep, as pure functions over plain values.

Each returns the problems it finds as {field: message}; an empty dict means the record is
fine. `actions.py` turns them into a ValidationError naming the fields, so a page, an API
call and a workflow step all refuse the same input with the same words.
"""

import datetime
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Problems = dict[str, str]

# INPS's `DenominazionePrestazione` has at least 10 characters: a shorter name in INPS's table
# (Z9.99 "Altro") leaves the catalogue item's own name to be sent.
INPS_NAME_MIN_LENGTH = 10
UNKNOWN_INPS_CODE = gettext_lazy(
    "INPS benefit code: %(value)s is not in INPS's benefit table (Catalogues > INPS benefits); "
    "the regional administrator adds it there first."
)

# What must agree when a tax code typed at the office is already on record.
IDENTITY_FIELDS = ("last_name", "first_name", "sex", "birth_date")


def _name_key(name: str) -> str:
    """Letters only, without accents or case: "D'Angelò" and "dangelo" are one name."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if c.isalpha()).upper()


def identity_problems(typed: dict, stored: dict) -> Problems:
    """The identity typed for a tax code already on record against the record's. A mismatch is
    refused on the tax code without saying what is stored: the record may be outside the
    operator's scope, and an access on the wrong person would merge two lives."""
    same = all(
        _name_key(typed[field]) == _name_key(stored[field])
        if field.endswith("_name")
        else typed[field] == stored[field]
        for field in IDENTITY_FIELDS
    )
    if same:
        return {}
    return {"tax_code": _("The tax code does not match the personal data entered: check both.")}


def access_problems(
    *, date: datetime.date, today: datetime.date, outcome: str, referred_to: str
) -> Problems:
    problems = {}
    if date > today:
        problems["date"] = _("An access cannot be in the future.")
    if outcome == "referral" and not referred_to.strip():
        problems["referred_to"] = _("Say which service the person was referred to.")
    return problems


def register_reason_problems(register_reason: str) -> Problems:
    """An access that brings in a person the zone did not follow says why (audited, and
    shown to every zone that reads the person)."""
    if not register_reason.strip():
        return {"register_reason": _("Say why your office needs this person's record.")}
    return {}


def period_problems(starts_on: datetime.date, ends_on: datetime.date | None) -> Problems:
    if ends_on is not None and ends_on < starts_on:
        return {"ends_on": _("The end date cannot be before the start date.")}
    return {}


def intervention_problems(
    *,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    amount: Decimal | None,
    quantity: Decimal | None,
    unit: str,
    status: str,
    has_beneficiary: bool,
) -> Problems:
    problems = period_problems(starts_on, ends_on)
    if not has_beneficiary:
        problems["beneficiary"] = _("Choose who receives the intervention.")
    for field, value in (("amount", amount), ("quantity", quantity)):
        if value is not None and value < 0:
            problems[field] = _("An amount or quantity cannot be negative.")
    if unit == "euro" and amount is None and "amount" not in problems:
        problems["amount"] = _("Enter the amount in euro for this intervention.")
    if unit in ("hours", "days") and quantity is None and "quantity" not in problems:
        problems["quantity"] = (
            _("Enter the number of hours for this intervention.")
            if unit == "hours"
            else _("Enter the number of days for this intervention.")
        )
    if status == "ended" and ends_on is None and "ends_on" not in problems:
        problems["ends_on"] = _("An ended intervention needs its end date.")
    return problems


def share_problems(
    *, amount: Decimal | None, user_share: Decimal | None, health_share: Decimal | None
) -> Problems:
    """The beneficiary's and the health service's shares are parts of the amount."""
    problems = {}
    for field, value in (("user_share", user_share), ("health_share", health_share)):
        if value is not None and value < 0:
            problems[field] = _("A share cannot be negative.")
    paid = (user_share or 0) + (health_share or 0)
    if not problems and amount is not None and 0 <= amount < paid:
        problems["user_share"] = _(
            "The shares paid by the beneficiary and the health service exceed the amount of "
            "the intervention."
        )
    return problems


def new_intervention_problems(*, case_status: str | None, item_active: bool) -> Problems:
    """What stops recording a new intervention, beyond the values themselves."""
    problems = {}
    if case_status == "closed":
        problems["case"] = _("The case is closed: it cannot receive new interventions.")
    if not item_active:
        problems["item"] = _("This catalogue item is retired and cannot be recorded any more.")
    return problems


def assignment_problems(
    *,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    body_is_third_sector: bool,
    body_active: bool,
    case_status: str,
) -> Problems:
    problems = period_problems(starts_on, ends_on)
    if not body_is_third_sector:
        problems["body"] = _("A case can only be assigned to a third-sector body.")
    elif not body_active:
        problems["body"] = _("This body is no longer active.")
    if case_status == "closed":
        problems["case"] = _("The case is closed: it cannot be assigned.")
    return problems


def closing_problems(
    *,
    opened_on: datetime.date,
    closed_on: datetime.date,
    outcome: str,
    running: list[str],
) -> Problems:
    """`running` names the case's interventions still planned or active."""
    problems = {}
    if closed_on < opened_on:
        problems["closed_on"] = _("A case cannot close before it was opened.")
    if not outcome:
        problems["closing_outcome"] = _("Say how the case ends.")
    if running:
        problems["__all__"] = _(
            "End or suspend these interventions before closing the case: %(list)s."
        ) % {"list": "; ".join(running)}
    return problems


def note_problems(*, text: str, happened_on: datetime.date, today: datetime.date) -> Problems:
    problems = {}
    if not text.strip():
        problems["text"] = _("Write the note.")
    if happened_on > today:
        problems["happened_on"] = _("A diary note tells what happened: its date cannot be ahead.")
    return problems


def correction_problems(*, written_by_user: bool, already_corrected: bool) -> Problems:
    """Only the author corrects a note, once: a later correction corrects the correction."""
    if not written_by_user:
        return {"__all__": _("Only the author of a note can correct it.")}
    if already_corrected:
        return {"__all__": _("This note was already corrected: correct its correction.")}
    return {}


MAX_APPOINTMENT_MINUTES = 8 * 60


def appointment_problems(
    *,
    starts_at: datetime.datetime,
    now: datetime.datetime,
    duration_minutes: int,
    place: str,
    place_detail: str,
    status: str,
    new: bool,
) -> Problems:
    problems = {}
    if status != "scheduled":
        problems["__all__"] = _("Only a scheduled appointment can be changed.")
    if new and starts_at.date() < now.date():
        problems["date"] = _("An appointment cannot be booked on a day already past.")
    if not 0 < duration_minutes <= MAX_APPOINTMENT_MINUTES:
        problems["duration_minutes"] = _("The duration is from 1 minute to 8 hours.")
    if place == "other" and not place_detail.strip():
        problems["place_detail"] = _("Say where the appointment takes place.")
    return problems


def completion_problems(*, status: str, starts_on: datetime.date, today: datetime.date) -> Problems:
    if status != "scheduled":
        return {"__all__": _("Only a scheduled appointment can be marked done.")}
    if starts_on > today:
        return {"__all__": _("An appointment on a later day cannot be marked done yet.")}
    return {}


def cancellation_problems(*, status: str) -> Problems:
    if status != "scheduled":
        return {"__all__": _("Only a scheduled appointment can be cancelled.")}
    return {}


def delivery_conflicts(*, case_status: str | None, intervention_status: str) -> Problems:
    """What changed on the record since the delivery was noted (perhaps offline): the case
    closed, the intervention ended or suspended. The caller shows it as a conflict."""
    problems = {}
    if case_status == "closed":
        problems["case"] = _("The case was closed: it receives no more deliveries.")
    if intervention_status == "ended":
        problems["intervention"] = _("The intervention has ended: it receives no more deliveries.")
    elif intervention_status == "suspended":
        problems["intervention"] = _("The intervention is suspended: resume it first.")
    return problems


def delivery_problems(
    *,
    date: datetime.date,
    today: datetime.date,
    quantity: Decimal,
    unit: str,
    intervention_status: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
) -> Problems:
    """What stops recording `quantity` (hours or days) delivered on `date`."""
    problems = {}
    if date > today:
        problems["date"] = _("A delivery is recorded on or after the day it takes place.")
    elif date < starts_on or (ends_on is not None and date > ends_on):
        problems["date"] = _("The date is outside the intervention's period.")
    if unit not in ("hours", "days"):
        problems["intervention"] = _("A cash benefit has no hours or days to record.")
    elif intervention_status == "planned":
        problems["intervention"] = _("The intervention has not started: make it active first.")
    if quantity <= 0:
        problems["quantity"] = _("The quantity must be more than 0.")
    elif unit == "hours" and quantity > 24:
        problems["quantity"] = _("At most 24 hours on one day.")
    elif unit == "days" and quantity > 1:
        problems["quantity"] = _("At most one day on one date.")
    return problems


def inps_name_of(table_name: str) -> str:
    """The INPS name a catalogue item takes from its row of INPS's benefit table."""
    return table_name if len(table_name) >= INPS_NAME_MIN_LENGTH else ""


def inps_code_problems(code: str, *, in_table: bool) -> Problems:
    """A catalogue item's INPS benefit code must be one of INPS's table, or empty (the item's
    benefits then wait on the SIUSS worklist): a typo would reach INPS as a benefit nobody
    knows."""
    if code and not in_table:
        return {"inps_code": UNKNOWN_INPS_CODE % {"value": code}}
    return {}
