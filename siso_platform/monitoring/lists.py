"""The alert inbox and a screening's lists as lists that can be worked: filters, sorting,
groups of same-kind alerts about one household, and the columns of their downloads.

The querysets come in already scoped (`alerts.visible`, the user's screenings): filters only
narrow them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import django_filters
from django.db.models import Case, Count, IntegerField, Max, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from siso_platform.exports import Column
from siso_platform.territory.models import Municipality

from . import explaining
from .models import Alert, AlertKind, AlertStatus, ResultList, ScreeningResult, Severity

UNRESOLVED = "unresolved"
ALL = "all"
STATUSES = [(UNRESOLVED, _("not resolved")), *AlertStatus.choices, (ALL, _("all"))]
ASSIGNED = [("me", _("to me")), ("nobody", _("to nobody"))]
GROUPED, FLAT = "groups", "alerts"
VIEWS = [(GROUPED, _("grouped by household")), (FLAT, _("one row per alert"))]
SORTS = [
    ("newest", _("newest first")),
    ("oldest", _("oldest first")),
    ("severity", _("most severe first")),
    ("count", _("most alerts first")),
]
DEFAULTS = {"status": UNRESOLVED, "sort": "newest", "view": GROUPED}

SEVERITY_RANK = Case(
    When(severity=Severity.HIGH, then=Value(3)),
    When(severity=Severity.MEDIUM, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)
RANK_SEVERITY = {3: Severity.HIGH, 2: Severity.MEDIUM, 1: Severity.LOW}


def with_defaults(query) -> dict:
    data = query.copy()
    for key, value in DEFAULTS.items():
        if not data.get(key):
            data[key] = value
    if data.get("mine") and not data.get("assigned"):  # the inbox's older links
        data["assigned"] = "me"
    return data


class AlertFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=AlertKind.choices, empty_label=_("all")
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Severity.choices, empty_label=_("all")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        method="in_municipality",
        empty_label=_("all"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUSES, method="with_status", empty_label=None
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"), choices=ASSIGNED, method="assigned_to", empty_label=_("anyone")
    )
    view = django_filters.ChoiceFilter(
        label=_("Show"), choices=VIEWS, method="unchanged", empty_label=None
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"), choices=SORTS, method="unchanged", empty_label=None
    )

    class Meta:
        model = Alert
        fields = []

    def __init__(self, data, queryset, *, user, municipalities):
        super().__init__(with_defaults(data), queryset=queryset)
        self.user = user
        self.filters["municipality"].queryset = municipalities

    def in_municipality(self, queryset, name, value):
        return queryset.filter(
            Q(household__municipality=value)
            | Q(household__isnull=True, person__residence_municipality=value)
        )

    def with_status(self, queryset, name, value):
        if value == UNRESOLVED:
            return queryset.unresolved()
        if value in AlertStatus.values:
            return queryset.filter(status=value)
        return queryset

    def assigned_to(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assigned_to=self.user)
        return queryset.filter(assigned_to__isnull=True)

    def unchanged(self, queryset, name, value):  # applied by the view after filtering
        return queryset

    def choice(self, name: str) -> str:
        form = self.form
        value = form.cleaned_data.get(name) if form.is_valid() else None
        return value or DEFAULTS[name]


def sorted_alerts(queryset, sort: str):
    ordering = {
        "oldest": ["created_at", "pk"],
        "severity": ["-rank", "-created_at", "-pk"],
    }.get(sort, ["-created_at", "-pk"])
    return queryset.annotate(rank=SEVERITY_RANK).order_by(*ordering)


# --- groups: same kind, same household (or same person when there is no household) -----------


def _keyed(queryset):
    return queryset.annotate(
        group_household=Coalesce("household_id", Value(0)),
        group_person=Case(
            When(household__isnull=True, then=Coalesce("person_id", Value(0))),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def group_rows(queryset, sort: str):
    """One row per group (kind, household, person), with how many alerts, the highest
    severity and the newest: a queryset of dicts, to be paginated."""
    ordering = {
        "oldest": ["latest", "kind", "group_household", "group_person"],
        "severity": ["-top", "-latest", "kind", "group_household", "group_person"],
        "count": ["-count", "-latest", "kind", "group_household", "group_person"],
    }.get(sort, ["-latest", "kind", "group_household", "group_person"])
    return (
        _keyed(queryset)
        .values("kind", "group_household", "group_person")
        .annotate(count=Count("pk"), top=Max(SEVERITY_RANK), latest=Max("created_at"))
        .order_by(*ordering)
    )


@dataclass
class Group:
    kind: str
    count: int
    severity: str
    latest: object
    alerts: list = field(default_factory=list)

    @property
    def kind_label(self):
        return AlertKind(self.kind).label

    @property
    def severity_label(self):
        return Severity(self.severity).label

    @property
    def first(self) -> Alert:
        return self.alerts[0]


def groups_of(queryset, rows) -> list[Group]:
    """The groups of a page of `group_rows`, each with its alerts (newest first)."""
    rows = list(rows)
    households = {row["group_household"] for row in rows if row["group_household"]}
    persons = {row["group_person"] for row in rows if row["group_person"]}
    members = (
        _keyed(queryset)
        .filter(
            Q(household_id__in=households) | Q(household__isnull=True, person_id__in=persons),
            kind__in={row["kind"] for row in rows},
        )
        .select_related("person", "household__municipality", "assigned_to")
        .order_by("-created_at", "-pk")
    )
    found = defaultdict(list)
    for alert in members:
        found[(alert.kind, alert.group_household, alert.group_person)].append(alert)
    return [
        Group(
            kind=row["kind"],
            count=row["count"],
            severity=RANK_SEVERITY[row["top"]],
            latest=row["latest"],
            alerts=found[(row["kind"], row["group_household"], row["group_person"])],
        )
        for row in rows
        if found[(row["kind"], row["group_household"], row["group_person"])]
    ]


# --- downloads --------------------------------------------------------------------------------


def _person_name(person) -> str:
    return f"{person.last_name} {person.first_name}" if person else ""


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


ALERT_COLUMNS = [
    Column(_("Raised"), lambda a: a.created_at),
    Column(_("Kind"), lambda a: a.get_kind_display()),
    Column(_("Severity"), lambda a: a.get_severity_display()),
    Column(_("Alert"), lambda a: a.title),
    Column(_("Household"), lambda a: a.household.code if a.household else ""),
    Column(
        _("Municipality"),
        lambda a: a.household.municipality.name if a.household else "",
    ),
    Column(_("Person"), lambda a: _person_name(a.person)),
    Column(_("Status"), lambda a: a.get_status_display()),
    Column(_("Assigned to"), lambda a: _user_name(a.assigned_to)),
]


# --- a screening's lists ------------------------------------------------------------------------

RESULT_SORTS = [
    ("household", _("household")),
    ("municipality", _("municipality")),
    ("rule", _("programme or indicator")),
]


class ResultFilter(django_filters.FilterSet):
    list = django_filters.ChoiceFilter(
        label=_("List"), field_name="on_list", choices=ResultList.choices, empty_label=None
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        field_name="household__municipality",
        queryset=Municipality.objects.none(),
        empty_label=_("all"),
    )
    rule = django_filters.ChoiceFilter(
        label=_("Programme or indicator"), method="by_rule", empty_label=_("all")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"), choices=RESULT_SORTS, method="sorted_by", empty_label=None
    )

    class Meta:
        model = ScreeningResult
        fields = []

    def __init__(self, data, queryset, *, run, municipalities):
        data = data.copy()
        for key, value in (("list", ResultList.LATENT), ("sort", "household")):
            if not data.get(key):
                data[key] = value
        super().__init__(data, queryset=queryset)
        self.filters["municipality"].queryset = municipalities
        self.filters["rule"].extra["choices"] = [
            *((f"p{v.pk}", str(v)) for v in run.programmes.select_related("definition")),
            *((f"i{v.pk}", str(v)) for v in run.indicators.select_related("definition")),
        ]

    def by_rule(self, queryset, name, value):
        if value.startswith("p"):
            return queryset.filter(programme_id=value[1:])
        return queryset.filter(indicator_id=value[1:])

    def sorted_by(self, queryset, name, value):
        ordering = {
            "municipality": ["household__municipality__name", "household__code", "pk"],
            "rule": ["programme_id", "indicator_id", "household__code", "pk"],
        }.get(value, ["household__code", "pk"])
        return queryset.order_by(*ordering)


def result_columns(heads: dict) -> list[Column]:
    """Columns of a screening list for the zone's staff; `heads` maps a household to the
    person heading it (only persons the user may read)."""
    return [
        Column(_("Household"), lambda r: r.household.code),
        Column(_("Municipality"), lambda r: r.household.municipality.name),
        Column(_("Head of household"), lambda r: _person_name(heads.get(r.household_id))),
        Column(_("List"), lambda r: r.get_on_list_display()),
        Column(_("Programme or indicator"), lambda r: str(r.programme or r.indicator)),
        Column(_("Missing facts"), lambda r: ", ".join(explaining.fact_labels(r.missing))),
    ]


COUNT_COLUMNS = [
    Column(_("Municipality"), lambda row: row["household__municipality__name"]),
    Column(_("Households"), lambda row: row["households"]),
]


def counts_by_municipality(results):
    """The region's view of a list: how many households per municipality, no household."""
    return (
        results.order_by()
        .values("household__municipality__name")
        .annotate(households=Count("household", distinct=True))
        .order_by("household__municipality__name")
    )
