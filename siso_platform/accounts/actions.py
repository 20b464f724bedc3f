"""The one way memberships change: grant, change, approve, reject, revoke.

Each step checks who acts (their authority over the organisation, never on their own
membership), keeps four eyes on elevated roles and writes an audit event.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform import logs
from siso_platform.audit import log as audit

from . import rules, visibility
from .models import Membership, MembershipStatus, Role
from .roles import sync_user_groups

_TERMS = ("user", "organisation", "role", "office", "valid_from", "valid_to")


def _terms(membership: Membership) -> rules.Terms:
    return rules.Terms(
        user_id=membership.user_id,
        organisation_id=membership.organisation_id,
        role=membership.role,
        valid_from=membership.valid_from,
        valid_to=membership.valid_to,
    )


def _check_grantor(by, membership: Membership) -> None:
    """`by` may grant this membership's role in its organisation, and not to themselves."""
    if membership.user_id == by.pk:
        raise ValidationError({"user": _("You cannot give a role to yourself.")})
    if not visibility.governs(by, membership.organisation):
        raise ValidationError(
            {"organisation": _("You cannot manage the memberships of this organisation.")}
        )
    if not rules.may_grant_role(visibility.authority(by), membership.role):
        raise ValidationError(
            {
                "role": _("You cannot grant the role %(role)s.")
                % {"role": Role(membership.role).label}
            }
        )


def _check_own(by, membership: Membership) -> None:
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot change or approve your own membership."))


# The domain event each step logs.
_EVENTS = {
    "grant": "grant_requested",
    "change": "grant_changed",
    "approve": "grant_approved",
    "reject": "grant_rejected",
    "revoke": "grant_revoked",
}


def _record(action: str, by, membership: Membership, step: str, purpose: str) -> None:
    logs.event(
        _EVENTS[step],
        membership_id=membership.pk,
        role=membership.role,
        organisation_id=membership.organisation_id,
        status=membership.status,
        by_id=by.pk,
    )
    audit.record(
        action,
        actor=by,
        obj=membership,
        purpose=purpose,
        detail={
            "change": step,
            "role": membership.role,
            "organisation": membership.organisation_id,
            "user": membership.user_id,
            "status": membership.status,
            "requested_by": membership.requested_by_id,
        },
    )


def _save(membership: Membership) -> Membership:
    membership.full_clean()  # role fits the organisation, office inside it, one per role
    membership.save()
    return membership


@transaction.atomic
def grant(
    *,
    by,
    user,
    organisation,
    role: str,
    office=None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> Membership:
    """Give `user` a role; an elevated role waits for a second administrator's approval."""
    membership = Membership(
        user=user,
        organisation=organisation,
        role=role,
        office=office,
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
        requested_by=by,
        status=MembershipStatus.PENDING
        if rules.needs_approval(role)
        else MembershipStatus.APPROVED,
    )
    _check_grantor(by, membership)
    _save(membership)
    _record("create", by, membership, "grant", _("privilege grant"))
    return membership


@transaction.atomic
def change(membership: Membership, *, by, **terms) -> Membership:
    """Change a membership's terms (`_TERMS`). Widening an elevated grant (another person,
    organisation or role, a longer period) makes it wait for approval again."""
    unknown = set(terms) - set(_TERMS)
    if unknown:
        raise TypeError(f"Not a membership term: {', '.join(sorted(unknown))}")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _check_own(by, membership)
    _check_grantor(by, membership)  # authority over where it is now
    before, previous_user = _terms(membership), membership.user
    for name, value in terms.items():
        setattr(membership, name, value)
    _check_grantor(by, membership)  # and over where it goes
    if rules.needs_approval(membership.role) and (
        membership.status != MembershipStatus.APPROVED or rules.widens(before, _terms(membership))
    ):
        membership.status = MembershipStatus.PENDING
        membership.requested_by = by
        membership.decided_by = membership.decided_at = None
    elif not rules.needs_approval(membership.role):
        membership.status = MembershipStatus.APPROVED
        membership.requested_by = by
    _save(membership)
    if previous_user.pk != membership.user_id:
        sync_user_groups(previous_user)
    _record("update", by, membership, "change", _("privilege change"))
    return membership


def _decide(membership: Membership, by, status: str, step: str, purpose: str) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(_("This membership is not waiting for approval."))
    _check_own(by, membership)
    if membership.requested_by_id == by.pk:
        raise ValidationError(_("A second administrator must approve your own request."))
    if not visibility.governs(by, membership.organisation):
        raise ValidationError(
            {"organisation": _("You cannot manage the memberships of this organisation.")}
        )
    membership.status = status
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    _record("update", by, membership, step, purpose)
    return membership


@transaction.atomic
def approve(membership: Membership, *, by) -> Membership:
    """The grant takes effect (scope, role group) once a second administrator approves."""
    return _decide(membership, by, MembershipStatus.APPROVED, "approve", _("privilege approval"))


@transaction.atomic
def reject(membership: Membership, *, by) -> Membership:
    return _decide(membership, by, MembershipStatus.REJECTED, "reject", _("privilege rejection"))


@transaction.atomic
def revoke(membership: Membership, *, by) -> None:
    """Take a membership away (its history stays in the audit log)."""
    _check_own(by, membership)
    if not visibility.governs(by, membership.organisation):
        raise ValidationError(
            {"organisation": _("You cannot manage the memberships of this organisation.")}
        )
    _record("delete", by, membership, "revoke", _("privilege revocation"))
    membership.delete()
