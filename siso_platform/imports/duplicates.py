"""Suspected duplicates found by the imports, and a data steward's decision on each."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.audit import log as audit
from siso_platform.people import merging
from siso_platform.people.models import Person

from .models import DuplicateSuspicion, SuspicionReason, SuspicionStatus


def reason(person: Person, other: Person) -> str | None:
    """Why two records with the same names and birth date may be one person, if they may."""
    if person.provisional_tax_code != other.provisional_tax_code:
        return SuspicionReason.PROVISIONAL_CODE
    if person.birth_place_code and person.birth_place_code == other.birth_place_code:
        return SuspicionReason.SAME_IDENTITY
    return None  # homonyms born elsewhere


def flag(persons: list[Person], *, run_id: int | None = None) -> list[DuplicateSuspicion]:
    """Open a suspicion for each of `persons` and every older record that looks the same."""
    found = []
    for person in persons:
        twins = Person.objects.filter(
            last_name=person.last_name, first_name=person.first_name, birth_date=person.birth_date
        ).exclude(pk=person.pk)
        for other in twins:
            why = reason(person, other)
            if why:
                found.append(
                    DuplicateSuspicion(person=person, other=other, reason=why, run_id=run_id)
                )
    return DuplicateSuspicion.objects.bulk_create(found, ignore_conflicts=True)


class DecisionRefused(ValueError):
    pass


def _decide(suspicion: DuplicateSuspicion, status: str, user, note: str) -> None:
    suspicion.status = status
    suspicion.decided_by = user
    suspicion.decided_at = timezone.now()
    suspicion.note = note


@transaction.atomic
def merge(suspicion: DuplicateSuspicion, *, keep: Person, user, note: str = "") -> Person:
    """Merge the two records into `keep` (one of the two), keeping both histories."""
    suspicion = DuplicateSuspicion.objects.select_for_update().get(pk=suspicion.pk)
    if suspicion.status != SuspicionStatus.OPEN:
        raise DecisionRefused(_("This suspicion has already been decided."))
    pair = {suspicion.person_id, suspicion.other_id}
    if keep.pk not in pair or None in pair:
        raise DecisionRefused(_("Keep one of the two records."))
    absorb = suspicion.other if keep.pk == suspicion.person_id else suspicion.person
    record = merging.merge(keep, absorb, on=timezone.localdate())
    suspicion.refresh_from_db()
    _decide(suspicion, SuspicionStatus.MERGED, user, note)
    suspicion.person, suspicion.other, suspicion.merged_record = keep, None, record
    suspicion.save()
    audit.record(
        "update",
        actor=user,
        obj=keep,
        person=keep,
        purpose=_("duplicate review"),
        detail={"merged_with": record["tax_code"]},
    )
    return keep


@transaction.atomic
def dismiss(suspicion: DuplicateSuspicion, *, user, note: str = "") -> None:
    suspicion = DuplicateSuspicion.objects.select_for_update().get(pk=suspicion.pk)
    if suspicion.status != SuspicionStatus.OPEN:
        raise DecisionRefused(_("This suspicion has already been decided."))
    _decide(suspicion, SuspicionStatus.DISMISSED, user, note)
    suspicion.save()
