"""Which persons, households and cases a user may see and change.

Every queryset of personal data goes through this module. The rules, by role:

- regional administrator, auditor: configure and read aggregates; no identifying person data;
- zone administrator: the persons of the zone's municipalities;
- operator, social worker: the zone of their citizen office (or of their organisation);
- data steward: the persons of their municipality;
- third-sector operator: only the persons assigned to their body; casework registers that
  link with `register_person_link`, and third-sector operators may read, not change.

A person is placed by their municipality of residence; packages add other ways to reach a
person (a case in the zone, an assignment) with `register_person_link`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from siso_platform.people.models import Household, HouseholdMembership, Person

from .models import Membership, OrganisationKind, Role


@dataclass(frozen=True)
class Scope:
    unrestricted: bool = False
    zone_ids: frozenset[int] = field(default_factory=frozenset)
    municipality_ids: frozenset[int] = field(default_factory=frozenset)
    # Third-sector bodies whose assigned persons the user may read (not change).
    body_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.unrestricted or self.zone_ids or self.municipality_ids or self.body_ids)

    @property
    def sees_identifying_data(self) -> bool:
        return not self.empty


@dataclass(frozen=True)
class Grant:
    """One active membership, reduced to what scoping needs (pure data, easy to test)."""

    role: str
    organisation_kind: str
    organisation_id: int
    zone_id: int | None = None  # the organisation's zone (zone, or municipality's zone)
    municipality_id: int | None = None
    office_zone_id: int | None = None


def scope_from_grants(grants: Iterable[Grant], *, superuser: bool = False) -> Scope:
    if superuser:
        return Scope(unrestricted=True)
    zones, municipalities, bodies = set(), set(), set()
    for grant in grants:
        if grant.role == Role.ZONE_ADMIN and grant.zone_id:
            zones.add(grant.zone_id)
        elif grant.role in (Role.OPERATOR, Role.SOCIAL_WORKER):
            zone = grant.office_zone_id or grant.zone_id
            if zone:
                zones.add(zone)
        elif grant.role == Role.DATA_STEWARD:
            if grant.municipality_id:
                municipalities.add(grant.municipality_id)
            elif grant.zone_id:
                zones.add(grant.zone_id)
        elif (
            grant.role == Role.THIRD_SECTOR_OPERATOR
            and grant.organisation_kind == OrganisationKind.THIRD_SECTOR_BODY
        ):
            bodies.add(grant.organisation_id)
        # regional administrators and auditors: no person data at all
    return Scope(
        zone_ids=frozenset(zones),
        municipality_ids=frozenset(municipalities),
        body_ids=frozenset(bodies),
    )


def grants_of(user) -> list[Grant]:
    memberships = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation__municipality", "office__municipality")
    )
    grants = []
    for membership in memberships:
        organisation = membership.organisation
        municipality = organisation.municipality
        grants.append(
            Grant(
                role=membership.role,
                organisation_kind=organisation.kind,
                organisation_id=organisation.pk,
                zone_id=municipality.zone_id if municipality else organisation.zone_id,
                municipality_id=organisation.municipality_id,
                office_zone_id=membership.office.municipality.zone_id
                if membership.office
                else None,
            )
        )
    return grants


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_siso_scope", None)
    if cached is None:
        cached = scope_from_grants(grants_of(user), superuser=user.is_superuser)
        user._siso_scope = cached  # memberships rarely change within one request
    return cached


# Other ways to reach a person: functions (scope, change) -> Q over Person, or None.
PersonLink = Callable[[Scope, bool], Q | None]
_person_links: list[PersonLink] = []


def register_person_link(link: PersonLink) -> PersonLink:
    if link not in _person_links:
        _person_links.append(link)
    return link


def _territory_q(scope: Scope, municipality_path: str) -> Q:
    q = Q(pk__in=[])
    if scope.municipality_ids:
        q |= Q(**{f"{municipality_path}__in": scope.municipality_ids})
    if scope.zone_ids:
        q |= Q(**{f"{municipality_path}__zone__in": scope.zone_ids})
    return q


def person_q(scope: Scope, *, change: bool = False) -> Q | None:
    """The condition on Person for this scope; None means every person."""
    if scope.unrestricted:
        return None
    q = _territory_q(scope, "residence_municipality")
    for link in _person_links:
        extra = link(scope, change)
        if extra is not None:
            q |= extra
    return q


def persons(user, queryset: QuerySet | None = None, *, change: bool = False) -> QuerySet:
    queryset = Person.objects.all() if queryset is None else queryset
    scope = scope_for(user)
    if scope.empty:
        return queryset.none()
    q = person_q(scope, change=change)
    return queryset if q is None else queryset.filter(q)


def households(user, queryset: QuerySet | None = None, *, change: bool = False) -> QuerySet:
    """Households in the user's territory, or with a current member the user may see."""
    queryset = Household.objects.all() if queryset is None else queryset
    scope = scope_for(user)
    if scope.empty:
        return queryset.none()
    if scope.unrestricted:
        return queryset
    with_visible_member = HouseholdMembership.objects.current().filter(
        person__in=persons(user, change=change)
    )
    return queryset.filter(
        _territory_q(scope, "municipality") | Q(pk__in=with_visible_member.values("household"))
    )


def restrict(
    user,
    queryset: QuerySet,
    *,
    person_path: str | None = None,
    zone_path: str | None = None,
    change: bool = False,
) -> QuerySet:
    """Scope any queryset of personal data: rows in the user's zones (`zone_path`, e.g. a
    case's zone) or about a person the user may see (`person_path`)."""
    scope = scope_for(user)
    if scope.empty:
        return queryset.none()
    if scope.unrestricted:
        return queryset
    q = Q(pk__in=[])
    if zone_path and scope.zone_ids:
        q |= Q(**{f"{zone_path}__in": scope.zone_ids})
    if person_path:
        q |= Q(**{f"{person_path}__in": persons(user, change=change)})
    return queryset.filter(q)


def can_view_person(user, person: Person) -> bool:
    return persons(user).filter(pk=person.pk).exists()


def can_change_person(user, person: Person) -> bool:
    return persons(user, change=True).filter(pk=person.pk).exists()
