"""Record facts and household memberships without ever overwriting history."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Fact, Household, HouseholdMembership, Person


class HistoryConflict(ValueError):
    """A new value would start before the current one: it would rewrite history."""


def _subject_filter(subject) -> dict:
    if isinstance(subject, Person):
        return {"person": subject}
    if isinstance(subject, Household):
        return {"household": subject}
    raise TypeError(f"A fact is about a Person or a Household, not {type(subject).__name__}")


@transaction.atomic
def record_fact(
    subject,
    kind: str,
    value,
    *,
    valid_from: datetime.date,
    key: str = "",
    source: str,
    source_reference: str = "",
    recorded_by=None,
) -> tuple[Fact, bool]:
    """Make `value` the current fact of this kind and key; returns (fact, changed).

    The same value again changes nothing. A different value closes the current fact's
    period the day the new one starts.
    """
    lookup = {**_subject_filter(subject), "kind": kind, "key": key}
    current = Fact.objects.select_for_update().current().filter(**lookup).first()
    if current is not None:
        if current.value == value:
            return current, False
        if valid_from < current.valid_from:
            raise HistoryConflict(
                _("A %(kind)s value from %(new)s would start before the current one (%(old)s).")
                % {"kind": kind, "new": valid_from, "old": current.valid_from}
            )
        current.valid_to = valid_from
        current.save(update_fields=["valid_to"])
    fact = Fact.objects.create(
        **lookup,
        value=value,
        valid_from=valid_from,
        source=source,
        source_reference=source_reference,
        recorded_by=recorded_by,
    )
    return fact, True


@transaction.atomic
def join_household(
    person: Person, household: Household, relation: str, *, since: datetime.date
) -> tuple[HouseholdMembership, bool]:
    """Move `person` into `household` from `since`, closing any current membership."""
    current = (
        HouseholdMembership.objects.select_for_update().current().filter(person=person).first()
    )
    if current is not None:
        if current.household_id == household.pk and current.relation == relation:
            return current, False
        if since <= current.valid_from:
            raise HistoryConflict(
                _(
                    "%(person)s cannot join a household on %(since)s: the current membership "
                    "began on %(began)s."
                )
                % {"person": person, "since": since, "began": current.valid_from}
            )
        current.valid_to = since
        current.save(update_fields=["valid_to"])
    membership = HouseholdMembership.objects.create(
        person=person, household=household, relation=relation, valid_from=since
    )
    return membership, True


def leave_household(person: Person, *, on: datetime.date) -> HouseholdMembership | None:
    current = HouseholdMembership.objects.current().filter(person=person).first()
    if current is not None:
        current.valid_to = on
        current.save(update_fields=["valid_to"])
    return current
