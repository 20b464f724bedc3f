"""Screening: every programme and indicator in effect over every household of a municipality,
a zone or the region, in chunks, with progress saved as it goes.

Per programme, a household lands on one of three lists: eligible but not receiving the
programme's item (latent need), receiving it but no longer eligible (to review), or
undetermined (with the missing facts). The rest are only counted. An indicator that matches
puts the household on the match list and raises a latent-need alert for the zone. Each chunk
is also checked for double funding and unmet needs. A chunk commits whole, with the run's
progress.
"""

from __future__ import annotations

import datetime
import gc
import traceback
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform import bulk, logs
from siso_platform.people.models import Household, HouseholdMembership

from . import alerts, detection, fact_sheet, publishing
from .eligibility import receiving, rule_of
from .models import (
    Alert,
    AlertKind,
    ResultList,
    RunStatus,
    ScreeningResult,
    ScreeningRun,
)

CHUNK = 2000


def start(*, by, zone=None, municipality=None, on: datetime.date | None = None) -> ScreeningRun:
    """Create a run and queue it as a background task."""
    from .tasks import screen

    run = ScreeningRun.objects.create(
        zone=zone, municipality=municipality, on=on or timezone.localdate(), started_by=by
    )
    transaction.on_commit(lambda: screen.enqueue(run.pk))
    return run


def households_of(run: ScreeningRun):
    households = Household.objects.all()
    if run.municipality_id:
        households = households.filter(municipality_id=run.municipality_id)
    elif run.zone_id:
        households = households.filter(municipality__zone_id=run.zone_id)
    current = HouseholdMembership.objects.current(run.on).values("household_id")
    return households.filter(pk__in=current).order_by("pk")


def _zone(run: ScreeningRun) -> int | None:
    if run.municipality_id:
        return run.municipality.zone_id
    return run.zone_id


def _applies_here(snapshot: dict, zone: int) -> bool:
    return snapshot["zone"] in (None, zone)


def _latent_need_alert(version, sheet: dict, judgement) -> Alert:
    snap = version.snapshot
    head = next((m for m in sheet["members"] if m["relation"] == "head"), sheet["members"][0])
    return Alert(
        kind=AlertKind.LATENT_NEED,
        key=f"indicator:{version.definition_id}:household:{sheet['household']['id']}",
        zone_id=sheet["household"]["zone"],
        person_id=head["person"],
        household_id=sheet["household"]["id"],
        severity=snap["severity"],
        title=f"{snap['title']}: {snap['message']}"[:300],
        detail={
            "indicator": snap["slug"],
            "version": version.number,
            "need_category": snap["need_category"],
            "explanation": judgement.explanation(),
        },
    )


def screen_sheets(sheets, programmes, indicators, on, counts) -> tuple[list[dict], list]:
    """Result rows and alerts for these sheets (pure but for the rule cache); `counts` is
    updated in place: per programme and outcome, per indicator matched."""
    results, raised = [], []
    for sheet in sheets:
        zone, household = sheet["household"]["zone"], sheet["household"]["id"]
        for version in programmes:
            if not _applies_here(version.snapshot, zone):
                continue
            rule = rule_of(version)
            result = rule.applies(sheet, today=on)
            gets = receiving(sheet, version)
            tally = counts[f"programme:{version.pk}"]
            tally["screened"] += 1
            tally[{True: "eligible", False: "not_eligible", None: "undetermined"}[result]] += 1
            tally["receiving"] += gets
            tally["covered"] += gets and result is True
            if result is True and not gets:
                kind = ResultList.LATENT
            elif result is False and gets:
                kind = ResultList.REVIEW
            elif result is None:
                kind = ResultList.UNDETERMINED
            else:
                continue
            if kind == ResultList.UNDETERMINED:  # many: their missing facts say enough
                missing, explanation = rule.missing(sheet), None
            else:
                judgement = rule.judge(sheet, today=on)
                missing, explanation = judgement.missing, judgement.explanation()
            results.append(
                {
                    "household_id": household,
                    "programme_id": version.pk,
                    "on_list": kind,
                    "missing": missing,
                    "explanation": explanation,
                }
            )
        for version in indicators:
            if not _applies_here(version.snapshot, zone) or not sheet["members"]:
                continue
            rule = rule_of(version)
            if rule.applies(sheet, today=on) is not True:
                continue
            judgement = rule.judge(sheet, today=on)
            counts[f"indicator:{version.pk}"]["matched"] += 1
            results.append(
                {
                    "household_id": household,
                    "indicator_id": version.pk,
                    "on_list": ResultList.MATCH,
                    "explanation": judgement.explanation(),
                }
            )
            raised.append(_latent_need_alert(version, sheet, judgement))
    return results, raised


def execute(run: ScreeningRun, *, chunk: int = CHUNK) -> ScreeningRun:
    """Screen the run's territory; the run's counters show progress as chunks commit."""
    # Every chunk makes and drops millions of small objects; without this the cyclic
    # collector walks the whole long-lived heap (Django, the process) again and again, a
    # sixth of a regional run. Unfreezing gives those objects back to it afterwards.
    gc.freeze()
    try:
        return _execute(run, chunk)
    except Exception:
        run.status = RunStatus.FAILED
        run.error = traceback.format_exc(limit=5)
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        logs.event("screening_failed", run_id=run.pk)
        raise
    finally:
        gc.unfreeze()


def _execute(run: ScreeningRun, chunk: int) -> ScreeningRun:
    on, zone = run.on, _zone(run)
    programmes = publishing.programmes_in_effect(on, zone_id=zone)
    indicators = publishing.indicators_in_effect(zone_id=zone)
    run.programmes.set(programmes)
    run.indicators.set(indicators)
    ids = list(households_of(run).values_list("pk", flat=True))
    run.status, run.households_total, run.households_done = RunStatus.RUNNING, len(ids), 0
    run.save(update_fields=["status", "households_total", "households_done"])
    counts: dict[str, Counter] = defaultdict(Counter)
    alerts_new = 0
    for begin in range(0, len(ids), chunk):
        part = ids[begin : begin + chunk]
        sheets = list(fact_sheet.sheets(part, on=on).values())
        results, raised = screen_sheets(sheets, programmes, indicators, on, counts)
        persons = [member["person"] for sheet in sheets for member in sheet["members"]]
        with transaction.atomic():
            for result in results:
                result["run_id"] = run.pk
            bulk.insert(ScreeningResult, results)
            alerts_new += alerts.raise_new(raised)
            # double funding and unmet needs of the chunk's members
            alerts_new += detection.detect_overlaps(person_ids=persons, household_ids=part)
            alerts_new += detection.detect_gaps(persons, today=on)
            run.households_done = begin + len(part)
            run.save(update_fields=["households_done"])
    run.counts = {key: dict(value) for key, value in counts.items()}
    run.counts["alerts_new"] = alerts_new
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.save(update_fields=["counts", "status", "finished_at"])
    logs.event(
        "screening_done",
        run_id=run.pk,
        zone_id=run.zone_id,
        municipality_id=run.municipality_id,
        households=run.households_total,
        alerts_new=alerts_new,
    )
    return run


def previous(run: ScreeningRun) -> ScreeningRun | None:
    return (
        ScreeningRun.objects.filter(
            zone_id=run.zone_id,
            municipality_id=run.municipality_id,
            status=RunStatus.DONE,
            created_at__lt=run.created_at,
        )
        .order_by("-created_at")
        .first()
    )


def _entries(run: ScreeningRun) -> set[tuple]:
    return set(
        run.results.values_list(
            "on_list", "programme__definition_id", "indicator__definition_id", "household_id"
        )
    )


def compare(run: ScreeningRun, before: ScreeningRun) -> dict[str, dict[str, int]]:
    """Per list: how many households entered it since `before`, and how many left it (a
    programme or indicator is matched across runs by its definition, whatever the version)."""
    now, then = _entries(run), _entries(before)
    changes = {kind: {"entered": 0, "left": 0} for kind in ResultList.values}
    for entry in now - then:
        changes[entry[0]]["entered"] += 1
    for entry in then - now:
        changes[entry[0]]["left"] += 1
    return changes


def describe_counts(run: ScreeningRun) -> list[dict]:
    """The run's counters by programme and indicator, for its page."""
    rows = []
    for version in run.programmes.select_related("definition"):
        tally = run.counts.get(f"programme:{version.pk}", {})
        rows.append({"kind": _("programme"), "version": version, **tally})
    for version in run.indicators.select_related("definition"):
        tally = run.counts.get(f"indicator:{version.pk}", {})
        rows.append({"kind": _("indicator"), "version": version, **tally})
    return rows
