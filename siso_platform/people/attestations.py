"""Reading ISEE attestations and civil-invalidity verdicts (written by `people.actions`).

`current_isee(household_or_person, on=day)` is what other packages call (the fact sheet's
rules, SIUSS flows): the ISEE in effect on that day, never an expired one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .models import Fact, FactKind, Household, HouseholdMembership, Person
from .rules import GENERAL_KINDS, IseeKind

_RANK = {IseeKind.CORRENTE.value: 2, IseeKind.ORDINARIO.value: 1}


def day_of(text) -> datetime.date | None:
    if isinstance(text, datetime.date):
        return text
    try:
        return datetime.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def isee_kind(fact_key: str, value: dict) -> str:
    """The kind of an ISEE fact; those written before kinds were recorded are ordinary."""
    return (value or {}).get("kind") or IseeKind.ORDINARIO.value


def general_isee_order(fact_key: str, value: dict, valid_from: datetime.date | None) -> tuple:
    """Sort key of the ISEE that a household's general means test reads: the latest DSU year,
    then an ISEE corrente before an ordinary one, then the latest issued. An ISEE for minors
    or for social and health care serves its own benefits and sorts nowhere (None)."""
    value = value or {}
    kind = isee_kind(fact_key, value)
    if kind not in GENERAL_KINDS:
        return ()
    year = str(value.get("dsu_year") or fact_key)
    issued = day_of(value.get("issued_on")) or valid_from or datetime.date.min
    return (year, _RANK.get(kind, 0), issued)


def _subject(household_or_person, on: datetime.date) -> dict:
    if isinstance(household_or_person, Household):
        return {"household": household_or_person}
    if isinstance(household_or_person, Person):
        membership = (
            HouseholdMembership.objects.current(on).filter(person=household_or_person).first()
        )
        if membership is not None:
            return {"household_id": membership.household_id}
        return {"person": household_or_person}
    raise TypeError(f"An ISEE is a Household's or a Person's, not {type(household_or_person)}")


@dataclass(frozen=True)
class Isee:
    fact: Fact

    @property
    def value(self) -> dict:
        return self.fact.value or {}

    @property
    def kind(self) -> str:
        return isee_kind(self.fact.key, self.value)

    @property
    def amount(self) -> float | None:
        amount = self.value.get("isee")
        return float(amount) if amount is not None else None

    @property
    def valid_until(self) -> datetime.date | None:
        if self.fact.valid_to:
            return self.fact.valid_to - datetime.timedelta(days=1)
        return day_of(self.value.get("valid_until"))

    def current_on(self, on: datetime.date) -> bool:
        valid_to = self.fact.valid_to
        return self.fact.valid_from <= on and (valid_to is None or valid_to > on)


def current_isee_fact(household_or_person, on: datetime.date | None = None, *, kind=None):
    """The Fact behind `current_isee`, or None."""
    on = on or timezone.localdate()
    facts = Fact.objects.current(on).filter(**_subject(household_or_person, on), kind="isee")
    best, best_order = None, ()
    for fact in facts:
        value = fact.value if isinstance(fact.value, dict) else {"isee": fact.value}
        if kind is not None:
            order = (fact.valid_from, fact.pk) if isee_kind(fact.key, value) == kind else ()
        else:
            order = general_isee_order(fact.key, value, fact.valid_from)
        if order and (best is None or order > best_order):
            best, best_order = fact, order
    return best


def current_isee(household_or_person, on: datetime.date | None = None, *, kind=None) -> dict | None:
    """The ISEE in effect on `on` (default today) of a household, or of a person's household
    on that day (the person's own without one): its stored value (`isee`, `kind`,
    `dsu_protocol`, `dsu_year`, `issued_on`, `valid_until`) plus `valid_from`; None when
    there is none. Without `kind`, the general one (a corrente before an ordinario); an
    expired ISEE is never current."""
    best = current_isee_fact(household_or_person, on, kind=kind)
    if best is None:
        return None
    value = dict(best.value) if isinstance(best.value, dict) else {"isee": best.value}
    value.setdefault("kind", isee_kind(best.key, value))
    value["valid_from"] = best.valid_from
    return value


def isee_history(household_or_person, *, on: datetime.date | None = None) -> list[Isee]:
    """Every ISEE on record of the subject (household: the household's), newest first."""
    on = on or timezone.localdate()
    facts = Fact.objects.filter(**_subject(household_or_person, on), kind=FactKind.ISEE)
    return [Isee(f) for f in facts.select_related("recorded_by").order_by("-valid_from", "-pk")]


def invalidity_history(person: Person) -> list[Fact]:
    """The person's civil-invalidity verdicts, newest first."""
    return list(invalidity_facts([person.pk]))


def invalidity_facts(person_ids):
    """The civil-invalidity verdicts of these persons, each person's newest first, in one
    query (a household page lists every member's)."""
    return (
        Fact.objects.filter(person_id__in=person_ids, kind=FactKind.DISABILITY)
        .select_related("recorded_by")
        .order_by("person_id", "-valid_from", "-pk")
    )


def current_invalidity(person: Person, on: datetime.date | None = None) -> dict | None:
    on = on or timezone.localdate()
    fact = person.facts.filter(kind=FactKind.DISABILITY).current(on).order_by("-valid_from").first()
    if fact is None:
        return None
    return {**(fact.value or {}), "valid_from": fact.valid_from}
