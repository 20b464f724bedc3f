"""Dry runs: a draft programme or indicator tried over a zone or the region before publishing.

It reads fact sheets like a screening and keeps counts only: how many households the draft
finds eligible (an indicator: matched), not eligible, undetermined and why (the missing facts
by documented name, `rentals.N.days_to_end`), and for a programme how many eligible
households receive nothing of its catalogue item. It writes no lists and raises no alerts.
`tally` is pure; `execute` runs it in chunks in a background task, saving progress. For a
programme stating an amount, `costs` (pure) works out the yearly cost of the eligible
households and of those receiving nothing (the gap to fund) from the counts.
"""

from __future__ import annotations

import datetime
import traceback
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from siso_platform import logs
from siso_platform.people.models import Household, HouseholdMembership

from . import fact_sheet
from .explaining import pattern
from .models import PAYMENTS_PER_YEAR, DryRun, Programme, RunStatus
from .rules import Rule

CHUNK = 2000
TOP_MISSING = 5


def tally(sheets, rule: Rule, *, on: datetime.date, item: str | None = None) -> dict:
    """Counts of these sheets under `rule`. `item`: the programme's catalogue item (a
    household receives it when one running intervention is of that item); None for an
    indicator, which only looks at households with members (as a screening does). Each
    household counts a missing fact once, whatever the number of its contracts or members."""
    counts: Counter = Counter()
    missing: Counter = Counter()
    for sheet in sheets:
        if item is None and not sheet["members"]:
            continue
        result = rule.applies(sheet, today=on)
        counts["households"] += 1
        counts[{True: "eligible", False: "not_eligible", None: "undetermined"}[result]] += 1
        if result is None:
            missing.update({pattern(name) for name in rule.missing(sheet, today=on)})
        if item is not None and result is True and item not in sheet["intervention_items"]:
            counts["receiving_nothing"] += 1
    found = {key: counts[key] for key in ("households", "eligible", "not_eligible")}
    found["undetermined"] = counts["undetermined"]
    if item is not None:
        found["receiving_nothing"] = counts["receiving_nothing"]
    found["missing"] = dict(missing)
    return found


def add(total: dict, part: dict) -> dict:
    """Two tallies as one (chunks of the same run)."""
    summed = {
        key: total.get(key, 0) + value for key, value in part.items() if isinstance(value, int)
    }
    missing = Counter(total.get("missing", {}))
    missing.update(part.get("missing", {}))
    summed["missing"] = dict(missing)
    return summed


def most_missing(counts: dict, limit: int = TOP_MISSING) -> list[tuple[str, int]]:
    """The facts most often missing, by documented name, most frequent first."""
    ranked = sorted((counts.get("missing") or {}).items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked[:limit]


@dataclass(frozen=True)
class Cost:
    """yearly = households times amount times payments a year."""

    households: int
    amount: Decimal
    period: str
    payments: int
    yearly: Decimal


def yearly_cost(households: int, amount: Decimal | None, period: str) -> Cost | None:
    """What paying `amount` every `period` to `households` costs in a year; None without an
    amount or a period. A one-off sum counts once, in the year it is paid."""
    if amount is None or period not in PAYMENTS_PER_YEAR:
        return None
    payments = PAYMENTS_PER_YEAR[period]
    return Cost(households, amount, period, payments, households * amount * payments)


def costs(counts: dict, amount: Decimal | None, period: str) -> dict[str, Cost] | None:
    """The yearly cost of a programme's eligible households and of the eligible households
    receiving nothing of its item (the gap to fund); None when it states no amount."""
    eligible = yearly_cost(counts.get("eligible", 0), amount, period)
    if eligible is None:
        return None
    return {
        "eligible": eligible,
        "receiving_nothing": yearly_cost(counts.get("receiving_nothing", 0), amount, period),
    }


def draft_of(definition):
    """The definition as its latest draft says (wagtail keeps unpublished edits in
    revisions; the row holds the live content)."""
    latest = getattr(definition, "get_latest_revision_as_object", None)
    return latest() if latest is not None else definition


def start(definition, *, by, zone=None, on: datetime.date | None = None) -> DryRun:
    """Create a dry run of `definition`'s draft over `zone` (None: the region) and queue it."""
    from .tasks import dry_run

    draft = draft_of(definition)
    is_programme = isinstance(definition, Programme)
    run = DryRun.objects.create(
        programme=definition if is_programme else None,
        indicator=None if is_programme else definition,
        zone=zone,
        on=on or timezone.localdate(),
        rule=draft.rule,
        item=draft.item.code if is_programme else "",
        amount=draft.amount if is_programme else None,
        amount_period=draft.amount_period if is_programme else "",
        started_by=by,
    )
    transaction.on_commit(lambda: dry_run.enqueue(run.pk))
    return run


def households_of(run: DryRun):
    households = Household.objects.all()
    if run.zone_id:
        households = households.filter(municipality__zone_id=run.zone_id)
    current = HouseholdMembership.objects.current(run.on).values("household_id")
    return households.filter(pk__in=current).order_by("pk")


def execute(run: DryRun, *, chunk: int = CHUNK) -> DryRun:
    try:
        return _execute(run, chunk)
    except Exception:
        run.status = RunStatus.FAILED
        run.error = traceback.format_exc(limit=5)
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        logs.event("dry_run_failed", run_id=run.pk)
        raise


def _execute(run: DryRun, chunk: int) -> DryRun:
    rule = Rule(run.rule)
    item = (run.item or None) if run.programme_id else None
    ids = list(households_of(run).values_list("pk", flat=True))
    run.status, run.households_total, run.households_done = RunStatus.RUNNING, len(ids), 0
    run.save(update_fields=["status", "households_total", "households_done"])
    counts: dict = {}
    for begin in range(0, len(ids), chunk):
        part = ids[begin : begin + chunk]
        sheets = fact_sheet.sheets(part, on=run.on).values()
        counts = add(counts, tally(sheets, rule, on=run.on, item=item))
        run.households_done = begin + len(part)
        run.save(update_fields=["households_done"])
    run.counts = counts or tally((), rule, on=run.on, item=item)
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.save(update_fields=["counts", "status", "finished_at"])
    logs.event("dry_run_done", run_id=run.pk, zone_id=run.zone_id, households=len(ids))
    return run
