"""The zone's SIUSS desk: who sees which flows, their counts, retrying one, and the bulk XML
file of INPS's web upload channel.

- A zone administrator or a social worker (the zone staff who read the zone's territory
  analysis) works the flows of their zones: by name (for the persons they may read), with
  the reason and the record to fix, and tries a blocked or rejected flow again.
- Only a zone administrator downloads the bulk file: it carries the tax codes and names of
  every beneficiary of an ente, as the zone's identified flat export does (docs/reporting.md).
- The region (a regional administrator, a superuser) reads counts only: never a flow, a name
  or a reason.
- Anybody else is refused; a flow out of the user's zones is a 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Case as Choose
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from lxml import etree

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership, Role

from . import actions, rules, xml
from .models import ID_TYPE, Flow, FlowKind, FlowState

# The order in which the desk lists flows: what needs work first.
STATE_ORDER = [
    FlowState.BLOCKED,
    FlowState.REJECTED,
    FlowState.READY,
    FlowState.SENT,
    FlowState.ACCEPTED,
]
MONTHS_SHOWN = 24


@dataclass(frozen=True)
class Desk:
    """What one user may do on the desk."""

    zone_ids: frozenset[int] = field(default_factory=frozenset)  # the zones whose flows
    region: bool = False  # the region: counts of every zone, nothing else
    bulk_zone_ids: frozenset[int] = field(default_factory=frozenset)  # a zone admin's zones

    @property
    def names(self) -> bool:
        """Whether the user reads flows one by one (zone staff), not only counts."""
        return bool(self.zone_ids)

    @property
    def may_download(self) -> bool:
        return bool(self.bulk_zone_ids)


def _zones_of(grants, roles) -> frozenset[int]:
    kept = [grant for grant in grants if grant.role in roles]
    return scoping.scope_from_grants(kept).zone_ids


def desk_for(user) -> Desk | None:
    """The user's desk, or None when the desk is not theirs (refused)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    grants = scoping.grants_of(user)
    zones = _zones_of(grants, (Role.ZONE_ADMIN, Role.SOCIAL_WORKER))
    if zones:
        return Desk(zone_ids=zones, bulk_zone_ids=_zones_of(grants, (Role.ZONE_ADMIN,)))
    region = (
        user.is_superuser
        or Membership.objects.active().filter(user=user, role=Role.REGIONAL_ADMIN).exists()
    )
    return Desk(region=True) if region else None


def flows(desk: Desk) -> QuerySet:
    """The flows the desk covers: the user's zones' (the region: all, for counting)."""
    found = Flow.objects.all()
    return found if desk.region else found.filter(zone__in=desk.zone_ids)


def filtered(
    queryset: QuerySet, *, zone=None, municipality=None, item=None, kind="", state=""
) -> QuerySet:
    """The flows of one zone, one municipality (whichever ente sends them), one catalogue item
    (a benefit's, or for a SINBA flow one of its case's benefits), one kind, one state."""
    if zone is not None:
        queryset = queryset.filter(zone=zone)
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    if item is not None:
        queryset = queryset.filter(
            Q(intervention__item=item) | Q(kind=FlowKind.SINBA, case__interventions__item=item)
        ).distinct()
    if kind:
        queryset = queryset.filter(kind=kind)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def counts_by_state(queryset: QuerySet) -> list[dict]:
    """Each state with its label and how many flows are in it, in the desk's order."""
    found = dict(queryset.order_by().values_list("state").annotate(n=Count("pk", distinct=True)))
    return [
        {"state": state.value, "label": state.label, "count": found.get(state.value, 0)}
        for state in STATE_ORDER
    ]


def counts_by_month(queryset: QuerySet, *, months: int = MONTHS_SHOWN) -> list[dict]:
    """Per month the flows were first built (or first found blocked), newest first: how many
    are in each state now, and the month's total."""
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_default_timezone()))
        .values_list("month", "state")
        .annotate(n=Count("pk", distinct=True))
    )
    table: dict[datetime.date, dict] = {}
    for month, state, count in rows:
        day = month.date() if isinstance(month, datetime.datetime) else month
        row = table.setdefault(day, {"month": day, "counts": dict.fromkeys(STATE_ORDER, 0)})
        row["counts"][FlowState(state)] = count
    result = []
    for day in sorted(table, reverse=True)[:months]:
        row = table[day]
        result.append(
            {
                "month": day,
                "cells": [row["counts"][state] for state in STATE_ORDER],
                "total": sum(row["counts"].values()),
            }
        )
    return result


def listed(queryset: QuerySet) -> QuerySet:
    """Flows to list, what needs work first (blocked, rejected), then the newest."""
    return (
        queryset.annotate(
            rank=Choose(
                *(When(state=state, then=Value(n)) for n, state in enumerate(STATE_ORDER)),
                output_field=IntegerField(),
            ),
            followed=Exists(Flow.objects.filter(supersedes=OuterRef("pk"))),
        )
        .select_related(
            "intervention__item",
            "intervention__case",
            "intervention__person",
            "intervention__household",
            "case__person",
        )
        .order_by("rank", "-created_at", "-pk")
    )


def may_retry(flow: Flow) -> bool:
    """A blocked flow, or a rejected one that no newer flow follows yet."""
    if flow.state == FlowState.BLOCKED:
        return True
    followed = getattr(flow, "followed", None)
    if followed is None:
        followed = Flow.objects.filter(supersedes=flow).exists()
    return flow.state == FlowState.REJECTED and not followed


def person_of(flow: Flow):
    """The person a flow is about: the benefit's beneficiary, or the minor of a SINBA case."""
    if flow.intervention_id:
        return rules.beneficiary(flow.intervention)
    if flow.case_id:
        return flow.case.person
    return None


def retry(flow: Flow, *, today: datetime.date | None = None) -> Flow | None:
    """Build the flow's record again (its benefit, or its minor's case): a blocked flow
    becomes ready once its record is fixed (or stays blocked with today's reason); a rejected
    one is followed by a new flow. Returns the record's newest flow (None: nothing to send)."""
    if flow.intervention_id:
        return actions.build_for_intervention(flow.intervention, today=today)
    return actions.build_for_case(flow.case, today=today)


# The bulk file of the web upload channel ----------------------------------------------------


class NothingToSend(Exception):
    """No ready flow of that ente, kind and period."""


def _ms(day: datetime.date) -> int:
    moment = datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_default_timezone())
    return int(moment.timestamp() * 1000)


def bulk_flows(queryset: QuerySet, *, ente_code: str, kind: str, start, end) -> QuerySet:
    """The ready flows of the ente and kind built from `start` to `end` (both days included,
    Rome time), in the order they were numbered."""
    return queryset.filter(
        ente_code=ente_code,
        kind=kind,
        state=FlowState.READY,
        ts_ms__gte=_ms(start),
        ts_ms__lt=_ms(end + datetime.timedelta(days=1)),
    ).order_by("ts_ms", "pk")


def bulk_name(ente_code: str, kind: str, start, end) -> str:
    """`IdentificazioneFlusso/@Nome` of a bulk file (50 characters at most): the ente, the
    format and the period, e.g. G478.PS.20260101-20260131."""
    return f"{ente_code}.{ID_TYPE[kind]}.{start:%Y%m%d}-{end:%Y%m%d}"


# Flows parsed and copied between two reports of progress (`on_progress`).
BULK_CHUNK = 500


def bulk_document(
    selected: list[Flow], *, name: str, kind: str, on_progress=None, chunk: int = BULK_CHUNK
) -> bytes:
    """One XML document holding every selected flow's Beneficiario (PS-PSA-SINA) or SINBA
    element, under the ente of the newest flow; validated against INPS's XSD (both allow
    many of them in a file uploaded on INPS's web application). Raises NothingToSend when
    there is none, xml.Invalid when the result does not validate. `on_progress(n)` is told
    how many flows are written after each chunk of them (the background task shows it)."""
    if not selected:
        raise NothingToSend
    root = etree.Element(f"{{{xml.NAMESPACE}}}Flusso", nsmap={None: xml.NAMESPACE})
    identification = f"{{{xml.NAMESPACE}}}IdentificazioneFlusso"
    newest = etree.fromstring(selected[-1].xml.encode("utf-8"))
    header = etree.SubElement(root, identification, {"Nome": name})
    header.append(newest.find(identification).find(f"{{{xml.NAMESPACE}}}Ente"))
    for begin in range(0, len(selected), chunk):
        part = selected[begin : begin + chunk]
        for flow in part:
            for child in list(etree.fromstring(flow.xml.encode("utf-8"))):
                if child.tag != identification:
                    root.append(child)
        if on_progress is not None:
            on_progress(begin + len(part))
    xml.validate(kind, root)
    return xml.serialise(root).encode("utf-8")
