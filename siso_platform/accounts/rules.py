"""Who may grant, change and approve memberships: pure checks over plain data."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import OrganisationKind, Role

# Roles that reach a whole zone or the region, the audit log or the registry: a second
# administrator approves each grant before it takes effect.
ELEVATED_ROLES = frozenset({Role.REGIONAL_ADMIN, Role.ZONE_ADMIN, Role.AUDITOR, Role.DATA_STEWARD})

# What a zone administrator may grant (in their own zone's organisations).
ZONE_GRANTABLE_ROLES = frozenset(
    {Role.ZONE_ADMIN, Role.OPERATOR, Role.SOCIAL_WORKER, Role.DATA_STEWARD, Role.AUDITOR}
)


@dataclass(frozen=True)
class Authority:
    """Over which organisations a user manages memberships."""

    regional: bool = False
    zone_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.regional or self.zone_ids)


def authority_from_grants(grants: Iterable, *, superuser: bool = False) -> Authority:
    """`grants` are `scoping.Grant`s (approved, active memberships)."""
    regional, zones = superuser, set()
    for grant in grants:
        if grant.role == Role.REGIONAL_ADMIN:
            regional = True
        elif grant.role == Role.ZONE_ADMIN and grant.zone_id:
            zones.add(grant.zone_id)
    return Authority(regional=regional, zone_ids=frozenset(zones))


def governs(authority: Authority, kind: str, zone_id: int | None) -> bool:
    """The region governs every organisation; a zone its own and its municipalities'."""
    if authority.regional:
        return True
    return (
        kind in (OrganisationKind.SOCIAL_ZONE, OrganisationKind.MUNICIPALITY)
        and zone_id in authority.zone_ids
    )


def may_grant_role(authority: Authority, role: str) -> bool:
    return authority.regional or (bool(authority.zone_ids) and role in ZONE_GRANTABLE_ROLES)


def needs_approval(role: str) -> bool:
    return role in ELEVATED_ROLES


@dataclass(frozen=True)
class Terms:
    """What a membership grants: whom, where, what, for how long."""

    user_id: int
    organisation_id: int
    role: str
    valid_from: datetime.date
    valid_to: datetime.date | None


def widens(before: Terms, after: Terms) -> bool:
    """Whether a change grants something the approved membership did not: another person,
    organisation or role, or a longer period. Shortening it (ending it) grants nothing."""
    if (before.user_id, before.organisation_id, before.role) != (
        after.user_id,
        after.organisation_id,
        after.role,
    ):
        return True
    if after.valid_from < before.valid_from:
        return True
    if before.valid_to is None:
        return False
    return after.valid_to is None or after.valid_to > before.valid_to
