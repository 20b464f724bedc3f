"""Which organisations, memberships, offices and privilege-grant events a user may manage or
read: the region everything, a zone administrator their own zone; everyone else nothing."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from siso_platform.audit.models import AuditEvent
from siso_platform.territory.models import CitizenOffice

from . import rules
from .models import Membership, MembershipStatus, Organisation, OrganisationKind, Role
from .scoping import grants_of

GRANT_EVENT_TYPE = "accounts.membership"


def authority(user) -> rules.Authority:
    if user is None or not user.is_authenticated or not user.is_active:
        return rules.Authority()
    cached = getattr(user, "_siso_authority", None)
    if cached is None:
        cached = rules.authority_from_grants(grants_of(user), superuser=user.is_superuser)
        user._siso_authority = cached
    return cached


def zone_of(organisation: Organisation) -> int | None:
    if organisation.zone_id:
        return organisation.zone_id
    return organisation.municipality.zone_id if organisation.municipality_id else None


def governs(user, organisation: Organisation) -> bool:
    return rules.governs(authority(user), organisation.kind, zone_of(organisation))


def _organisation_q(auth: rules.Authority, path: str = "") -> Q | None:
    """None: every organisation."""
    if auth.regional:
        return None
    return Q(**{f"{path}kind": OrganisationKind.SOCIAL_ZONE, f"{path}zone__in": auth.zone_ids}) | Q(
        **{
            f"{path}kind": OrganisationKind.MUNICIPALITY,
            f"{path}municipality__zone__in": auth.zone_ids,
        }
    )


def _within(auth: rules.Authority, queryset: QuerySet, path: str = "") -> QuerySet:
    if auth.empty:
        return queryset.none()
    q = _organisation_q(auth, path)
    return queryset if q is None else queryset.filter(q)


def organisations(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Organisation.objects.all() if queryset is None else queryset
    return _within(authority(user), queryset)


def memberships(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Membership.objects.all() if queryset is None else queryset
    return _within(authority(user), queryset, "organisation__")


def offices(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = CitizenOffice.objects.all() if queryset is None else queryset
    auth = authority(user)
    if auth.empty:
        return queryset.none()
    return queryset if auth.regional else queryset.filter(municipality__zone__in=auth.zone_ids)


def grantees(user) -> QuerySet:
    """The accounts `user` may give a role to: the region any other account; a zone the
    accounts of its organisations and those with no role yet (a new colleague), never
    their own."""
    auth = authority(user)
    users = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    if auth.empty:
        return users.none()
    if auth.regional:
        return users
    return users.filter(
        Q(memberships__isnull=True) | Q(memberships__in=memberships(user))
    ).distinct()


def awaiting_decision(user) -> QuerySet:
    """Pending grants `user` may approve or reject (not their own requests or grants)."""
    return (
        memberships(user)
        .filter(status=MembershipStatus.PENDING)
        .exclude(user=user)
        .exclude(requested_by=user)
    )


def grant_events(user, queryset: QuerySet | None = None) -> QuerySet:
    """The audit events of memberships granted, changed, approved, rejected or revoked, for
    an auditor: a regional auditor the region's, a zone's auditor their zone's."""
    queryset = AuditEvent.objects.all() if queryset is None else queryset
    queryset = queryset.filter(object_type=GRANT_EVENT_TYPE)
    if user.is_superuser:
        return queryset
    zones, regional = set(), False
    for grant in grants_of(user):
        if grant.role != Role.AUDITOR:
            continue
        if grant.organisation_kind == OrganisationKind.REGION:
            regional = True
        elif grant.zone_id:
            zones.add(grant.zone_id)
    if regional:
        return queryset
    if not zones:
        return queryset.none()
    zone_organisations = Organisation.objects.filter(
        _organisation_q(rules.Authority(zone_ids=frozenset(zones)))
    ).values_list("pk", flat=True)
    return queryset.filter(detail__organisation__in=list(zone_organisations))
