"""Monitoring's automatic steps for the workflow engine.

- `run_eligibility_check`: params `programme` (a programme's slug); checks the household of
  the process's person and sets `eligibility` (eligible, not_eligible, undetermined),
  `eligibility_missing` (the missing facts) and `eligibility_receiving`, for a decision step;
- `open_alert`: params `title`, `severity`; raises an alert "to review" about the process's
  person in the process's zone, once per process and title.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siso_platform.casework.workflow_host import subject_person
from siso_platform.people.models import HouseholdMembership
from siso_platform.territory.models import CitizenOffice
from workflows.registry import ActionStep, register_action

from . import alerts, eligibility
from .models import AlertKind, ProgrammeVersion


class StepRefused(ValueError):
    pass


def run_eligibility_check(step: ActionStep) -> dict:
    person = subject_person(step.context)
    today = timezone.localdate()
    membership = HouseholdMembership.objects.current(today).filter(person=person).first()
    if membership is None:
        return {
            "eligibility": "undetermined",
            "eligibility_missing": ["household"],
            "eligibility_receiving": False,
        }
    slug = step.params.get("programme") or ""
    version = ProgrammeVersion.objects.newest_published().filter(definition__slug=slug).first()
    if version is None:
        raise StepRefused(_("No published programme is called “%s”.") % slug)
    (check,) = eligibility.check_household(
        membership.household_id, by=step.by, on=today, programmes=[version]
    )
    return {
        "eligibility": check.outcome,
        "eligibility_missing": check.missing,
        "eligibility_receiving": check.receiving,
    }


def open_alert(step: ActionStep) -> dict:
    person = subject_person(step.context)
    zone = step.context.get("zone")
    if zone is None and step.context.get("office"):
        zone = CitizenOffice.objects.get(pk=step.context["office"]).municipality.zone_id
    title = str(step.params.get("title") or _("To review"))
    alert, _created = alerts.raise_alert(
        kind=AlertKind.REVIEW,
        key=f"process:{step.process.pk}:{title}"[:120],
        zone_id=zone,
        person_id=person.pk if person else None,
        title=title,
        severity=step.params.get("severity") or "medium",
        detail={"process": step.process.pk},
        by=step.by,
    )
    return {"alert": alert.pk}


register_action(
    "run_eligibility_check", _("Check eligibility for a programme"), run_eligibility_check
)
register_action("open_alert", _("Open an alert for the zone"), open_alert)
