"""Pages of the daily work around a record: the case diary, documents on a case or person,
the operator's agenda (La mia agenda) and their own persons (Le mie persone).

As everywhere in casework: records are fetched through `visibility` (404 outside the user's
scope), changes go through `actions`, and every page that shows a person writes an audit
event. A third-sector body's operators reach none of this (DESIGN.md: a body sees the
assigned case's needs and interventions only); the model permissions keep them and
auditors out, the querysets keep everyone else to their scope.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siso_platform import listing, private_files
from siso_platform.accounts import scoping
from siso_platform.audit import log as audit

from . import actions, agenda, visibility
from .diary_forms import AppointmentForm, DocumentForm, DoneForm, NoteForm, correction_initial
from .entry_forms import apply
from .models import AppointmentStatus, Case, CaseStatus

# "Le mie persone": the persons of the user's cases, and those whose access they recorded in
# this many days.


def _flash_errors(request, form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def _changeable_case(request, pk) -> Case:
    return get_object_or_404(
        visibility.cases(request.user, change=True).select_related("person"), pk=pk
    )


def _to_agenda(day: datetime.date):
    return redirect(reverse("casework:agenda") + f"?day={day.isoformat()}")


def _upcoming(queryset):
    start, _end = agenda.span(timezone.localdate())
    return queryset.filter(status=AppointmentStatus.SCHEDULED, starts_at__gte=start)


# --- what the case and person pages show (their views call these; the page's own audit event
# covers what they show) -----------------------------------------------------------------------


def case_context(user, case: Case) -> dict:
    notes = list(
        visibility.diary_notes(user).filter(case=case).select_related("written_by", "corrects")
    )
    corrected = {note.corrects_id: note for note in notes if note.corrects_id}
    writable = visibility.cases(user, change=True).filter(pk=case.pk).exists()
    return {
        "diary_notes": [(note, corrected.get(note.pk)) for note in notes],
        "may_write_note": writable and user.has_perm("casework.add_diarynote"),
        "may_read_notes": user.has_perm("casework.view_diarynote"),
        "note_form": NoteForm(initial={"happened_on": timezone.localdate(), "kind": "interview"}),
        "documents": visibility.documents(user)
        .filter(case=case)
        .select_related("uploaded_by", "case")
        if user.has_perm("casework.view_recorddocument")
        else None,
        "may_attach": writable and user.has_perm("casework.add_recorddocument"),
        "document_form": DocumentForm(),
        "document_upload_url": reverse("casework:add_case_document", args=[case.pk]),
    }


def person_context(user, person) -> dict:
    writable = scoping.can_change_person(user, person)
    return {
        "documents": visibility.documents(user)
        .filter(person=person)
        .select_related("uploaded_by", "case")
        if user.has_perm("casework.view_recorddocument")
        else None,
        "may_attach": writable and user.has_perm("casework.add_recorddocument"),
        "document_form": DocumentForm(),
        "document_upload_url": reverse("casework:add_person_document", args=[person.pk]),
        "appointments": _upcoming(
            visibility.appointments(user).filter(person=person)
        ).select_related("operator", "case")
        if user.has_perm("casework.view_appointment")
        else None,
        "may_book": writable and user.has_perm("casework.add_appointment"),
    }


def my_work(user) -> dict:
    """The home's links to the user's own lists, with today's appointments counted."""
    start, end = agenda.span(timezone.localdate(), 1)
    today = visibility.agenda(user).filter(
        status=AppointmentStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=end
    )
    return {"today": today.count()}


# --- the case diary ------------------------------------------------------------------------


@require_POST
@permission_required("casework.add_diarynote", raise_exception=True)
def add_note(request, pk):
    case = _changeable_case(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid() and apply(
        form, lambda: actions.write_note(by=request.user, case=case, **form.cleaned_data)
    ):
        messages.success(request, _("Note written in the diary."))
    _flash_errors(request, form)
    return redirect(reverse("casework:case", args=[case.pk]) + "#diary-title")


@permission_required("casework.add_diarynote", raise_exception=True)
def correct_note(request, pk, note_pk):
    """A correction: a new note, prefilled with the one it corrects, which stays as written."""
    case = _changeable_case(request, pk)
    note = get_object_or_404(
        visibility.diary_notes(request.user).filter(
            case=case, written_by=request.user, correction__isnull=True
        ),
        pk=note_pk,
    )
    form = NoteForm(request.POST or None, initial=correction_initial(note))
    if request.method == "POST" and form.is_valid():
        done = apply(
            form,
            lambda: actions.write_note(
                by=request.user, case=case, corrects=note, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("Correction written in the diary."))
            return redirect(reverse("casework:case", args=[case.pk]) + "#diary-title")
    audit.record(
        "view", actor=request.user, obj=note, person=case.person, purpose=_("diary note read")
    )
    return render(request, "casework/note_form.html", {"case": case, "note": note, "form": form})


# --- documents -----------------------------------------------------------------------------


def _attach(request, person, case, back: str):
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        done = apply(
            form,
            lambda: actions.attach_document(
                by=request.user,
                person=person,
                case=case,
                upload=data["file"],
                kind_found=data["file"].siso_kind,
                title=data["title"],
                kind=data["kind"],
            ),
        )
        if done is not None:
            messages.success(request, _("Document attached."))
    _flash_errors(request, form)
    return redirect(back + "#documents-title")


@require_POST
@permission_required("casework.add_recorddocument", raise_exception=True)
def add_case_document(request, pk):
    case = _changeable_case(request, pk)
    return _attach(request, case.person, case, reverse("casework:case", args=[case.pk]))


@require_POST
@permission_required("casework.add_recorddocument", raise_exception=True)
def add_person_document(request, person_pk):
    person = get_object_or_404(scoping.persons(request.user, change=True), pk=person_pk)
    return _attach(request, person, None, reverse("casework:person", args=[person.pk]))


@login_required
@permission_required("casework.view_recorddocument", raise_exception=True)
def document(request, pk):
    """A document's file, to whoever reads the person's whole record (404 to anyone else),
    audited; served as an attachment of its checked type (private_files.download)."""
    item = get_object_or_404(visibility.documents(request.user), pk=pk)
    audit.record(
        "view",
        actor=request.user,
        obj=item,
        person=item.person_id,
        purpose=_("document downloaded"),
    )
    return private_files.download(item.file, filename=item.name, content_type=item.content_type)


# --- the agenda ----------------------------------------------------------------------------


def _own_appointment(request, pk):
    appointment = get_object_or_404(
        visibility.agenda(request.user).select_related("person", "case"), pk=pk
    )
    return appointment


def _person_cases(user, person):
    """The person's open cases the user may write on: what an appointment may be about."""
    return visibility.cases(user, change=True).filter(person=person, status=CaseStatus.OPEN)


@login_required
@permission_required("casework.view_appointment", raise_exception=True)
def agenda_page(request):
    today = timezone.localdate()
    first = agenda.parse_day(request.GET.get("day"), today)
    start, end = agenda.span(first)
    mine = visibility.agenda(request.user).select_related("person", "case")
    week = agenda.days(first, mine.filter(starts_at__gte=start, starts_at__lt=end))
    # Past appointments still scheduled: done or not, they are still to be recorded.
    pending = list(
        mine.filter(
            status=AppointmentStatus.SCHEDULED, starts_at__lt=agenda.span(today)[0]
        ).order_by("-starts_at")[:20]
    )
    shown = {a.person_id for day in week for a in day.appointments} | {a.person_id for a in pending}
    audit.record_for_persons(
        "view", actor=request.user, obj="casework.appointment", persons=shown, purpose=_("agenda")
    )
    step = datetime.timedelta(days=agenda.WEEK)
    return render(
        request,
        "casework/agenda.html",
        {
            "week": week,
            "first": first,
            "today": today,
            "previous": first - step,
            "next": first + step,
            "pending": pending,
        },
    )


@permission_required("casework.add_appointment", raise_exception=True)
def new_appointment(request, person_pk):
    person = get_object_or_404(scoping.persons(request.user, change=True), pk=person_pk)
    cases = _person_cases(request.user, person)
    initial = {"date": timezone.localdate(), "duration_minutes": 60, "place": "office"}
    if cases.count() == 1:
        initial["case"] = cases.first()
    form = AppointmentForm(request.POST or None, cases=cases, initial=initial)
    if request.method == "POST" and form.is_valid():
        booked = apply(
            form,
            lambda: actions.book_appointment(by=request.user, person=person, **form.values()),
        )
        if booked is not None:
            messages.success(request, _("Appointment booked in your agenda."))
            day = timezone.localtime(booked.starts_at).date()
            return _to_agenda(day)
    audit.record(
        "view", actor=request.user, obj=person, person=person, purpose=_("appointment booking")
    )
    return render(
        request, "casework/appointment_form.html", {"person": person, "form": form, "new": True}
    )


@permission_required("casework.change_appointment", raise_exception=True)
def appointment(request, pk):
    item = _own_appointment(request, pk)
    cases = _person_cases(request.user, item.person)
    if item.case_id:
        cases = cases | Case.objects.filter(pk=item.case_id)
    form = AppointmentForm(
        request.POST or None, cases=cases, initial=AppointmentForm.initial_of(item)
    )
    editable = item.status == AppointmentStatus.SCHEDULED
    if request.method == "POST" and editable and form.is_valid():
        done = apply(
            form, lambda: actions.change_appointment(item, by=request.user, **form.values())
        )
        if done is not None:
            messages.success(request, _("Appointment saved."))
            day = timezone.localtime(done.starts_at).date()
            return _to_agenda(day)
    audit.record(
        "view", actor=request.user, obj=item, person=item.person, purpose=_("appointment read")
    )
    return render(
        request,
        "casework/appointment_form.html",
        {"person": item.person, "form": form, "appointment": item, "editable": editable},
    )


@require_POST
@permission_required("casework.change_appointment", raise_exception=True)
def cancel_appointment(request, pk):
    item = _own_appointment(request, pk)
    try:
        actions.cancel_appointment(item, by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Appointment cancelled."))
    day = timezone.localtime(item.starts_at).date()
    return _to_agenda(day)


@permission_required("casework.change_appointment", raise_exception=True)
def appointment_done(request, pk):
    """Mark an appointment done; its note, if written, goes to the case's diary."""
    item = _own_appointment(request, pk)
    writable = (
        item.case_id is not None
        and request.user.has_perm("casework.add_diarynote")
        and visibility.cases(request.user, change=True).filter(pk=item.case_id).exists()
    )
    form = DoneForm(request.POST or None)
    if not writable:
        del form.fields["note"]
    if request.method == "POST" and form.is_valid():
        done = apply(
            form,
            lambda: actions.complete_appointment(
                item, by=request.user, note=form.cleaned_data.get("note", "")
            ),
        )
        if done is not None:
            messages.success(request, _("Appointment marked done."))
            day = timezone.localtime(item.starts_at).date()
            return _to_agenda(day)
    audit.record(
        "view", actor=request.user, obj=item, person=item.person, purpose=_("appointment read")
    )
    return render(request, "casework/appointment_done.html", {"appointment": item, "form": form})


# --- my persons ----------------------------------------------------------------------------


@login_required
@permission_required("casework.view_case", raise_exception=True)
@permission_required("casework.view_access", raise_exception=True)
def my_persons(request):
    today = timezone.localdate()
    found = visibility.followed_persons(request.user, today).order_by(
        "last_name", "first_name", "pk"
    )
    page = listing.page_of(request, found)
    persons = list(page)
    ids = [p.pk for p in persons]
    my_cases = {}
    for case in visibility.cases(request.user).filter(
        social_worker=request.user, status=CaseStatus.OPEN, person__in=ids
    ):
        my_cases.setdefault(case.person_id, []).append(case)
    next_visit = {}
    for item in _upcoming(visibility.agenda(request.user).filter(person__in=ids)).order_by(
        "starts_at"
    ):
        next_visit.setdefault(item.person_id, item)
    rows = [(p, my_cases.get(p.pk, []), next_visit.get(p.pk)) for p in persons]
    audit.record_for_persons(
        "view", actor=request.user, obj="people.person", persons=ids, purpose=_("my persons")
    )
    total = page.paginator.count
    return render(
        request,
        "casework/my_persons.html",
        {
            "rows": rows,
            "page": page,
            "days": visibility.RECENT_ACCESS_DAYS,
            "count_label": listing.counted(total, _("1 person"), _("%(count)s persons")),
        },
    )
