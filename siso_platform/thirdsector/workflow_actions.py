"""The third sector's automatic steps for the workflow engine; each calls a function of
`actions`. Parameters arrive evaluated over the process data, e.g.
`{"var": "istruttoria.zones"}`."""

from django.utils.translation import gettext_lazy as _

from workflows.registry import ActionStep, param_date, register_action

from . import actions
from .models import Accreditation, ActivityReport


def _accreditation(step: ActionStep) -> Accreditation:
    return Accreditation.objects.select_related("body", "zone").get(process=step.process)


def _report(step: ActionStep) -> ActivityReport:
    return ActivityReport.objects.select_related("intervention__item").get(process=step.process)


def record_application(step: ActionStep) -> dict:
    """params: step (the key of the application questionnaire's step)."""
    answers = step.answers.get(step.params.get("step") or "domanda") or {}
    actions.record_application(_accreditation(step), answers)
    return {}


def grant_accreditation(step: ActionStep) -> dict:
    """params: zones (numbers, as a list or text), areas, valid_from, valid_to."""
    params = step.params
    accreditation = actions.grant(
        _accreditation(step),
        by=step.by,
        zones=params.get("zones"),
        areas=params.get("areas") or [],
        valid_from=param_date(params.get("valid_from")),
        valid_to=param_date(params.get("valid_to")),
    )
    return {"accredited": True, "accreditation": accreditation.pk}


def reject_accreditation(step: ActionStep) -> dict:
    """params: reasons."""
    actions.reject(_accreditation(step), by=step.by, reasons=str(step.params.get("reasons") or ""))
    return {"accredited": False}


def accept_activity_report(step: ActionStep) -> dict:
    report = actions.accept_report(_report(step), by=step.by)
    return {"report": report.pk, "accepted": True}


def request_report_correction(step: ActionStep) -> dict:
    """params: note (what to correct)."""
    actions.request_correction(_report(step), by=step.by, note=str(step.params.get("note") or ""))
    return {"accepted": False}


def register():
    register_action(
        "record_accreditation_application",
        _("Record the accreditation application"),
        record_application,
    )
    register_action("grant_accreditation", _("Grant the accreditation"), grant_accreditation)
    register_action("reject_accreditation", _("Reject the accreditation"), reject_accreditation)
    register_action(
        "accept_activity_report", _("Accept the activity report"), accept_activity_report
    )
    register_action(
        "request_report_correction",
        _("Send the activity report back for correction"),
        request_report_correction,
    )
