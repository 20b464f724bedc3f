"""What a third-sector procedure's task page shows beside the decision: the activity report
under review (its hours, dates, notes and attachments) or the accreditation application with
its answers. Registered with the workflow host (`casework.workflow_host.register_under_review`);
each is read within the user's scope, and a report, being about a person, is audited."""

from django.utils.translation import gettext as _

from forms.models import Submission
from forms.rendering import summary
from siso_platform.audit import log as audit
from siso_platform.casework import workflow_host
from siso_platform.casework.models import Area

from . import visibility


def activity_report(user, process) -> dict | None:
    report = (
        visibility.reports(user)
        .select_related("body__organisation", "intervention__item", "intervention__case", "person")
        .prefetch_related("attachments")
        .filter(process=process.pk)
        .first()
    )
    if report is None:
        return None
    audit.record(
        "view", actor=user, obj=report, person=report.person_id, purpose=_("report under review")
    )
    return {
        "template": "thirdsector/_report_under_review.html",
        "context": {
            "report": report,
            "hours": hours_text(report.hours),
            "attachments": list(report.attachments.all()),
        },
    }


def hours_text(hours) -> str:
    """Hours as the body wrote them, in Italian whatever the page's language: "4,5", "2"."""
    return f"{hours.normalize():f}".replace(".", ",")


def accreditation_application(user, process) -> dict | None:
    accreditation = (
        visibility.accreditations(user)
        .select_related("body__organisation", "zone")
        .filter(process=process.pk)
        .first()
    )
    if accreditation is None:
        return None
    return {
        "template": "thirdsector/_application_under_review.html",
        "context": {
            "accreditation": accreditation,
            "areas": [
                str(Area(area).label)
                for area in accreditation.requested_areas
                if area in Area.values
            ],
            "answers": _application_answers(process),
        },
    }


def _application_answers(process) -> list[dict]:
    """The application questionnaire's answers, step by step, labelled (a file by its name);
    an application sent with answers from the app has them in the same submission."""
    submissions = (process.data or {}).get("submissions") or {}
    found = Submission.objects.select_related("version").filter(pk=submissions.get("domanda"))
    submission = found.first() if submissions.get("domanda") else None
    if submission is None:
        return []
    return summary(submission.version.compiled, submission.answers)


def register() -> None:
    workflow_host.register_under_review(activity_report)
    workflow_host.register_under_review(accreditation_application)
