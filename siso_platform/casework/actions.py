"""The one way casework records change: operator pages, the API and workflow actions call these.

Each function checks the rules of `rules.py`, refuses bad input with a ValidationError keyed by
field, writes in one transaction and leaves an audit event. Who may act on which record is
the caller's business: pages and API views fetch records through `visibility` first.
"""

import datetime
import pathlib
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform import logs
from siso_platform.accounts import scoping
from siso_platform.accounts.models import Organisation, OrganisationKind
from siso_platform.audit import log as audit
from siso_platform.people.models import Household, HouseholdMembership, Person
from siso_platform.sync.channels import EnteredVia

from . import rules, visibility
from .models import (
    Access,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Assignment,
    CarePlan,
    CarePlanVersion,
    Case,
    CaseStatus,
    CatalogueItem,
    Delivery,
    DiaryNote,
    Goal,
    Intervention,
    InterventionStatus,
    Need,
    NeedCategory,
    NeedOrigin,
    NeedStatus,
    NoteKind,
    RecordDocument,
)


def _refuse(problems: rules.Problems) -> None:
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})


class StateConflict(ValidationError):
    """A refusal because the record changed since the user saw it (a case closed, an
    intervention ended): the input was right, the record moved on. Pages show it as any
    refusal; the API answers 409 so that the app keeps the item as a draft."""


def _conflict(problems: rules.Problems) -> None:
    if problems:
        raise StateConflict({field: [message] for field, message in problems.items()})


def _save(instance, *, exclude: Sequence[str] = ()) -> None:
    # Field checks (choices, lengths); the friendlier rule messages came first.
    instance.full_clean(exclude=list(exclude), validate_constraints=False)
    instance.save()


def _audit(action: str, by, obj, person, purpose: str, **detail) -> None:
    audit.record(action, actor=by, obj=obj, person=person, purpose=purpose, detail=detail)


def current_household(person: Person) -> Household | None:
    membership = (
        HouseholdMembership.objects.current().filter(person=person).select_related("household")
    ).first()
    return membership.household if membership else None


@transaction.atomic
def register_person(person: Person, *, by) -> Person:
    """Save a person met at the office; the tax code is checked against their data.

    A tax code already on record is that person, wherever they live: the record is returned
    unchanged and the access the caller then records brings them into the zone's scope. The
    answer is the one a new person gets, so registering never tells whether someone exists
    outside the user's scope; identity data contradicting the record are refused without
    saying what is stored (`rules.identity_problems`)."""
    person.full_clean(validate_unique=False)
    existing = Person.objects.filter(tax_code=person.tax_code).first()
    if existing is None:
        person.save()
        _audit("create", by, person, person, _("person registered"))
        return person
    identity = {field: getattr(person, field) for field in rules.IDENTITY_FIELDS}
    on_record = {field: getattr(existing, field) for field in rules.IDENTITY_FIELDS}
    _refuse(rules.identity_problems(identity, on_record))
    _audit(
        "update",
        by,
        existing,
        existing,
        _("access registered"),
        existing_person=True,
        brought_into_scope=not scoping.can_view_person(by, existing),
    )
    return existing


@transaction.atomic
def register_access(
    *,
    by,
    office,
    person: Person,
    channel: str,
    reason: str,
    outcome: str,
    referred_to: str = "",
    date: datetime.date | None = None,
    register_reason: str = "",
    entered_via: str = EnteredVia.WEB,
) -> Access:
    date = date or timezone.localdate()
    _refuse(
        rules.access_problems(
            date=date, today=timezone.localdate(), outcome=outcome, referred_to=referred_to
        )
    )
    access = Access(
        office=office,
        person=person,
        date=date,
        channel=channel,
        reason=reason,
        outcome=outcome,
        referred_to=referred_to,
        recorded_by=by,
        register_reason=register_reason.strip(),
        entered_via=entered_via,
    )
    _save(access)
    _audit("create", by, access, person, _("access registered"))
    return access


@transaction.atomic
def register_access_from_register(*, by, person: Person, register_reason: str, **access) -> Access:
    """An access for a person found on the register by exact tax code, whom the user's zones
    do not follow yet. The access at an office of the zone brings the person into the zone's
    scope (`visibility._zone_link`), so it needs a reason: kept on the access, which every
    zone reading the person sees, and written to the audit log with who and when."""
    _refuse(rules.register_reason_problems(register_reason))
    followed = scoping.can_view_person(by, person)
    created = register_access(by=by, person=person, register_reason=register_reason, **access)
    _audit(
        "update",
        by,
        person,
        person,
        _("brought into the zone by an access"),
        access=created.pk,
        office=created.office.name,
        reason=created.register_reason,
        brought_into_scope=not followed,
    )
    return created


@transaction.atomic
def attach_intake(access: Access, submission, *, by) -> Access:
    """Link the intake questionnaire filled during the access."""
    if submission.subject_id != access.person_id:
        _refuse({"intake": _("The questionnaire is about another person.")})
    if access.intake_id and access.intake_id != submission.pk:
        _refuse({"intake": _("This access already has an intake questionnaire.")})
    access.intake = submission
    access.save(update_fields=["intake", "updated_at"])
    _audit("update", by, access, access.person_id, _("intake questionnaire linked"))
    return access


@transaction.atomic
def open_case(
    *,
    by,
    person: Person,
    office,
    social_worker=None,
    household: Household | None = None,
    access: Access | None = None,
    opened_on: datetime.date | None = None,
    needs: Iterable[NeedCategory] = (),
) -> Case:
    """Take a person in charge at an office; expressed needs may be noted at once."""
    zone = office.municipality.zone
    already = Case.objects.open().filter(person=person, zone=zone).first()
    if already is not None:
        _refuse(
            {
                "person": _("%(person)s already has an open case in this zone (case %(number)s).")
                % {"person": f"{person.first_name} {person.last_name}", "number": already.pk}
            }
        )
    if access is not None and access.person_id != person.pk:
        _refuse({"access": _("The access is about another person.")})
    case = Case(
        person=person,
        household=household if household is not None else current_household(person),
        zone=zone,
        office=office,
        access=access,
        social_worker=social_worker,
        opened_on=opened_on or timezone.localdate(),
    )
    _save(case)
    CarePlan.objects.create(case=case, updated_by=by)
    _audit("create", by, case, person, _("case opened"))
    logs.event("case_opened", case_id=case.pk, zone_id=zone.pk, office_id=office.pk, by_id=by.pk)
    for category in needs:
        add_need(
            by=by,
            case=case,
            category=category,
            origin=NeedOrigin.EXPRESSED,
            noted_on=case.opened_on,
        )
    return case


@transaction.atomic
def add_need(
    *,
    by,
    category: NeedCategory,
    origin: str,
    case: Case | None = None,
    person: Person | None = None,
    notes: str = "",
    noted_on: datetime.date | None = None,
    detected_by: str = "",
) -> Need:
    """Note a need of a case's person, or of a person without a case (a detected need)."""
    person = case.person if case is not None else person
    if case is not None and case.is_closed:
        _refuse({"case": _("The case is closed: it cannot receive new needs.")})
    if not category.active:
        _refuse({"category": _("This need category is retired.")})
    need = Need(
        person=person,
        household=case.household if case is not None else current_household(person),
        case=case,
        category=category,
        origin=origin,
        notes=notes,
        noted_on=noted_on or timezone.localdate(),
        detected_by=detected_by,
        recorded_by=by,
    )
    _save(need)
    _audit("create", by, need, person, _("need noted"))
    return need


@transaction.atomic
def set_need_status(need: Need, status: str, *, by, on: datetime.date | None = None) -> Need:
    need.status = status
    need.closed_on = (on or timezone.localdate()) if status == NeedStatus.CLOSED else None
    _save(need)
    _audit("update", by, need, need.person_id, _("need status changed"), status=status)
    return need


def _goal_snapshot(goal: Goal) -> dict:
    return {
        "description": goal.description,
        "due_on": goal.due_on.isoformat() if goal.due_on else None,
        "status": goal.status,
    }


def _same_text(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@transaction.atomic
def update_care_plan(
    case: Case,
    *,
    by,
    summary: str,
    agreed_on: datetime.date | None,
    review_on: datetime.date | None,
    goals: Sequence[dict] | None,
    source: str = "",
    submission=None,
) -> CarePlan:
    """Make this the plan's text, dates and goals, and keep it as the plan's next version.

    Every page and procedure step that edits the plan shows the current one to edit, so what
    arrives is the whole plan as the user left it; the earlier states stay in
    `CarePlanVersion`, never rewritten. Goals are dicts of Goal's fields: one with the text of
    a goal already on the plan is that goal, and keeps its date and status unless given new
    ones (a list of goal texts, as the first questionnaires gave, loses no dates); a goal
    left out was removed by the user. `goals=None` keeps the goals as they are."""
    if case.is_closed:
        _refuse({"__all__": _("The case is closed: its care plan can no longer change.")})
    if review_on and review_on < case.opened_on:
        _refuse({"review_on": _("The review date cannot be before the case was opened.")})
    CarePlan.objects.get_or_create(case=case)
    plan = CarePlan.objects.select_for_update().get(case=case)  # one version number at a time
    plan.summary, plan.agreed_on, plan.review_on, plan.updated_by = (
        summary,
        agreed_on,
        review_on,
        by,
    )
    _save(plan)
    if goals is not None:
        earlier = {}
        for goal in plan.goals.all():
            earlier.setdefault(_same_text(goal.description), goal)
        kept = []
        for position, fields in enumerate(goals):
            goal = earlier.pop(_same_text(fields.get("description", "")), None) or Goal(plan=plan)
            for name, value in fields.items():
                setattr(goal, name, value)
            goal.position = position
            _save(goal, exclude=["plan"])
            kept.append(goal.pk)
        plan.goals.exclude(pk__in=kept).delete()
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = CarePlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        summary=plan.summary,
        agreed_on=plan.agreed_on,
        review_on=plan.review_on,
        goals=[_goal_snapshot(goal) for goal in plan.goals.order_by("position", "pk")],
        recorded_by=by,
        source=source[:200],
        submission=submission,
    )
    _audit(
        "update",
        by,
        plan,
        case.person_id,
        _("care plan updated"),
        version=version.number,
        goals=len(version.goals),
    )
    return plan


def _concerned(intervention: Intervention) -> int | None:
    """The person an intervention is about, for the audit log."""
    if intervention.person_id:
        return intervention.person_id
    return intervention.case.person_id if intervention.case_id else None


def _intervention_problems(intervention: Intervention) -> rules.Problems:
    return rules.intervention_problems(
        starts_on=intervention.starts_on,
        ends_on=intervention.ends_on,
        amount=intervention.amount,
        quantity=intervention.quantity,
        unit=intervention.item.unit,
        status=intervention.status,
        has_beneficiary=bool(intervention.person_id or intervention.household_id),
    ) | rules.share_problems(
        amount=intervention.amount,
        user_share=intervention.user_share,
        health_share=intervention.health_share,
    )


@transaction.atomic
def record_intervention(
    *,
    by,
    item: CatalogueItem,
    provider: Organisation,
    starts_on: datetime.date,
    case: Case | None = None,
    person: Person | None = None,
    household: Household | None = None,
    need: Need | None = None,
    ends_on: datetime.date | None = None,
    amount: Decimal | None = None,
    quantity: Decimal | None = None,
    user_share: Decimal | None = None,
    health_share: Decimal | None = None,
    means_test_waived: bool = False,
    status: str = InterventionStatus.PLANNED,
    source: str = "operator",
    source_reference: str = "",
    notes: str = "",
    entered_via: str | None = None,
) -> Intervention:
    """Record a benefit or service; `person` and `household` say who receives it."""
    if entered_via is None:
        entered_via = EnteredVia.IMPORT if source == "import" else EnteredVia.WEB
    case_status = None
    if case is not None:  # read under lock: closing the case waits for this transaction
        case_status = (
            Case.objects.select_for_update().values_list("status", flat=True).get(pk=case.pk)
        )
    _refuse(rules.new_intervention_problems(case_status=case_status, item_active=item.active))
    if need is not None and case is not None and need.case_id != case.pk:
        _refuse({"need": _("The need belongs to another case.")})
    intervention = Intervention(
        case=case,
        person=person,
        household=household,
        need=need,
        item=item,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        amount=amount,
        quantity=quantity,
        user_share=user_share,
        health_share=health_share,
        means_test_waived=means_test_waived,
        status=status,
        source=source,
        source_reference=source_reference,
        notes=notes,
        recorded_by=by,
        entered_via=entered_via,
    )
    _refuse(_intervention_problems(intervention))
    _save(intervention)
    _audit("create", by, intervention, _concerned(intervention), _("intervention recorded"))
    return intervention


@transaction.atomic
def change_intervention(intervention: Intervention, *, by, **changes) -> Intervention:
    """Change an intervention's period, amounts, status or notes (e.g. end or suspend it)."""
    allowed = {
        "ends_on",
        "starts_on",
        "amount",
        "quantity",
        "user_share",
        "health_share",
        "means_test_waived",
        "status",
        "notes",
        "need",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Cannot change {', '.join(sorted(unknown))} of an intervention")
    for field, value in changes.items():
        setattr(intervention, field, value)
    _refuse(_intervention_problems(intervention))
    _save(intervention)
    _audit(
        "update",
        by,
        intervention,
        _concerned(intervention),
        _("intervention changed"),
        fields=sorted(changes),
    )
    return intervention


@transaction.atomic
def assign_case(
    case: Case,
    *,
    by,
    body: Organisation,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    purpose: str = "",
) -> Assignment:
    """Entrust a case to a third-sector body: its operators see the person for the period."""
    locked = Case.objects.select_for_update().get(pk=case.pk)  # closing waits for us
    _refuse(
        rules.assignment_problems(
            starts_on=starts_on,
            ends_on=ends_on,
            body_is_third_sector=body.kind == OrganisationKind.THIRD_SECTOR_BODY,
            body_active=body.active,
            case_status=locked.status,
        )
    )
    assignment = Assignment(
        case=case,
        body=body,
        starts_on=starts_on,
        ends_on=ends_on,
        purpose=purpose,
        assigned_by=by,
    )
    _save(assignment)
    # The conditions others register (an accreditation in the case's zone) hold from day one.
    if not visibility.assignments_in_effect(starts_on).filter(pk=assignment.pk).exists():
        _refuse(
            {
                "body": _("The body is not accredited in the case's zone on %(date)s.")
                % {"date": starts_on.strftime("%d/%m/%Y")}
            }
        )
    _audit("create", by, assignment, case.person_id, _("case assigned"), body=body.pk)
    return assignment


@transaction.atomic
def end_assignment(assignment: Assignment, *, by, ends_on: datetime.date) -> Assignment:
    _refuse(rules.period_problems(assignment.starts_on, ends_on))
    case = assignment.case
    if case.is_closed and ends_on > case.closed_on:
        _refuse(
            {
                "ends_on": _("The case closed on %(date)s: the assignment ends by then.")
                % {"date": case.closed_on.strftime("%d/%m/%Y")}
            }
        )
    assignment.ends_on = ends_on
    _save(assignment)
    _audit("update", by, assignment, assignment.case.person_id, _("assignment ended"))
    return assignment


@transaction.atomic
def close_case(case: Case, *, by, closed_on: datetime.date, outcome: str, note: str = "") -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.is_closed:
        _refuse({"__all__": _("The case is already closed.")})
    running = case.interventions.filter(
        status__in=[InterventionStatus.PLANNED, InterventionStatus.ACTIVE]
    ).select_related("item")
    _refuse(
        rules.closing_problems(
            opened_on=case.opened_on,
            closed_on=closed_on,
            outcome=outcome,
            running=[str(item.item) for item in running],
        )
    )
    case.status, case.closed_on, case.closing_outcome, case.closing_note = (
        CaseStatus.CLOSED,
        closed_on,
        outcome,
        note,
    )
    _save(case)
    # Assignments end with the case; one that had not begun yet never will.
    case.assignments.filter(starts_on__gt=closed_on).delete()
    case.assignments.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=closed_on)).update(
        ends_on=closed_on
    )
    _audit("update", by, case, case.person_id, _("case closed"), outcome=outcome)
    logs.event("case_closed", case_id=case.pk, outcome=outcome, by_id=by.pk)
    return case


@transaction.atomic
def set_social_worker(case: Case, social_worker, *, by) -> Case:
    """Make `social_worker` responsible for the case."""
    if case.is_closed:
        _refuse({"social_worker": _("The case is closed.")})
    case.social_worker = social_worker
    case.save(update_fields=["social_worker", "updated_at"])
    _audit("update", by, case, case.person_id, _("responsible social worker set"))
    return case


# --- the case diary, documents on the record, the operators' appointments -------------------


@transaction.atomic
def write_note(
    *,
    by,
    case: Case,
    kind: str,
    text: str,
    happened_on: datetime.date | None = None,
    corrects: DiaryNote | None = None,
    entered_via: str = EnteredVia.WEB,
) -> DiaryNote:
    """Add a note to the case's diary. Notes are never edited: a correction is a new note
    naming the one it corrects (only its author's, once), and both stay in the diary."""
    happened_on = happened_on or timezone.localdate()
    _refuse(rules.note_problems(text=text, happened_on=happened_on, today=timezone.localdate()))
    if corrects is not None:
        corrects = DiaryNote.objects.select_for_update().get(pk=corrects.pk)
        _refuse(
            rules.correction_problems(
                written_by_user=corrects.written_by_id == by.pk,
                already_corrected=DiaryNote.objects.filter(corrects=corrects).exists(),
            )
        )
        if corrects.case_id != case.pk:
            _refuse({"__all__": _("The note corrected is on another case.")})
    note = DiaryNote(
        case=case,
        kind=kind,
        happened_on=happened_on,
        text=text.strip(),
        corrects=corrects,
        written_by=by,
        entered_via=entered_via,
    )
    _save(note)
    _audit(
        "create",
        by,
        note,
        case.person_id,
        _("diary note corrected") if corrects else _("diary note written"),
        case=case.pk,
        **({"corrects": corrects.pk} if corrects else {}),
    )
    return note


@transaction.atomic
def attach_document(
    *,
    by,
    person: Person,
    upload,
    kind_found,
    title: str,
    kind: str,
    case: Case | None = None,
    entered_via: str = EnteredVia.WEB,
) -> RecordDocument:
    """Keep a document on the person's record (and on the case). `upload` was checked by
    `uploads.check`, which found `kind_found`: the download is served as that type."""
    if case is not None and case.person_id != person.pk:
        _refuse({"case": _("The case is about another person.")})
    document = RecordDocument(
        person=person,
        case=case,
        title=title.strip(),
        kind=kind,
        name=pathlib.PurePath(upload.name).name[:200],
        content_type=kind_found.mime,
        size=upload.size,
        uploaded_by=by,
        entered_via=entered_via,
    )
    document.full_clean(exclude=["file"])
    document.file.save(document.name, upload, save=True)  # private storage (docs/files.md)
    _audit("create", by, document, person.pk, _("document attached"), case=case and case.pk)
    return document


@transaction.atomic
def record_delivery(
    intervention: Intervention,
    *,
    by,
    date: datetime.date,
    quantity: Decimal,
    note: str = "",
    entered_via: str = EnteredVia.WEB,
) -> Delivery:
    """Record what an intervention delivered on a day (hours of home care, a day at the
    centre): it adds to the intervention's delivered quantity. A case closed or an
    intervention ended or suspended since is a `StateConflict`."""
    intervention = (
        Intervention.objects.select_for_update().select_related("item").get(pk=intervention.pk)
    )
    case_status = (
        Case.objects.values_list("status", flat=True).get(pk=intervention.case_id)
        if intervention.case_id
        else None
    )
    _conflict(
        rules.delivery_conflicts(case_status=case_status, intervention_status=intervention.status)
    )
    _refuse(
        rules.delivery_problems(
            date=date,
            today=timezone.localdate(),
            quantity=quantity,
            unit=intervention.item.unit,
            intervention_status=intervention.status,
            starts_on=intervention.starts_on,
            ends_on=intervention.ends_on,
        )
    )
    delivery = Delivery(
        intervention=intervention,
        date=date,
        quantity=quantity,
        note=note.strip(),
        recorded_by=by,
        entered_via=entered_via,
    )
    _save(delivery)
    intervention.delivered_quantity += quantity
    intervention.save(update_fields=["delivered_quantity", "updated_at"])
    _audit(
        "create",
        by,
        delivery,
        _concerned(intervention),
        _("delivery recorded"),
        intervention=intervention.pk,
    )
    return delivery


def _appointment_values(appointment: Appointment, *, new: bool) -> None:
    _refuse(
        rules.appointment_problems(
            starts_at=timezone.localtime(appointment.starts_at),
            now=timezone.localtime(),
            duration_minutes=appointment.duration_minutes or 0,
            place=appointment.place,
            place_detail=appointment.place_detail,
            status=appointment.status,
            new=new,
        )
    )
    if appointment.case_id and appointment.case.person_id != appointment.person_id:
        _refuse({"case": _("The case is about another person.")})


@transaction.atomic
def book_appointment(*, by, person: Person, case: Case | None = None, **values) -> Appointment:
    """An appointment in `by`'s own diary with the person (and about one of their cases)."""
    if "place_detail" in values:
        values["place_detail"] = values["place_detail"].strip()
    appointment = Appointment(operator=by, person=person, case=case, **values)
    _appointment_values(appointment, new=True)
    _save(appointment)
    _audit("create", by, appointment, person.pk, _("appointment booked"))
    return appointment


@transaction.atomic
def change_appointment(appointment: Appointment, *, by, **changes) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    for name, value in changes.items():
        setattr(appointment, name, value.strip() if name == "place_detail" else value)
    _appointment_values(appointment, new=False)
    _save(appointment)
    _audit("update", by, appointment, appointment.person_id, _("appointment changed"))
    return appointment


@transaction.atomic
def cancel_appointment(appointment: Appointment, *, by) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _refuse(rules.cancellation_problems(status=appointment.status))
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save(update_fields=["status", "updated_at"])
    _audit("update", by, appointment, appointment.person_id, _("appointment cancelled"))
    return appointment


# What a done appointment writes in the case diary, by its kind.
NOTE_KIND_OF_APPOINTMENT = {
    AppointmentKind.INTERVIEW: NoteKind.INTERVIEW,
    AppointmentKind.HOME_VISIT: NoteKind.HOME_VISIT,
    AppointmentKind.PHONE_CALL: NoteKind.PHONE_CALL,
    AppointmentKind.MEETING: NoteKind.NOTE,
}


@transaction.atomic
def complete_appointment(appointment: Appointment, *, by, note: str = "") -> Appointment:
    """Mark the appointment done; with `note`, also write it in its case's diary, dated on
    the appointment's day (the caller has checked the user may write on that case)."""
    # Only the appointment's row is locked: PostgreSQL locks no row of an outer join's
    # nullable side (the optional case).
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=appointment.pk)
    )
    day = timezone.localtime(appointment.starts_at).date()
    _refuse(
        rules.completion_problems(
            status=appointment.status, starts_on=day, today=timezone.localdate()
        )
    )
    if note.strip():
        if appointment.case is None:
            _refuse({"note": _("The appointment is not about a case: there is no diary.")})
        appointment.diary_note = write_note(
            by=by,
            case=appointment.case,
            kind=NOTE_KIND_OF_APPOINTMENT[appointment.kind],
            text=note,
            happened_on=day,
        )
    appointment.status = AppointmentStatus.DONE
    appointment.save(update_fields=["status", "diary_note", "updated_at"])
    _audit("update", by, appointment, appointment.person_id, _("appointment done"))
    return appointment
