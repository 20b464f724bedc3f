"""Figures of a territory (the region, one zone or one municipality) for its analysis pages.

Every figure is a database aggregate: counts and sums grouped by a key, never a loop over
persons, and nothing that names a person. A record belongs to a territory by the place the
service is given: an access by its office, a case by its zone (or its office's municipality),
an intervention by its case and otherwise by the beneficiary's residence, an alert by its zone
(or the residence of the person or household it is about).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from siso_platform.accounts.models import OrganisationKind
from siso_platform.casework.models import Access, Area, Case, CaseStatus, Intervention
from siso_platform.territory.models import Municipality, SocialZone

from .models import Alert, AlertKind, RunStatus, ScreeningRun

MONTHS = 12


@dataclass(frozen=True)
class Territory:
    """Where figures are counted: no zone and no municipality means the whole region."""

    zone_id: int | None = None
    municipality_id: int | None = None

    def q(self, *, zone: str, municipality: str) -> Q:
        """The condition on a queryset whose zone and municipality sit at these paths."""
        if self.municipality_id:
            return Q(**{municipality: self.municipality_id})
        if self.zone_id:
            return Q(**{zone: self.zone_id})
        return Q()


@dataclass
class Analysis:
    on: datetime.date
    since: datetime.date
    accesses: int = 0
    open_cases: int = 0
    cases_opened: int = 0
    persons_followed: int = 0
    interventions_running: int = 0
    amount_running: Decimal = Decimal(0)
    by_area: list[dict] = field(default_factory=list)
    by_provider_kind: list[dict] = field(default_factory=list)
    alerts_by_kind: list[dict] = field(default_factory=list)
    open_alerts: int = 0
    coverage: dict | None = None
    trends: list[dict] = field(default_factory=list)
    municipalities: list[dict] = field(default_factory=list)


def months_back(on: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the last `months` months, the month of `on` last."""
    index = on.year * 12 + on.month - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


# Where each kind of record is placed.
def _accesses(territory: Territory):
    return Access.objects.filter(
        territory.q(zone="office__municipality__zone", municipality="office__municipality")
    )


def _cases(territory: Territory):
    return Case.objects.filter(territory.q(zone="zone", municipality="office__municipality"))


def _interventions(territory: Territory):
    return Intervention.objects.placed().filter(
        territory.q(zone="place_zone", municipality="place_municipality")
    )


def _alerts(territory: Territory):
    alerts = Alert.objects.unresolved().annotate(
        place_municipality=Coalesce("person__residence_municipality", "household__municipality")
    )
    return alerts.filter(territory.q(zone="zone", municipality="place_municipality"))


def _grouped(queryset, key: str, **aggregates) -> dict:
    """{key value: {aggregate: value}} in one query."""
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row[key]: row for row in rows}


def _labelled(grouped: dict, choices) -> list[dict]:
    """One row per choice that has figures, in the order of the choices."""
    return [
        {"key": value, "label": label, **grouped[value]}
        for value, label in choices
        if value in grouped
    ]


def running_breakdowns(territory: Territory, on: datetime.date) -> tuple[list, list]:
    """Interventions running on `on` and their amounts, by catalogue area and provider kind."""
    running = _interventions(territory).running_on(on)
    figures = {"count": Count("pk"), "amount": Sum("amount")}
    by_area = _labelled(_grouped(running, "item__area", **figures), Area.choices)
    by_kind = _labelled(_grouped(running, "provider__kind", **figures), OrganisationKind.choices)
    for row in by_area + by_kind:
        row["amount"] = row["amount"] or Decimal(0)
    return by_area, by_kind


def latest_run(territory: Territory) -> ScreeningRun | None:
    """The latest finished screening of exactly this territory."""
    runs = ScreeningRun.objects.filter(status=RunStatus.DONE)
    if territory.municipality_id:  # a municipality's run may also name its zone
        runs = runs.filter(municipality_id=territory.municipality_id)
    else:
        runs = runs.filter(zone_id=territory.zone_id, municipality_id=None)
    return runs.order_by(
        F("finished_at").desc(nulls_last=True), "-on", "-created_at", "-pk"
    ).first()


def coverage_row(title: str, tally: dict) -> dict:
    """Eligible households, those of them receiving the benefit, and the share."""
    eligible, covered = tally.get("eligible", 0), tally.get("covered", 0)
    percent = round(100 * covered / eligible, 1) if eligible else None
    return {"title": title, "eligible": eligible, "covered": covered, "percent": percent}


def coverage(territory: Territory) -> dict | None:
    run = latest_run(territory)
    if run is None:
        return None
    rows = [
        coverage_row(version.title, run.counts.get(f"programme:{version.pk}", {}))
        for version in run.programmes.order_by("pk")
    ]
    return {"run": run, "rows": rows}


def trends(territory: Territory, on: datetime.date) -> list[dict]:
    """Per month: accesses, cases opened and interventions started."""
    months = months_back(on)
    start = months[0]

    def per_month(queryset, date_field):
        window = {f"{date_field}__gte": start, f"{date_field}__lte": on}
        rows = (
            queryset.filter(**window)
            .annotate(month=TruncMonth(date_field))
            .order_by()
            .values("month")
            .annotate(count=Count("pk"))
        )
        return {_as_date(row["month"]): row["count"] for row in rows}

    accesses = per_month(_accesses(territory), "date")
    cases = per_month(_cases(territory), "opened_on")
    started = per_month(_interventions(territory), "starts_on")
    return [
        {
            "month": month,
            "accesses": accesses.get(month, 0),
            "cases": cases.get(month, 0),
            "interventions": started.get(month, 0),
        }
        for month in months
    ]


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def municipalities_of_zone(zone_id: int, on: datetime.date) -> list[dict]:
    """Accesses and cases of each municipality of a zone, by office municipality."""
    since = months_back(on)[0]
    key = "office__municipality"
    in_zone = Q(office__municipality__zone=zone_id)
    accesses = _grouped(
        Access.objects.filter(in_zone, date__gte=since, date__lte=on), key, count=Count("pk")
    )
    cases = _grouped(
        Case.objects.filter(in_zone),
        key,
        open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
        opened=Count("pk", filter=Q(opened_on__gte=since, opened_on__lte=on)),
    )
    rows = []
    for municipality in Municipality.objects.filter(zone=zone_id).order_by("name"):
        case_row = cases.get(municipality.pk, {})
        rows.append(
            {
                "pk": municipality.pk,
                "name": municipality.name,
                "accesses": accesses.get(municipality.pk, {}).get("count", 0),
                "open_cases": case_row.get("open", 0),
                "cases_opened": case_row.get("opened", 0),
            }
        )
    return rows


def analyse(territory: Territory, on: datetime.date | None = None) -> Analysis:
    on = on or timezone.localdate()
    since = months_back(on)[0]
    result = Analysis(on=on, since=since)
    result.accesses = _accesses(territory).filter(date__gte=since, date__lte=on).count()
    cases = _cases(territory).aggregate(
        open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
        opened=Count("pk", filter=Q(opened_on__gte=since, opened_on__lte=on)),
        persons=Count("person", distinct=True, filter=Q(status=CaseStatus.OPEN)),
    )
    result.open_cases, result.cases_opened = cases["open"], cases["opened"]
    result.persons_followed = cases["persons"]
    result.by_area, result.by_provider_kind = running_breakdowns(territory, on)
    result.interventions_running = sum(row["count"] for row in result.by_area)
    result.amount_running = sum((row["amount"] for row in result.by_area), Decimal(0))
    alerts = _grouped(_alerts(territory), "kind", count=Count("pk"))
    result.alerts_by_kind = _labelled(alerts, AlertKind.choices)
    result.open_alerts = sum(row["count"] for row in result.alerts_by_kind)
    result.coverage = coverage(territory)
    result.trends = trends(territory, on)
    if territory.zone_id and not territory.municipality_id:
        result.municipalities = municipalities_of_zone(territory.zone_id, on)
    return result


def zones_side_by_side(on: datetime.date | None = None) -> list[dict]:
    """The headline figures of every zone of the region: one query per figure."""
    on = on or timezone.localdate()
    since = months_back(on)[0]
    accesses = _grouped(
        Access.objects.filter(date__gte=since, date__lte=on),
        "office__municipality__zone",
        count=Count("pk"),
    )
    cases = _grouped(
        Case.objects.all(),
        "zone",
        open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
        opened=Count("pk", filter=Q(opened_on__gte=since, opened_on__lte=on)),
        persons=Count("person", distinct=True, filter=Q(status=CaseStatus.OPEN)),
    )
    running = _grouped(
        Intervention.objects.placed().running_on(on),
        "place_zone",
        count=Count("pk"),
        amount=Sum("amount"),
    )
    alerts = _grouped(Alert.objects.unresolved(), "zone", count=Count("pk"))
    rows = []
    for zone in SocialZone.objects.order_by("number"):
        case_row, running_row = cases.get(zone.pk, {}), running.get(zone.pk, {})
        rows.append(
            {
                "number": zone.number,
                "name": zone.name,
                "accesses": accesses.get(zone.pk, {}).get("count", 0),
                "open_cases": case_row.get("open", 0),
                "cases_opened": case_row.get("opened", 0),
                "persons_followed": case_row.get("persons", 0),
                "interventions_running": running_row.get("count", 0),
                "amount_running": running_row.get("amount") or Decimal(0),
                "open_alerts": alerts.get(zone.pk, {}).get("count", 0),
            }
        )
    return rows
