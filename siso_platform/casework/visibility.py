"""Which casework records a user may read or change, on top of `accounts.scoping`.

- Zone staff read the whole record of every person they see (by residence, or because the
  person has a case or an access in their zone), whoever recorded it: that is what stops a
  need from being funded twice. They change the cases of their own zones.
- A third-sector body's operators see a person only while one of the person's cases is
  assigned to the body (and registered conditions hold: the body is accredited in the
  case's zone), and then only that case, its needs and its interventions.
- The register card: zone staff who register accesses (operators, social workers, zone
  administrators) learn, by an exact tax code only, that a person they do not follow is on
  the register, with name and birth year, so that an access (with a reason) can bring them
  into the zone. Partial codes and names find only the persons the user follows.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils import timezone

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Role
from siso_platform.accounts.scoping import Scope
from siso_platform.people import tax_code as tc
from siso_platform.people.models import Household, Person

from .models import (
    Access,
    Appointment,
    AppointmentStatus,
    Assignment,
    Case,
    CaseStatus,
    DiaryNote,
    Intervention,
    Need,
    RecordDocument,
)

# Conditions an assignment must also meet to give a body's operators a person, as functions
# (day) -> Q over Assignment; the third-sector package requires an accreditation in effect.
AssignmentCondition = Callable[[datetime.date], Q]
_assignment_conditions: list[AssignmentCondition] = []


def register_assignment_condition(condition: AssignmentCondition) -> None:
    if condition not in _assignment_conditions:
        _assignment_conditions.append(condition)


def assignments_in_effect(day: datetime.date | None = None) -> QuerySet:
    """Assignments that give their body's operators the person on `day` (default: today)."""
    day = day or timezone.localdate()
    assignments = Assignment.objects.in_effect(day)
    for condition in _assignment_conditions:
        assignments = assignments.filter(condition(day))
    return assignments


def _assigned_cases(body_ids) -> QuerySet:
    return assignments_in_effect().filter(body__in=body_ids).values("case")


def _zone_link(scope: Scope, change: bool) -> Q | None:
    """Persons with a case or an access in the user's zones."""
    if not scope.zone_ids:
        return None
    with_case = Case.objects.filter(zone__in=scope.zone_ids).values("person")
    with_access = Access.objects.filter(office__municipality__zone__in=scope.zone_ids)
    return Q(pk__in=with_case) | Q(pk__in=with_access.values("person"))


def _assignment_link(scope: Scope, change: bool) -> Q | None:
    """Persons whose case is assigned to the user's body today; read only."""
    if change or not scope.body_ids:
        return None
    return Q(pk__in=Case.objects.filter(pk__in=_assigned_cases(scope.body_ids)).values("person"))


def register() -> None:
    scoping.register_person_link(_zone_link)
    scoping.register_person_link(_assignment_link)


def _territorial(scope: Scope) -> Scope:
    """The scope without what assignments to a body give."""
    return dataclasses.replace(scope, body_ids=frozenset())


def _whole_record_persons(scope: Scope) -> QuerySet | None:
    """Persons whose whole record the scope reads (not through an assignment); None: all."""
    territorial = _territorial(scope)
    if territorial.empty:
        return Person.objects.none()
    q = scoping.person_q(territorial)
    return None if q is None else Person.objects.filter(q)


def through_assignments_only(user) -> bool:
    """The user reaches persons only through their body's assignments (a body's operator)."""
    scope = scoping.scope_for(user)
    return not scope.unrestricted and _territorial(scope).empty and bool(scope.body_ids)


def partner_only_persons(user) -> QuerySet:
    """Persons `user` reaches only through their body's assignments in effect today (not by
    zone): what is shared with the bodies a person is entrusted to is all they read of them."""
    scope = scoping.scope_for(user)
    if scope.unrestricted or not scope.body_ids:
        return Person.objects.none()
    assigned = Person.objects.filter(_assignment_link(scope, False))
    return assigned.exclude(pk__in=_whole_record_persons(scope))


def sees_whole_record(user, person: Person) -> bool:
    scope = scoping.scope_for(user)
    if scope.unrestricted:
        return True
    whole = _whole_record_persons(scope)
    return whole is not None and whole.filter(pk=person.pk).exists()


def households(user) -> QuerySet:
    """Households whose page the user may open: not through an assignment."""
    scope = scoping.scope_for(user)
    if not scope.unrestricted and _territorial(scope).empty:
        return Household.objects.none()
    return scoping.households(user)


def _readable(user, queryset: QuerySet, *, person_path: str, case_path: str | None) -> QuerySet:
    scope = scoping.scope_for(user)
    if scope.empty:
        return queryset.none()
    if scope.unrestricted:
        return queryset
    q = Q(pk__in=[])
    whole = _whole_record_persons(scope)
    if whole is not None:
        q |= Q(**{f"{person_path}__in": whole})
    if case_path and scope.body_ids:
        q |= Q(**{f"{case_path}__in": _assigned_cases(scope.body_ids)})
    return queryset.filter(q)


def cases(user, queryset: QuerySet | None = None, *, change: bool = False) -> QuerySet:
    queryset = Case.objects.all() if queryset is None else queryset
    if change:
        scope = scoping.scope_for(user)
        if scope.unrestricted:
            return queryset
        return queryset.filter(zone__in=scope.zone_ids)
    return _readable(user, queryset, person_path="person", case_path="pk")


def accesses(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Access.objects.all() if queryset is None else queryset
    return _readable(user, queryset, person_path="person", case_path=None)


def needs(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Need.objects.all() if queryset is None else queryset
    return _readable(user, queryset, person_path="person", case_path="case")


def interventions(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Intervention.objects.all() if queryset is None else queryset
    scoped = _readable(user, queryset, person_path="person", case_path="case")
    scope = scoping.scope_for(user)
    if scope.unrestricted or _territorial(scope).empty:
        return scoped
    # Interventions for a whole household: through the household or the case's person.
    by_household = queryset.filter(person__isnull=True).filter(
        Q(household__in=scoping.households(user)) | Q(case__person__in=_whole_record_persons(scope))
    )
    return scoped | by_household


def diary_notes(user, queryset: QuerySet | None = None) -> QuerySet:
    """Notes on the cases of persons whose whole record the user reads: never through a
    body's assignment (DESIGN.md: a body sees the case's needs and interventions only)."""
    queryset = DiaryNote.objects.all() if queryset is None else queryset
    return _readable(user, queryset, person_path="case__person", case_path=None)


def documents(user, queryset: QuerySet | None = None) -> QuerySet:
    """Documents on persons whose whole record the user reads (not through an assignment)."""
    queryset = RecordDocument.objects.all() if queryset is None else queryset
    return _readable(user, queryset, person_path="person", case_path=None)


def appointments(user, queryset: QuerySet | None = None) -> QuerySet:
    """Appointments with persons whose whole record the user reads, whoever booked them
    (shown on the person's page)."""
    queryset = Appointment.objects.all() if queryset is None else queryset
    return _readable(user, queryset, person_path="person", case_path=None)


def agenda(user, queryset: QuerySet | None = None) -> QuerySet:
    """The user's own diary: their appointments, with persons they still read. Only these
    are theirs to change."""
    if not user.is_authenticated:
        return Appointment.objects.none()
    return appointments(user, queryset).filter(operator=user)


# How long a person whose access the user recorded stays among the persons they follow.
RECENT_ACCESS_DAYS = 30


def followed_persons(user, today: datetime.date | None = None) -> QuerySet:
    """The persons the user follows, within their scope: of the open cases they are responsible
    for, whose access they recorded in the last RECENT_ACCESS_DAYS days, whom their own diary
    has them meet from today on, and the subjects of the tasks they work on or may take. A
    body's operator follows every person entrusted to the body. The web's "my persons" and the
    field app's working set (the API's `mine`) alike."""
    from workflows import runtime

    today = today or timezone.localdate()
    if through_assignments_only(user):
        return scoping.persons(user)
    since = today - datetime.timedelta(days=RECENT_ACCESS_DAYS)
    responsible = cases(user).filter(social_worker=user, status=CaseStatus.OPEN)
    recorded = accesses(user).filter(recorded_by=user, date__gte=since)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    meeting = agenda(user).filter(status=AppointmentStatus.SCHEDULED, starts_at__gte=start)
    # (a process keeps its subject in its JSON data: read in Python, a user's tasks are few;
    # the scope below still decides)
    tasks = runtime.my_tasks(user) | runtime.queue(user)
    subjects = {
        subject
        for subject in tasks.values_list("process__data__context__subject", flat=True)
        if isinstance(subject, int)
    }
    return scoping.persons(user).filter(
        Q(pk__in=responsible.values("person"))
        | Q(pk__in=recorded.values("person"))
        | Q(pk__in=meeting.values("person"))
        | Q(pk__in=subjects)
    )


# Who may learn, by exact tax code, that a person outside their scope is on the register:
# the zone's front line, who meet people at the desk and register their accesses. Never the
# region, auditors, data stewards or third-sector bodies.
REGISTER_ROLES = frozenset({Role.OPERATOR, Role.SOCIAL_WORKER, Role.ZONE_ADMIN})


@dataclasses.dataclass(frozen=True)
class RegisterCard:
    """All a register lookup tells: enough to recognise the person, nothing of their life."""

    person: Person  # for the access that follows; the card page shows only the fields below
    tax_code: str
    first_name: str
    last_name: str
    birth_year: int


def may_look_up_register(user) -> bool:
    scope = scoping.scope_for(user)
    if scope.unrestricted or not scope.zone_ids:
        return False  # the unrestricted follow everyone already; without a zone, no access
    return any(grant.role in REGISTER_ROLES for grant in scoping.grants_of(user))


def register_card(user, code: str) -> RegisterCard | None:
    """The card of the person whose tax code is exactly `code`, when the user may look them
    up and does not follow them yet; None otherwise (also for a partial code)."""
    code = tc.normalize(code or "")
    if len(code) not in (11, 16) or not may_look_up_register(user):
        return None
    person = Person.objects.filter(tax_code=code).first()
    if person is None or scoping.can_view_person(user, person):
        return None
    return RegisterCard(
        person, person.tax_code, person.first_name, person.last_name, person.birth_date.year
    )
