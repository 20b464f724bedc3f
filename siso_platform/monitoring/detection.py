"""Finding double funding and unmet needs in the database and raising their alerts.

The logic is in `overlaps` and `gaps`; this module fetches their input and writes alerts.
An intervention saved anywhere (a page, the API, a workflow step, an import) is checked for
overlaps once its transaction commits; screenings check whole territories.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.casework.models import Intervention, InterventionStatus, Need, NeedStatus
from siso_platform.id_sets import among
from siso_platform.people.models import Household, HouseholdMembership, Person

from . import alerts, gaps, overlaps
from .models import AlertKind, ComplementaryItems, MonitoringSettings


def complementary_pairs() -> set[frozenset[str]]:
    return {
        frozenset(pair)
        for pair in ComplementaryItems.objects.values_list("first__code", "second__code")
    }


def _spans(interventions) -> list[overlaps.Span]:
    spans = []
    for row in interventions.values(
        "id",
        "person_id",
        "household_id",
        "item__code",
        "item__need_category__code",
        "provider_id",
        "starts_on",
        "ends_on",
    ):
        for kind in ("person", "household"):
            if row[f"{kind}_id"]:
                spans.append(
                    overlaps.Span(
                        id=row["id"],
                        beneficiary=(kind, row[f"{kind}_id"]),
                        category=row["item__need_category__code"],
                        item=row["item__code"],
                        provider=row["provider_id"],
                        starts_on=row["starts_on"],
                        ends_on=row["ends_on"],
                    )
                )
    return spans


def _zones_of(person_ids: Iterable[int], household_ids: Iterable[int]) -> dict:
    zones = {
        ("person", pk): zone
        for pk, zone in Person.objects.filter(pk__in=set(person_ids)).values_list(
            "pk", "residence_municipality__zone_id"
        )
    }
    zones.update(
        (("household", pk), zone)
        for pk, zone in Household.objects.filter(pk__in=set(household_ids)).values_list(
            "pk", "municipality__zone_id"
        )
    )
    return zones


def detect_overlaps(*, person_ids=(), household_ids=()) -> int:
    """Raise a double-funding alert for each overlap of these beneficiaries; returns how many
    alerts are new."""
    found = Intervention.objects.filter(
        among("person_id", person_ids) | among("household_id", household_ids)
    )
    pairs = overlaps.find_overlaps(_spans(found), complementary_pairs())
    if not pairs:
        return 0
    details = {
        i.pk: i
        for i in Intervention.objects.filter(
            pk__in={s.id for pair in pairs for s in pair}
        ).select_related("item", "provider", "case")
    }
    zones = _zones_of(
        [i.person_id for i in details.values() if i.person_id],
        [i.household_id for i in details.values() if i.household_id],
    )
    new = 0
    for a, b in pairs:
        first, second = details[a.id], details[b.id]
        start, end = overlaps.overlap_period(a, b)
        zone = zones.get(a.beneficiary) or (first.case.zone_id if first.case else None)
        if zone is None:
            continue  # nobody's territory: no inbox to put it in
        __, created = alerts.raise_alert(
            kind=AlertKind.OVERLAP,
            key=f"overlap:{a.id}:{b.id}",
            zone_id=zone,
            person_id=first.person_id or second.person_id,
            household_id=first.household_id or second.household_id,
            severity="high",
            title=_(
                "%(first)s (%(first_provider)s) and %(second)s (%(second_provider)s) "
                "fund the same need"
            )
            % {
                "first": first.item.name,
                "first_provider": first.provider.name,
                "second": second.item.name,
                "second_provider": second.provider.name,
            },
            detail={
                "interventions": [a.id, b.id],
                "category": a.category,
                "items": [a.item, b.item],
                "providers": [first.provider.name, second.provider.name],
                "from": start.isoformat(),
                "to": end.isoformat() if end else None,
            },
        )
        new += created
    return new


def check_saved_intervention(sender, instance, **kwargs) -> None:
    person_ids = [instance.person_id] if instance.person_id else []
    household_ids = [instance.household_id] if instance.household_id else []
    transaction.on_commit(
        lambda: detect_overlaps(person_ids=person_ids, household_ids=household_ids)
    )


def detect_gaps(person_ids: Iterable[int], *, today: datetime.date | None = None) -> int:
    """Raise an unmet-need alert for each open need of these persons that waited too long."""
    today = today or timezone.localdate()
    person_ids = list(person_ids)
    threshold = MonitoringSettings.load().gap_days
    needs = list(
        Need.objects.exclude(status=NeedStatus.CLOSED)
        .filter(among("person_id", person_ids), noted_on__lte=today)
        .values(
            "id",
            "person_id",
            "category__code",
            "noted_on",
            "category__name",
            "person__residence_municipality__zone_id",
            "case__zone_id",
            "household_id",
        )
    )
    if not needs:
        return 0
    persons = {n["person_id"] for n in needs}
    household_of = dict(
        HouseholdMembership.objects.current(today)
        .filter(person_id__in=persons)
        .values_list("household_id", "person_id")
    )
    covers = []
    for row in Intervention.objects.filter(
        Q(person_id__in=persons) | Q(household_id__in=list(household_of)),
        status__in=[InterventionStatus.ACTIVE, InterventionStatus.ENDED],
    ).values("person_id", "household_id", "item__need_category__code", "starts_on", "ends_on"):
        for person in {row["person_id"], household_of.get(row["household_id"])} - {None}:
            covers.append(
                gaps.Cover(
                    person, row["item__need_category__code"], row["starts_on"], row["ends_on"]
                )
            )
    open_needs = [
        gaps.OpenNeed(n["id"], n["person_id"], n["category__code"], n["noted_on"]) for n in needs
    ]
    by_id = {n["id"]: n for n in needs}
    new = 0
    for gap in gaps.find_gaps(open_needs, covers, today=today, threshold_days=threshold):
        need = by_id[gap.need.id]
        zone = need["person__residence_municipality__zone_id"] or need["case__zone_id"]
        if zone is None:
            continue
        __, created = alerts.raise_alert(
            kind=AlertKind.GAP,
            key=f"gap:need:{gap.need.id}",
            zone_id=zone,
            person_id=gap.need.person,
            household_id=need["household_id"],
            title=_("%(category)s need without support for %(days)d days")
            % {"category": need["category__name"], "days": gap.days},
            detail={
                "need": gap.need.id,
                "category": gap.need.category,
                "since": gap.since.isoformat(),
                "days": gap.days,
            },
        )
        new += created
    return new
