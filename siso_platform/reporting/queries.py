"""The rows behind the regional reports, restricted to the caller's territory.

Who may report on what:

- regional administrators and auditors of the region (and superusers): the whole region;
- zone administrators (and auditors of a zone): their zones;
- nobody else, whatever their permissions.

The flat export of interventions (personal data) follows the same territories but only for
regional and zone administrators: auditors read aggregates only.

Where a record counts (the same places as the territory analysis pages): an access where its
office is, a case in its zone and its office's municipality, an intervention where its case
is followed and, without a case, where its beneficiary (the person, else the household)
lives. Rows are fetched with `.values_list()` and only the columns a table needs; the person
key serves only to count distinct persons and the birth date only to find the age band.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siso_platform.accounts.models import OrganisationKind, Role
from siso_platform.accounts.scoping import grants_of
from siso_platform.casework.models import Access, Area, Case, Intervention, InterventionStatus
from siso_platform.id_sets import among
from siso_platform.people.models import HouseholdMembership, Person, Relation
from siso_platform.territory.models import Municipality, SocialZone

from . import aggregates
from .aggregates import AGE_BAND, AREA, MONTH, MUNICIPALITY, PROVIDER_KIND, ZONE, Row, Table

VIEW_PERMISSION = "reporting.view_aggregates"
EXPORT_PERMISSION = "reporting.export_interventions"


def threshold() -> int:
    """The fewest distinct persons a cell may count and still be shown (setting
    `REPORTING_MIN_PERSONS`, 5 by default)."""
    return int(getattr(settings, "REPORTING_MIN_PERSONS", aggregates.DEFAULT_THRESHOLD))


# --- measures and dimensions ---------------------------------------------------------------

ACCESSES, CASES, INTERVENTIONS, AMOUNTS, PERSONS = (
    "accesses",
    "cases",
    "interventions",
    "amounts",
    "persons",
)


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    source: str  # accesses, cases or interventions
    figure: str  # records, persons or amount of a cell
    help: str


MEASURES = {
    m.name: m
    for m in (
        Measure(
            ACCESSES,
            gettext_lazy("Accesses"),
            ACCESSES,
            "records",
            gettext_lazy("Accesses to the citizen offices, by their date."),
        ),
        Measure(
            CASES,
            gettext_lazy("Cases opened"),
            CASES,
            "records",
            gettext_lazy("Cases opened (persons taken in charge), by their opening date."),
        ),
        Measure(
            INTERVENTIONS,
            gettext_lazy("Interventions"),
            INTERVENTIONS,
            "records",
            gettext_lazy("Interventions started, by their first day (planned ones excluded)."),
        ),
        Measure(
            AMOUNTS,
            gettext_lazy("Amounts (euro)"),
            INTERVENTIONS,
            "amount",
            gettext_lazy("The amounts in euro of the interventions started."),
        ),
        Measure(
            PERSONS,
            gettext_lazy("Persons"),
            INTERVENTIONS,
            "persons",
            gettext_lazy("Distinct beneficiaries of the interventions started."),
        ),
    )
}

DIMENSION_LABELS = {
    ZONE: gettext_lazy("Social zone"),
    MUNICIPALITY: gettext_lazy("Municipality"),
    AREA: gettext_lazy("Area of users"),
    PROVIDER_KIND: gettext_lazy("Provider kind"),
    MONTH: gettext_lazy("Month"),
    AGE_BAND: gettext_lazy("Age band"),
}
# Only interventions have an area and a provider.
INTERVENTION_DIMENSIONS = frozenset({AREA, PROVIDER_KIND})


def dimension_problems(measure: str, by: Sequence[str]) -> list[str]:
    problems = []
    if measure not in MEASURES:
        problems.append(_("“%s” is not a measure.") % measure)
        return problems
    for dimension in by:
        if dimension not in aggregates.DIMENSIONS:
            problems.append(_("“%s” is not a dimension.") % dimension)
        elif dimension in INTERVENTION_DIMENSIONS and MEASURES[measure].source != INTERVENTIONS:
            problems.append(
                _("%(measure)s cannot be broken down by %(dimension)s.")
                % {"measure": MEASURES[measure].label, "dimension": DIMENSION_LABELS[dimension]}
            )
    if len(set(by)) != len(by):
        problems.append(_("A dimension is repeated."))
    return problems


# --- territory -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Territory:
    region: bool = False
    zone_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.region or self.zone_ids)

    def zones(self):
        zones = SocialZone.objects.order_by("number")
        return zones if self.region else zones.filter(pk__in=self.zone_ids)

    def municipalities(self):
        municipalities = Municipality.objects.order_by("name")
        return municipalities if self.region else municipalities.filter(zone__in=self.zone_ids)

    def covers_zone(self, zone_id: int | None) -> bool:
        return self.region or zone_id in self.zone_ids


def territory_for(user, *, export: bool = False) -> Territory:
    """Where `user` may report (see the module's docstring); `export`: for the flat export."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Territory()
    if user.is_superuser:
        return Territory(region=True)
    region_roles = {Role.REGIONAL_ADMIN} if export else {Role.REGIONAL_ADMIN, Role.AUDITOR}
    zone_roles = {Role.ZONE_ADMIN} if export else {Role.ZONE_ADMIN, Role.AUDITOR}
    zones = set()
    for grant in grants_of(user):
        if grant.role in region_roles and grant.organisation_kind == OrganisationKind.REGION:
            return Territory(region=True)
        if (
            grant.role in zone_roles
            and grant.organisation_kind == OrganisationKind.SOCIAL_ZONE
            and grant.zone_id
        ):
            zones.add(grant.zone_id)
    return Territory(zone_ids=frozenset(zones))


def aggregates_territory(user) -> Territory:
    """The user's territory for aggregates; PermissionDenied if they may not see any."""
    territory = territory_for(user)
    if not user.has_perm(VIEW_PERMISSION) or territory.empty:
        raise PermissionDenied(_("You may not see regional reports."))
    return territory


def export_territory(user) -> Territory:
    """The user's territory for the flat export; PermissionDenied if they may not run it."""
    territory = territory_for(user, export=True)
    if not user.has_perm(EXPORT_PERMISSION) or territory.empty:
        raise PermissionDenied(_("You may not export interventions."))
    return territory


# --- filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None  # included
    zone: SocialZone | None = None
    municipality: Municipality | None = None

    def problems(self, territory: Territory) -> dict[str, str]:
        """What is wrong with these filters for `territory`, by field."""
        found = {}
        if self.date_from and self.date_to and self.date_to < self.date_from:
            found["to"] = _("The end of the period is before its start.")
        if self.zone is not None and not territory.covers_zone(self.zone.pk):
            found["zone"] = _("This zone is outside your territory.")
        if self.municipality is not None:
            if not territory.covers_zone(self.municipality.zone_id):
                found["municipality"] = _("This municipality is outside your territory.")
            elif self.zone is not None and self.municipality.zone_id != self.zone.pk:
                found["municipality"] = _("This municipality is not in the chosen zone.")
        return found

    def described(self) -> dict:
        """The filters as plain data, for the audit log and file names."""
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "zone": self.zone.number if self.zone else None,
            "municipality": self.municipality.istat_code if self.municipality else None,
        }


def _restricted(queryset, territory: Territory, filters: Filters, *, zone: str, municipality: str):
    if not territory.region:
        queryset = queryset.filter(**{f"{zone}__in": territory.zone_ids})
    if filters.zone is not None:
        queryset = queryset.filter(**{zone: filters.zone.pk})
    if filters.municipality is not None:
        queryset = queryset.filter(**{municipality: filters.municipality.pk})
    return queryset


def _in_period(queryset, filters: Filters, date_field: str):
    if filters.date_from:
        queryset = queryset.filter(**{f"{date_field}__gte": filters.date_from})
    if filters.date_to:
        queryset = queryset.filter(**{f"{date_field}__lte": filters.date_to})
    return queryset


def reported_interventions():
    """The interventions reports count: every one but those still planned."""
    return Intervention.objects.placed().exclude(status=InterventionStatus.PLANNED)


# --- rows for the aggregates ---------------------------------------------------------------


class _Codes:
    """Zone numbers and municipality ISTAT codes by primary key (one query each, cached)."""

    def __init__(self):
        self._zones = None
        self._municipalities = None

    def zone(self, pk):
        if self._zones is None:
            self._zones = dict(SocialZone.objects.values_list("pk", "number"))
        return self._zones.get(pk)

    def municipality(self, pk):
        if self._municipalities is None:
            self._municipalities = dict(Municipality.objects.values_list("pk", "istat_code"))
        return self._municipalities.get(pk)


def _source_columns(source: str) -> dict[str, str]:
    """The row's parts and where each source keeps them."""
    if source == ACCESSES:
        return {
            "person": "person_id",
            "date": "date",
            "birth_date": "person__birth_date",
            ZONE: "office__municipality__zone",
            MUNICIPALITY: "office__municipality",
        }
    if source == CASES:
        return {
            "person": "person_id",
            "date": "opened_on",
            "birth_date": "person__birth_date",
            ZONE: "zone",
            MUNICIPALITY: "office__municipality",
        }
    return {
        "person": "beneficiary",
        "household": "household_id",
        "date": "starts_on",
        "birth_date": "beneficiary_birth_date",
        ZONE: "place_zone",
        MUNICIPALITY: "place_municipality",
        AREA: "item__area",
        PROVIDER_KIND: "provider__kind",
        "amount": "amount",
    }


def _source_queryset(source: str, territory: Territory, filters: Filters):
    columns = _source_columns(source)
    if source == ACCESSES:
        queryset = Access.objects.all()
    elif source == CASES:
        queryset = Case.objects.all()
    else:
        queryset = reported_interventions().annotate(
            beneficiary=Coalesce("person", "case__person", output_field=BigIntegerField()),
            beneficiary_birth_date=Coalesce("person__birth_date", "case__person__birth_date"),
        )
    queryset = _restricted(
        queryset, territory, filters, zone=columns[ZONE], municipality=columns[MUNICIPALITY]
    )
    return _in_period(queryset, filters, columns["date"]).order_by()


def rows(measure: str, by: Sequence[str], territory: Territory, filters: Filters) -> Iterator[Row]:
    """The minimal rows of the measure's source for a table broken down by `by`."""
    source = MEASURES[measure].source
    columns = _source_columns(source)
    wanted = ["person", "date"]
    if source == INTERVENTIONS:
        wanted.append("household")
        if measure == AMOUNTS:
            wanted.append("amount")
    if AGE_BAND in by:
        wanted.append("birth_date")
    wanted += [d for d in by if d in columns]
    queryset = _source_queryset(source, territory, filters)
    codes = _Codes()
    for values in queryset.values_list(*[columns[w] for w in wanted]).iterator(chunk_size=5000):
        found = dict(zip(wanted, values, strict=True))
        person = found["person"]
        # A benefit to a household alone counts the household as one beneficiary.
        key = ("person", person) if person is not None else ("household", found.get("household"))
        yield Row(
            person=key if key[1] is not None else None,
            date=found["date"],
            birth_date=found.get("birth_date"),
            zone=codes.zone(found[ZONE]) if ZONE in found else None,
            municipality=codes.municipality(found[MUNICIPALITY]) if MUNICIPALITY in found else None,
            area=found.get(AREA),
            provider_kind=found.get(PROVIDER_KIND),
            amount=found.get("amount"),
        )


# --- the report ----------------------------------------------------------------------------


UNKNOWN = gettext_lazy("not known")


def _labels(by: Iterable[str]) -> dict[str, dict]:
    labels: dict[str, dict] = {}
    for dimension in by:
        if dimension == ZONE:
            labels[ZONE] = dict(SocialZone.objects.values_list("number", "name"))
        elif dimension == MUNICIPALITY:
            labels[MUNICIPALITY] = dict(Municipality.objects.values_list("istat_code", "name"))
        elif dimension == AREA:
            labels[AREA] = dict(Area.choices)
        elif dimension == PROVIDER_KIND:
            labels[PROVIDER_KIND] = dict(OrganisationKind.choices)
    return labels


@dataclass
class Report:
    measure: Measure
    table: Table
    labels: dict[str, dict]
    filters: Filters

    @property
    def by(self) -> tuple[str, ...]:
        return self.table.by

    @property
    def threshold(self) -> int:
        return self.table.threshold

    def label(self, dimension: str, code) -> str:
        if code is None:
            return str(UNKNOWN)
        return str(self.labels.get(dimension, {}).get(code, code))

    def value(self, cell):
        return getattr(cell, self.measure.figure)

    def cells(self) -> list[dict]:
        """Each cell as plain data: per dimension its code and `<dimension>_label`, then the
        measure's `value` (None when suppressed) and `suppressed`."""
        found = []
        for cell in self.table.cells:
            data = {}
            for dimension, code in zip(self.by, cell.key, strict=True):
                data[dimension] = code
                data[f"{dimension}_label"] = self.label(dimension, code)
            data["value"] = self.value(cell)
            data["suppressed"] = cell.suppressed
            found.append(data)
        return found


def report(user, *, measure: str, by: Sequence[str], filters: Filters) -> Report:
    """The table of `measure` broken down by `by` over the user's territory.

    Raises PermissionDenied for a user who may not see reports, ValueError for a measure,
    dimensions or filters that do not make sense (the message names the problem).
    """
    territory = aggregates_territory(user)
    problems = dimension_problems(measure, by) + list(filters.problems(territory).values())
    if problems:
        raise ValueError(" ".join(problems))
    order = {
        AREA: Area.values,
        PROVIDER_KIND: OrganisationKind.values,
    }
    table = aggregates.aggregate(
        rows(measure, by, territory, filters), by, threshold=threshold(), order=order
    )
    return Report(measure=MEASURES[measure], table=table, labels=_labels(by), filters=filters)


# --- the flat export of interventions ------------------------------------------------------


def _head_of_household():
    """The head of the intervention's household on its first day."""
    day = OuterRef("starts_on")
    return Subquery(
        HouseholdMembership.objects.filter(
            household=OuterRef("household"), relation=Relation.HEAD, valid_from__lte=day
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("-valid_from")
        .values("person")[:1]
    )


FLAT_QUERY_COLUMNS = (
    "pk",
    "beneficiary",
    "item__code",
    "item__name",
    "item__kind",
    "item__area",
    "item__unit",
    "status",
    "starts_on",
    "ends_on",
    "amount",
    "quantity",
    "provider__name",
    "provider__tax_code",
    "provider__kind",
    "place_zone",
    "person_id",
    "household_id",
)


def flat_interventions(territory: Territory, filters: Filters, *, chunk: int = 2000):
    """The interventions of the flat export, as dicts of `FLAT_QUERY_COLUMNS` plus the
    beneficiary's `tax_code`, `sex`, `birth_year` and `residence` (ISTAT code).

    The interventions in effect on at least one day of the period (planned ones excluded),
    oldest first; the beneficiary is the person, else the case's person, else the head of
    the household on the intervention's first day.
    """
    queryset = reported_interventions().annotate(
        beneficiary=Coalesce(
            "person", "case__person", _head_of_household(), output_field=BigIntegerField()
        )
    )
    queryset = _restricted(
        queryset, territory, filters, zone="place_zone", municipality="place_municipality"
    )
    if filters.date_to:
        queryset = queryset.filter(starts_on__lte=filters.date_to)
    if filters.date_from:
        queryset = queryset.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=filters.date_from))
    queryset = queryset.order_by("starts_on", "pk").values(*FLAT_QUERY_COLUMNS)
    zones = _Codes()
    batch: list[dict] = []

    def flush():
        ids = {row["beneficiary"] for row in batch if row["beneficiary"] is not None}
        persons = {
            pk: (tax_code, sex, birth_date, residence)
            for pk, tax_code, sex, birth_date, residence in Person.objects.filter(
                among("pk", ids)
            ).values_list(
                "pk", "tax_code", "sex", "birth_date", "residence_municipality__istat_code"
            )
        }
        for row in batch:
            tax_code, sex, birth_date, residence = persons.get(row["beneficiary"]) or (
                "",
                "",
                None,
                "",
            )
            row.update(
                tax_code=tax_code,
                sex=sex,
                birth_year=birth_date.year if birth_date else None,
                residence=residence or "",
                zone=zones.zone(row["place_zone"]),
            )
            yield row

    for row in queryset.iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) >= chunk:
            yield from flush()
            batch = []
    if batch:
        yield from flush()
