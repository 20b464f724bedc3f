"""A data subject's access request (GDPR article 15), answered by the zone in one action: the
zone administrator records the request (its date and reference) and gets one PDF of
everything the platform holds about the person, and of who read or changed it.

The zone administrator answers because the zone is the controller's office that keeps the
social record (its staff read it whole) and the zone administrator runs it; the data steward
is a municipality's import role and reads no casework.

The request and the answer are two audit events (the request's date and reference in their
detail): the audit log is where requests are kept, no model of its own.
"""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siso_platform import printing
from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership, Role
from siso_platform.audit import describe, trail
from siso_platform.audit import log as audit
from siso_platform.audit.models import AuditEvent
from siso_platform.people.models import HouseholdMembership, Person

from . import prints
from .entry_forms import DateInput
from .models import Appointment, DiaryNote, RecordDocument

MARK = "gdpr_art15"  # the events' detail key that tells requests and answers apart


class RequestForm(forms.Form):
    received_on = forms.DateField(label=gettext_lazy("Request received on"), widget=DateInput())
    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("The request's protocol number or how it arrived."),
    )

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The request cannot be received in the future."))
        return day


def answers_requests(user) -> bool:
    return Membership.objects.active().filter(user=user, role=Role.ZONE_ADMIN).exists()


def earlier_requests(person: Person) -> list[dict]:
    events = AuditEvent.objects.filter(person_id=person.pk, **{f"detail__{MARK}": "request"})
    return [
        {
            "received_on": datetime.date.fromisoformat(event.detail["received_on"]),
            "reference": event.detail.get("reference", ""),
            "recorded_at": event.timestamp,
        }
        for event in events
    ]


def _plans(cases) -> list[dict]:
    plans = []
    for case in cases:
        plan = getattr(case, "care_plan", None)
        if plan is not None:
            plans.append(
                {
                    "case": case,
                    "plan": plan,
                    "goals": list(plan.goals.all()),
                    "versions": plan.versions.count(),
                }
            )
    return plans


def _households(person: Person) -> list[dict]:
    """Every household the person was in; the other members by relation and year of birth
    only (their names are their own data, not the person's)."""
    mine = list(
        HouseholdMembership.objects.filter(person=person)
        .select_related("household__municipality")
        .order_by("-valid_from")
    )
    others = (
        HouseholdMembership.objects.filter(household__in=[m.household_id for m in mine])
        .exclude(person=person)
        .select_related("person")
        .order_by("valid_from")
    )
    by_household: dict[int, list] = {}
    for member in others:
        by_household.setdefault(member.household_id, []).append(member)
    return [{"membership": m, "others": by_household.get(m.household_id, [])} for m in mine]


def document(user, person: Person, language: str) -> dict:
    """Everything the platform holds about the person, as the PDF's context."""
    sheet = prints.record_sheet(user, person, history=True)
    sheet["submissions"] = [
        {"submission": item, "steps": prints.answers(item, language)}
        for item in sheet["submissions"]
    ]
    events = trail.of_person(person.pk).order_by("timestamp", "pk")
    return {
        "person": person,
        "sheet": sheet,
        "households": _households(person),
        "plans": _plans(sheet["cases"]),
        "notes": DiaryNote.objects.filter(case__in=sheet["cases"])
        .select_related("case", "corrects")
        .order_by("happened_on", "written_at"),
        "documents": RecordDocument.objects.filter(person=person).order_by("uploaded_at"),
        "appointments": Appointment.objects.filter(person=person).order_by("starts_at"),
        # the bodies' reports on the person (thirdsector's model, read through its relation)
        "reports": person.activity_reports.select_related("body__organisation").order_by("date"),
        "trail": describe.rows(events),
    }


@login_required
def request_view(request, pk):
    if not answers_requests(request.user):
        raise PermissionDenied
    person = get_object_or_404(
        scoping.persons(request.user).select_related("residence_municipality"), pk=pk
    )
    form = RequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        return _answer(request, person, form.cleaned_data)
    audit.record(
        "view",
        actor=request.user,
        obj=person,
        person=person,
        purpose=_("GDPR access request form"),
    )
    context = {"person": person, "form": form, "earlier": earlier_requests(person)}
    return render(request, "casework/subject_access.html", context)


def _answer(request, person: Person, data: dict):
    received: datetime.date = data["received_on"]
    reference = data["reference"]
    stamp = timezone.localdate()
    with transaction.atomic():
        asked = audit.record(
            "create",
            actor=request.user,
            obj=person,
            person=person,
            purpose=_("GDPR art. 15 access request"),
            detail={MARK: "request", "received_on": received.isoformat(), "reference": reference},
        )
        context = document(request.user, person, request.LANGUAGE_CODE)
        context.update(received_on=received, reference=reference)
        response = printing.render_pdf(
            "casework/print/subject_access.html",
            context,
            request,
            filename=f"accesso-interessato-art15-{person.pk}-{stamp:%Y%m%d}.pdf",
        )
        if response.status_code != 200:  # no PDF made (prints unavailable): no answer given
            return response
        audit.record(
            "export",
            actor=request.user,
            obj=person,
            person=person,
            purpose=_("GDPR art. 15 answer"),
            detail={
                MARK: "answer",
                "request_event": asked.pk,
                "reference": reference,
                "audit_events": len(context["trail"]),
            },
        )
    return response
