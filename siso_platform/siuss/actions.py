"""The one way SIUSS flows change state."""

from __future__ import annotations

import datetime
import logging
import time

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from siso_platform.casework.models import Case, Intervention

from . import rules, xml
from .models import ID_TYPE, EnteClock, Flow, FlowKind, FlowState, Operation


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def number(flow: Flow, *, on: datetime.date | None = None) -> Flow:
    """Give a built flow its `id_flusso` (the ente's daily counter) and `ts_ms` (strictly after
    the ente's last, even within one millisecond), and make it ready. Call it inside the
    transaction that stores the flow's XML."""
    on = on or timezone.localdate()
    with transaction.atomic():
        clock, _ = EnteClock.objects.select_for_update().get_or_create(code=flow.ente_code)
        if clock.day != on:
            clock.day, clock.day_counter = on, 0
        clock.day_counter += 1
        clock.last_ts_ms = max(now_ms(), clock.last_ts_ms + 1)
        clock.save()
        flow.id_flusso = (
            f"{flow.ente_code}.{ID_TYPE[flow.kind]}.{on:%Y%m%d}.{clock.day_counter:07d}"
        )
        flow.ts_ms = clock.last_ts_ms
        flow.state = FlowState.READY
        flow.blocked_reason = ""
        flow.save()
    return flow


# Building flows from the ledger ------------------------------------------------------------

logger = logging.getLogger(__name__)


def _published(flows):
    """The last flow that left the worklist (ready, sent, accepted or rejected), or None."""
    return flows.exclude(state=FlowState.BLOCKED).order_by("ts_ms", "pk").last()


def _store(flow: Flow, root, *, on: datetime.date | None = None) -> Flow:
    """Number a built, valid document's flow and store its XML, its name being its id."""
    with transaction.atomic():
        number(flow, on=on)
        xml.set_name(root, flow.id_flusso)
        xml.validate(flow.kind, root)
        flow.xml = xml.serialise(root)
        flow.save(update_fields=["xml", "updated_at"])
    return flow


def _placeholder(ente_code: str, kind: str, on: datetime.date) -> str:
    return f"{ente_code}.{ID_TYPE[kind]}.{on:%Y%m%d}.0000000"


def _block(flow: Flow, reason: str) -> Flow:
    flow.state, flow.blocked_reason, flow.xml = FlowState.BLOCKED, reason, ""
    flow.id_flusso = flow.ts_ms = None
    flow.save()
    return flow


def _fallback_zone(intervention: Intervention | None, case: Case | None):
    case = case or (intervention.case if intervention and intervention.case_id else None)
    if case is not None:
        return case.zone_id
    person = rules.beneficiary(intervention) if intervention else None
    if person is not None and person.residence_municipality_id:
        return person.residence_municipality.zone_id
    if intervention is not None and intervention.household_id:
        return intervention.household.municipality.zone_id
    return None


def _where(flow: Flow, municipality, intervention=None, case=None) -> bool:
    """Set the flow's ente and zone; False when the record is placed nowhere."""
    if municipality is not None:
        flow.ente_code, flow.ente_name = rules.sender(municipality)
        flow.zone_id, flow.municipality = municipality.zone_id, municipality
        return True
    flow.zone_id = _fallback_zone(intervention, case)
    flow.ente_code, flow.ente_name, flow.municipality = "", "", None
    return flow.zone_id is not None


def cancel(sent: Flow, *, on: datetime.date | None = None) -> Flow:
    """A C flow cancelling the PS flow `sent`: the same document with TipoOperazione C."""
    on = on or timezone.localdate()
    flow = Flow(
        kind=sent.kind,
        operation=Operation.CANCEL,
        ente_code=sent.ente_code,
        ente_name=sent.ente_name,
        zone_id=sent.zone_id,
        municipality_id=sent.municipality_id,
        year=sent.year,
        intervention_id=sent.intervention_id,
        case_id=sent.case_id,
        supersedes=sent,
    )
    return _store(flow, xml.as_cancellation(sent.xml), on=on)


def build_for_intervention(
    intervention: Intervention, *, today: datetime.date | None = None
) -> Flow | None:
    """Bring the benefit's PS-PSA-SINA flows up to date with the ledger, one per year it covers
    (`rules.years`), and return its newest flow (None when it is not sent and never was).
    For each year:

    - first built: an I flow, ready; or blocked with the reason, no XML and no id;
    - unchanged since the flow INPS holds: nothing new;
    - changed (amount, dates, codes...): a C flow cancelling the one INPS holds, then a new I
      flow, both pointing to it (`supersedes`); a ready flow is never edited;
    - no longer reported (set back to planned, or a year its dates no longer cover): a C flow;
    - rejected by INPS: a new I flow once it builds.
    """
    today = today or timezone.localdate()
    with translation.override("it"), transaction.atomic():
        intervention = (
            Intervention.objects.select_for_update(of=("self",))
            .select_related(
                "item",
                "provider",
                "case__office__municipality__zone__region",
                "person__residence_municipality__zone__region",
                "household__municipality__zone__region",
            )
            .get(pk=intervention.pk)
        )
        flows = Flow.objects.filter(intervention=intervention, kind=FlowKind.PS_PSA_SINA)
        wanted = rules.years(intervention, today) if rules.is_sent(intervention) else []
        newest = None
        for year in sorted(set(wanted) | set(flows.values_list("year", flat=True))):
            result = _bring_year(intervention, flows.filter(year=year), year, year in wanted, today)
            newest = result or newest
        return newest


def _bring_year(intervention, flows, year: int, reported: bool, today) -> Flow | None:
    """One year's flow of a benefit, as `build_for_intervention` describes."""
    blocked = flows.filter(state=FlowState.BLOCKED).order_by("pk").last()
    published = _published(flows)
    holds = (
        published
        if published is not None
        and published.operation == Operation.INSERT
        and published.state != FlowState.REJECTED
        else None
    )
    if not reported:
        if blocked is not None:
            blocked.delete()  # never numbered nor served: nothing to take back
        return cancel(holds, on=today) if holds is not None else published
    flow = blocked or Flow(kind=FlowKind.PS_PSA_SINA, intervention=intervention, year=year)
    if not _where(flow, rules.granting_municipality(intervention), intervention):
        logger.warning("siuss: intervention %s is placed in no zone", intervention.pk)
        return None
    try:
        content = rules.ps_flow(intervention, year=year)
        root = xml.ps_document(
            content, _placeholder(content.ente.code, FlowKind.PS_PSA_SINA, today)
        )
        xml.validate(FlowKind.PS_PSA_SINA, root)
    except rules.Missing as missing:
        return _block(flow, str(missing))
    except xml.Invalid as invalid:
        return _block(
            flow,
            _invalid_reason(
                gettext("Benefit no. %(number)s") % {"number": intervention.pk}, invalid
            ),
        )
    if holds is not None and xml.content(holds.xml) == xml.content(xml.serialise(root)):
        if blocked is not None:
            blocked.delete()
        return holds
    if holds is not None:
        cancel(holds, on=today)
    flow.operation = Operation.INSERT
    flow.supersedes = published
    return _store(flow, root, on=today)


def _invalid_reason(record: str, invalid: Exception) -> str:
    return gettext("%(record)s does not match INPS's format: %(error)s.") % {
        "record": record,
        "error": str(invalid),
    }


def build_for_case(case: Case, *, today: datetime.date | None = None) -> Flow | None:
    """Bring the SINBA flow of a minor's taking in charge up to date: a new flow when what it
    says changed (SINBA has no cancellation: each flow states the case anew, `supersedes`
    names the previous one); None for an adult's case."""
    today = today or timezone.localdate()
    with translation.override("it"), transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("person", "office__municipality__zone__region")
            .get(pk=case.pk)
        )
        if not rules.is_minor_case(case):
            return None
        flows = Flow.objects.filter(case=case, kind=FlowKind.SINBA)
        blocked = flows.filter(state=FlowState.BLOCKED).order_by("pk").last()
        published = _published(flows)
        flow = blocked or Flow(kind=FlowKind.SINBA, case=case)
        _where(flow, case.office.municipality, case=case)
        try:
            content = rules.sinba_flow(case, today=today)
            root = xml.sinba_document(
                content, _placeholder(content.ente.code, FlowKind.SINBA, today)
            )
            xml.validate(FlowKind.SINBA, root)
        except rules.Missing as missing:
            return _block(flow, str(missing))
        except xml.Invalid as invalid:
            return _block(
                flow, _invalid_reason(gettext("Case no. %(number)s") % {"number": case.pk}, invalid)
            )
        if (
            published is not None
            and published.state != FlowState.REJECTED
            and xml.content(published.xml) == xml.content(xml.serialise(root))
        ):
            if blocked is not None:
                blocked.delete()
            return published
        flow.supersedes = published
        return _store(flow, root, on=today)


def build_after_change(intervention_id: int) -> None:
    """What a recorded or changed benefit queues (tasks.py): its flow, and its case's SINBA
    flow when the case is a minor's. A failure is logged, never raised to the worker."""
    try:
        intervention = Intervention.objects.select_related("case__person").get(pk=intervention_id)
        build_for_intervention(intervention)
        if intervention.case_id and rules.is_minor_case(intervention.case):
            build_for_case(intervention.case)
    except Exception:
        logger.exception("siuss: building the flows of intervention %s failed", intervention_id)


def retry_blocked(*, zone=None, today: datetime.date | None = None) -> int:
    """Build every blocked flow again (after its record was fixed); returns how many left the
    worklist."""
    blocked = Flow.objects.filter(state=FlowState.BLOCKED)
    if zone is not None:
        blocked = blocked.filter(zone=zone)
    fixed = 0
    for flow in list(blocked.select_related("intervention", "case")):
        if flow.intervention_id:
            result = build_for_intervention(flow.intervention, today=today)
        else:
            result = build_for_case(flow.case, today=today)
        fixed += result is None or result.state != FlowState.BLOCKED
    return fixed


def build_pending(*, zone=None, today: datetime.date | None = None) -> dict:
    """Build or bring up to date the flows of every benefit given, and every minor's case,
    of a zone (or of all): what `manage.py siuss_build` runs. Returns counts by state."""
    interventions = Intervention.objects.placed().filter(
        Q(status__in=rules.GIVEN) | Q(siuss_flows__isnull=False)
    )
    cases = Case.objects.all()
    if zone is not None:
        interventions = interventions.filter(place_zone=zone.pk)
        cases = cases.filter(zone=zone)
    for intervention in interventions.distinct().order_by("pk").iterator():
        build_for_intervention(intervention, today=today)
    for case in cases.select_related("person").order_by("pk").iterator():
        if rules.is_minor_case(case):
            build_for_case(case, today=today)
    flows = Flow.objects.all() if zone is None else Flow.objects.filter(zone=zone)
    counts = dict.fromkeys(FlowState.values, 0)
    for state, count in flows.values_list("state").annotate(n=Count("pk")):
        counts[state] = count
    return counts


# INPS's verdicts (POST /esiti of the e-service) --------------------------------------------


def record_outcome(
    flow: Flow,
    code: str,
    *,
    description: str = "",
    acquisition_id: str = "",
    at: datetime.datetime | None = None,
) -> bool:
    """Record INPS's verdict on a flow it received: OK makes it accepted, with SIUSS's
    acquisition id; DATI_NON_TROVATI, RICHIESTA_INVALIDA or ERRORE_GENERICO make it rejected,
    with INPS's description, and so on the zone's worklist (to be fixed and sent again as a new
    flow). The same verdict again changes nothing (INPS may notify it more than once); a
    different one replaces it. Returns whether the flow changed."""
    from .models import Outcome  # here, beside its only use: the verdicts section of the file

    outcome = Outcome(code)
    accepted = outcome == Outcome.OK
    wanted = {
        "state": FlowState.ACCEPTED if accepted else FlowState.REJECTED,
        "outcome": outcome.value,
        "outcome_description": description,
        "siuss_acquisition_id": acquisition_id if accepted else "",
    }
    with transaction.atomic():
        locked = Flow.objects.select_for_update().get(pk=flow.pk)
        if all(getattr(locked, name) == value for name, value in wanted.items()):
            return False
        for name, value in wanted.items():
            setattr(locked, name, value)
        locked.outcome_at = at or timezone.now()
        locked.save(update_fields=[*wanted, "outcome_at", "updated_at"])
    for name in (*wanted, "outcome_at", "updated_at"):
        setattr(flow, name, getattr(locked, name))
    return True
