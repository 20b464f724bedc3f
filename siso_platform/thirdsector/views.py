"""The body's own page: its register data, its accreditations, applying to a zone (the web
form of the accreditation procedure) and its activity reports with their attachments; and the
download of an attachment, for whoever may read its report."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from siso_platform import private_files
from siso_platform.audit import log as audit
from siso_platform.territory.models import SocialZone
from siso_platform.uploads import AttachmentField

from . import actions
from .models import LegalForm, ReportStatus, ThirdSectorBody
from .report_form import ReportForm
from .visibility import reportable_interventions, reports


class ApplicationForm(forms.Form):
    zone = forms.ModelChoiceField(
        SocialZone.objects.order_by("number"),
        label=gettext_lazy("Social zone"),
        help_text=gettext_lazy("The zone whose territory the body applies to work in."),
    )


class RegistrationForm(ApplicationForm):
    """The first application also puts the body in the register."""

    legal_form = forms.ChoiceField(choices=LegalForm.choices, label=gettext_lazy("Legal form"))
    runts_number = forms.CharField(max_length=30, label=gettext_lazy("RUNTS number"))
    pec = forms.EmailField(required=False, label=gettext_lazy("Certified email (PEC)"))


class AttachmentForm(forms.Form):
    file = AttachmentField(
        label=gettext_lazy("Attachment"),
        error_messages={"required": gettext_lazy("Attachment: choose a file.")},
    )


def _organisation(user):
    organisation = actions.body_organisations(user).first()
    if organisation is None:
        raise Http404
    return organisation


@login_required
def body(request):
    organisation = _organisation(request.user)
    registered = ThirdSectorBody.objects.filter(organisation=organisation).first()
    form = (ApplicationForm if registered else RegistrationForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a refused application registers nothing either
                if registered is None:
                    actions.register_body(organisation, form.cleaned_data)
                accreditation = actions.apply_for_accreditation(
                    by=request.user, organisation=organisation, zone=form.cleaned_data["zone"]
                )
        except ValidationError as error:
            form.add_error(None, [text for texts in error.message_dict.values() for text in texts])
        else:
            task = actions.open_human_task(accreditation.process)
            messages.success(request, _("Application opened: fill in the questionnaire."))
            return redirect("workflows:task", pk=task.pk)
    shown = list(
        reports(request.user)
        .select_related("person", "intervention__item")
        .prefetch_related("attachments")[:50]
    )
    # the reports name their persons: one event per person shown, as every page does
    audit.record_for_persons(
        "view",
        actor=request.user,
        obj="thirdsector.activityreport",
        persons={report.person_id for report in shown},
        purpose=_("activity reports"),
    )
    accreditations = (
        registered.accreditations.select_related("zone").prefetch_related("zones")
        if registered
        else []
    )
    return render(
        request,
        "thirdsector/body.html",
        {
            "organisation": organisation,
            "body": registered,
            "accreditations": accreditations,
            "reports": shown,
            "form": form,
            "attachment_form": AttachmentForm(),
            "may_attach": request.user.has_perm("thirdsector.change_activityreport"),
            "may_report": request.user.has_perm("thirdsector.add_activityreport"),
            "accepted": ReportStatus.ACCEPTED,
        },
    )


# The rules' fields that the form shows under another name.
_FORM_FIELD = {"person": "intervention"}


@login_required
def new_report(request):
    """A body's operator sends an activity report on an intervention the body delivers on a
    case assigned to it; another body's, or an ended assignment's, intervention is a 404."""
    if not request.user.has_perm("thirdsector.add_activityreport"):
        raise Http404
    interventions = reportable_interventions(request.user)
    chosen = request.POST.get("intervention") or request.GET.get("intervention")
    if chosen and not (chosen.isdigit() and interventions.filter(pk=chosen).exists()):
        raise Http404
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        interventions=interventions,
        initial={"intervention": chosen},
    )
    if request.method == "POST" and form.is_valid():
        report = _send_report(request.user, form)
        if report is not None:
            messages.success(request, _("Report sent: it waits for the zone's review."))
            return redirect("thirdsector:body")
    shown = list(interventions)
    # the choices name their persons: one event per person shown
    audit.record_for_persons(
        "view",
        actor=request.user,
        obj="casework.intervention",
        persons={i.person_id or i.case.person_id for i in shown},
        purpose=_("activity report form"),
    )
    return render(
        request,
        "thirdsector/report_form.html",
        {
            "form": form,
            "reportable": bool(shown),
            "files_dropped": request.method == "POST" and bool(request.FILES),
        },
    )


def _send_report(user, form: ReportForm):
    """The report through `actions.submit_report` (as the API sends it) and its files, all
    or nothing; the refusals become errors naming their fields."""
    data = form.cleaned_data
    intervention = data["intervention"]
    try:
        with transaction.atomic():
            report, _created = actions.submit_report(
                by=user,
                body=ThirdSectorBody.objects.get(organisation=intervention.provider_id),
                person=intervention.person or intervention.case.person,
                intervention=intervention,
                date=data["date"],
                activity_type=data["activity_type"],
                hours=data["hours"],
                notes=data["notes"],
            )
            for upload in data["attachments"]:
                actions.attach_file(report, upload, by=user, kind=upload.siso_kind)
    except ValidationError as error:
        for field, texts in error.message_dict.items():
            field = _FORM_FIELD.get(field, field)
            if field in form.fields:
                label = str(form.fields[field].label)
                named = [
                    text if text.lower().startswith(label.lower()) else f"{label}: {text}"
                    for text in texts
                ]
                form.add_error(field, named)
            else:
                form.add_error(None, texts)
        return None
    return report


@login_required
@require_POST
def attach(request, report):
    """A body's operator attaches a file to one of the body's reports not yet accepted."""
    if not request.user.has_perm("thirdsector.change_activityreport"):
        raise Http404
    report = get_object_or_404(reports(request.user), pk=report)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            actions.attach_file(report, upload, by=request.user, kind=upload.siso_kind)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("File attached to the report."))
    else:
        for texts in form.errors.values():
            for text in texts:
                messages.error(request, text)
    return redirect("thirdsector:body")


@login_required
def attachment(request, report, pk):
    """An attachment, to whoever may read its report (a 404 to anyone else), audited."""
    if not request.user.has_perm("thirdsector.view_activityreport"):
        raise Http404  # e.g. a data steward, whose scope holds the person but not the reports
    report = get_object_or_404(reports(request.user), pk=report)
    attachment = get_object_or_404(report.attachments, pk=pk)
    audit.record(
        "view", actor=request.user, obj=attachment, person=report.person_id, purpose=_("attachment")
    )
    return private_files.download(
        attachment.file, filename=attachment.name, content_type=attachment.content_type
    )
