"""The one way pages, the API and procedure steps change third-sector records.

Each function applies the pure rules of `rules.py`, refuses bad input with a
`ValidationError` keyed by field, and writes an audit event when a person is concerned.
"""

from __future__ import annotations

import datetime
import pathlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.accounts.models import Membership, Organisation, OrganisationKind, Role
from siso_platform.audit import log as audit
from siso_platform.casework.models import Intervention
from siso_platform.people.models import HouseholdMembership
from siso_platform.sync.channels import EnteredVia
from siso_platform.territory.models import SocialZone
from workflows import runtime

from . import rules
from .models import (
    Accreditation,
    AccreditationStatus,
    ActivityReport,
    ReportAttachment,
    ReportStatus,
    ThirdSectorBody,
)

ACCREDITATION_PROCEDURE = "accreditamento-terzo-settore"
REPORT_REVIEW_PROCEDURE = "revisione-rendicontazione"


def _refuse(problems: dict) -> None:
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})


def body_organisations(user):
    """The third-sector bodies `user` works for today."""
    memberships = Membership.objects.active().filter(
        user=user,
        role=Role.THIRD_SECTOR_OPERATOR,
        organisation__kind=OrganisationKind.THIRD_SECTOR_BODY,
    )
    return Organisation.objects.filter(pk__in=memberships.values("organisation"))


def open_human_task(process):
    """The task of `process` waiting for its assignee (the application, a correction)."""
    return process.task_set.filter(flow_task_type="HUMAN", status__in=runtime.WORKING).first()


# Accreditation


@transaction.atomic
def apply_for_accreditation(
    *, by, organisation: Organisation, zone: SocialZone, answers: dict | None = None
) -> Accreditation:
    """Open a body's application to `zone` and start the accreditation procedure.

    With `answers` (the API), the procedure's application questionnaire is filled at once;
    its errors come back keyed by field and nothing is kept. Without, the applicant fills it
    as the procedure's first task (the body's page).
    """
    if organisation.kind != OrganisationKind.THIRD_SECTOR_BODY or not organisation.active:
        _refuse({"organisation": _("Only an active third-sector body can apply.")})
    context = {"zone": zone.pk}  # the zone applied to: a body has no office of its own
    version = runtime.version_for(ACCREDITATION_PROCEDURE, context)
    if version is None:
        raise LookupError(f"No published procedure {ACCREDITATION_PROCEDURE!r}.")
    body = ThirdSectorBody.objects.filter(organisation=organisation).first()
    if body is None:
        body = register_body(organisation, answers or {})
    accreditation = Accreditation.objects.create(body=body, zone=zone, applied_by=by)
    process = runtime.start(version, user=by, context=context)
    accreditation.process = process
    accreditation.save(update_fields=["process"])
    if answers is not None:
        task = open_human_task(process)
        try:
            runtime.complete(task, by, answers=answers)
        except ValidationError as error:
            raise ValidationError({"answers": [error]}) from None
    return accreditation


def register_body(organisation: Organisation, answers: dict) -> ThirdSectorBody:
    """Put a body in the register from its application's answers (RUNTS number, legal form,
    PEC); errors are keyed `answers.<field>`."""
    problems = {}
    if not answers.get("runts_number"):
        problems["answers.runts_number"] = _("The RUNTS registration number is required.")
    if not answers.get("legal_form"):
        problems["answers.legal_form"] = _("The legal form is required.")
    _refuse(problems)
    try:
        with transaction.atomic():
            return ThirdSectorBody.objects.create(
                organisation=organisation,
                legal_form=answers["legal_form"],
                runts_number=answers["runts_number"],
                pec=answers.get("pec") or "",
            )
    except IntegrityError:
        _refuse({"answers.runts_number": _("Another body is registered with this number.")})


def record_application(accreditation: Accreditation, answers: dict) -> Accreditation:
    """Keep what the application questionnaire asked for on the accreditation and its body."""
    accreditation.requested_areas = list(answers.get("service_areas") or [])
    accreditation.save(update_fields=["requested_areas"])
    body = accreditation.body
    changed = {
        field: answers[field]
        for field in ("legal_form", "pec")
        if answers.get(field) and getattr(body, field) != answers[field]
    }
    if changed:
        ThirdSectorBody.objects.filter(pk=body.pk).update(**changed)
    return accreditation


@transaction.atomic
def grant(
    accreditation: Accreditation,
    *,
    by,
    zones,
    areas: list[str],
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
) -> Accreditation:
    numbers = rules.zone_numbers(zones) or [accreditation.zone.number]
    known = dict(SocialZone.objects.values_list("number", "pk"))
    _refuse(
        rules.grant_problems(
            valid_from=valid_from,
            valid_to=valid_to,
            zones=numbers,
            known_zones=set(known),
            areas=list(areas or []),
        )
    )
    accreditation.status = AccreditationStatus.APPROVED
    accreditation.areas = list(areas)
    accreditation.valid_from, accreditation.valid_to = valid_from, valid_to
    accreditation.decided_at = timezone.now()
    accreditation.save()
    accreditation.zones.set([known[number] for number in numbers])
    return accreditation


def reject(accreditation: Accreditation, *, by, reasons: str = "") -> Accreditation:
    accreditation.status = AccreditationStatus.REJECTED
    accreditation.decision_note = reasons
    accreditation.decided_at = timezone.now()
    accreditation.save(update_fields=["status", "decision_note", "decided_at"])
    return accreditation


@transaction.atomic
def revoke(accreditation: Accreditation, *, by, reason: str) -> Accreditation:
    """End an approved accreditation now: the body's operators lose its persons at once."""
    accreditation = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
    if accreditation.status != AccreditationStatus.APPROVED:
        _refuse({"status": _("Only an approved accreditation can be revoked.")})
    if not reason.strip():
        _refuse({"reason": _("Say why the accreditation is revoked.")})
    accreditation.status = AccreditationStatus.REVOKED
    accreditation.decision_note = reason
    accreditation.revoked_at, accreditation.revoked_by = timezone.now(), by
    accreditation.save()
    return accreditation


# Activity reports


def _is_beneficiary(intervention: Intervention, person, on: datetime.date) -> bool:
    if intervention.person_id:
        return intervention.person_id == person.pk
    return (
        HouseholdMembership.objects.current(on)
        .filter(household=intervention.household_id, person=person)
        .exists()
    )


def _report_problems(*, body, person, intervention, date, hours, today) -> dict:
    return rules.report_problems(
        date=date,
        today=today,
        hours=hours,
        provided_by_body=intervention.provider_id == body.organisation_id,
        intervention_starts=intervention.starts_on,
        intervention_ends=intervention.ends_on,
        beneficiary=_is_beneficiary(intervention, person, date),
    )


def submit_report(
    *,
    by,
    body: ThirdSectorBody,
    person,
    intervention: Intervention,
    date: datetime.date,
    activity_type: str,
    hours: Decimal,
    notes: str = "",
    entered_via: str = EnteredVia.WEB,
) -> tuple[ActivityReport, bool]:
    """Record a body's activity report and send it to review; (report, True).

    A retried request from the app is made once by `siso_platform.sync.idempotency`, which
    calls this in the transaction that keeps its key."""
    _refuse(
        _report_problems(
            body=body,
            person=person,
            intervention=intervention,
            date=date,
            hours=hours,
            today=timezone.localdate(),
        )
    )
    with transaction.atomic():
        report = ActivityReport.objects.create(
            body=body,
            person=person,
            intervention=intervention,
            date=date,
            activity_type=activity_type,
            hours=hours,
            notes=notes,
            created_by=by,
            entered_via=entered_via,
        )
        _start_review(report, by)
    audit.record("create", actor=by, obj=report, person=person, purpose=_("activity reported"))
    return report, True


def _start_review(report: ActivityReport, by) -> None:
    intervention = report.intervention
    case = intervention.case
    zone = case.zone_id if case else report.person.residence_municipality.zone_id
    context = {"zone": zone, "subject": report.person_id}
    version = runtime.version_for(REPORT_REVIEW_PROCEDURE, context)
    if version is None:
        raise LookupError(f"No published procedure {REPORT_REVIEW_PROCEDURE!r}.")
    report.process = runtime.start(version, user=by, case=case, context=context)
    report.save(update_fields=["process"])


@transaction.atomic
def amend_report(report: ActivityReport, *, by, **changes) -> ActivityReport:
    """Correct a report sent back by the reviewer, and send it to review again."""
    report = ActivityReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.CORRECTION:
        _refuse({"status": _("Only a report sent back for correction can be changed.")})
    for field, value in changes.items():
        setattr(report, field, value)
    _refuse(
        _report_problems(
            body=report.body,
            person=report.person,
            intervention=report.intervention,
            date=report.date,
            hours=report.hours,
            today=timezone.localdate(),
        )
    )
    report.status = ReportStatus.SUBMITTED
    report.save()
    task = open_human_task(report.process) if report.process else None
    if task is not None:
        runtime.complete(task, by, answers={"approved": True, "note": _("Report corrected.")})
    audit.record(
        "update", actor=by, obj=report, person=report.person, purpose=_("report corrected")
    )
    return report


@transaction.atomic
def accept_report(report: ActivityReport, *, by) -> ActivityReport:
    """Accept a report: its hours (or day) count as delivered by the intervention."""
    report = ActivityReport.objects.select_for_update().get(pk=report.pk)
    if report.status == ReportStatus.ACCEPTED:
        return report
    report.status, report.accepted_at = ReportStatus.ACCEPTED, timezone.now()
    report.save(update_fields=["status", "accepted_at"])
    intervention = report.intervention
    increment = rules.delivered_increment(intervention.item.unit, report.hours)
    Intervention.objects.filter(pk=intervention.pk).update(
        delivered_quantity=F("delivered_quantity") + increment, updated_at=timezone.now()
    )
    audit.record("update", actor=by, obj=report, person=report.person, purpose=_("report accepted"))
    return report


def request_correction(report: ActivityReport, *, by, note: str) -> ActivityReport:
    report.status, report.review_note = ReportStatus.CORRECTION, note
    report.save(update_fields=["status", "review_note"])
    return report


def attach_file(report: ActivityReport, upload, *, by, kind) -> ReportAttachment:
    """Keep a file with a report not yet accepted. `upload` was checked by `uploads.check`,
    which found `kind`: the download is served as that, whatever the client claimed."""
    if report.status == ReportStatus.ACCEPTED:
        _refuse({"file": _("The report is already accepted.")})
    attachment = ReportAttachment(
        report=report,
        name=pathlib.PurePath(upload.name).name[:200],
        content_type=kind.mime,
        size=upload.size,
    )
    attachment.file.save(attachment.name, upload, save=True)  # private storage (docs/files.md)
    audit.record(
        "create", actor=by, obj=attachment, person=report.person_id, purpose=_("attachment")
    )
    return attachment
