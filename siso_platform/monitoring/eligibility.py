"""Checking households against benefit programmes: one household on the social record or in a
workflow step (stored with its explanation), many in a screening (see `screening`)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from . import fact_sheet, publishing
from .models import EligibilityCheck, ProgrammeVersion
from .rules import Judgement, Rule


def rule_of(version) -> Rule:
    """A version's compiled rule, kept on the instance (versions never change)."""
    compiled = getattr(version, "_compiled_rule", None)
    if compiled is None:
        compiled = version._compiled_rule = Rule(version.rule)
    return compiled


def receiving(sheet: dict, version: ProgrammeVersion) -> bool:
    """The household already receives the programme's catalogue item (a running one)."""
    return version.snapshot["item"] in sheet["intervention_items"]


def judge(version: ProgrammeVersion, sheet: dict, on: datetime.date) -> Judgement:
    return rule_of(version).judge(sheet, today=on)


def check_household(
    household, *, by=None, on: datetime.date | None = None, programmes=None
) -> list[EligibilityCheck]:
    """Check `household` against the programmes in effect in its zone (or those given) and
    store each result with its explanation."""
    on = on or timezone.localdate()
    sheet = fact_sheet.sheet(household, on=on)
    if programmes is None:
        programmes = publishing.programmes_in_effect(on, zone_id=sheet["household"]["zone"])
    checks = []
    for version in programmes:
        judgement = judge(version, sheet, on)
        checks.append(
            EligibilityCheck(
                household_id=sheet["household"]["id"],
                programme=version,
                on=on,
                outcome=judgement.outcome,
                receiving=receiving(sheet, version),
                explanation=judgement.explanation(),
                missing=judgement.missing,
                checked_by=by if getattr(by, "pk", None) else None,
            )
        )
    return EligibilityCheck.objects.bulk_create(checks)
