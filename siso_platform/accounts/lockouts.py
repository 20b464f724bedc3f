"""Sign-in lockouts (django-axes): the message a locked-out user reads, who lifts a lockout,
and lifting it.

Axes counts wrong passwords per username and, separately, per address (see
`client_address`); after `AXES_FAILURE_LIMIT` of either within the cool-off, even the right
password is refused until the cool-off passes or the regional administrator lifts the lock.
"""

import math

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from siso_platform.audit import log as audit

from .models import Membership, Role


def cool_off_minutes() -> int:
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


def lockout_message() -> str:
    minutes = cool_off_minutes()
    return ngettext(
        "Too many failed sign-ins for this account or from this address. Try again in "
        "%(minutes)d minute, or ask the regional administrator to lift the lock.",
        "Too many failed sign-ins for this account or from this address. Try again in "
        "%(minutes)d minutes, or ask the regional administrator to lift the lock.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page (or the API's JSON error) instead of the login form."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        # The API's one error shape (api/errors.py); nothing else imports `api`.
        return JsonResponse({"errors": {"detail": [lockout_message()]}}, status=status)
    context = {"message": lockout_message()}
    return render(request, "accounts/logins/locked_out.html", context, status=status)


def can_lift(user) -> bool:
    """Attempts carry usernames and addresses: the regional administrator only."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.active().filter(user=user, role=Role.REGIONAL_ADMIN).exists()


def current_attempts():
    """Failed sign-ins still counting (within the cool-off), newest first."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")


def is_locked(attempt: AccessAttempt) -> bool:
    """Whether the account or the address of this row is over the limit."""
    limit = settings.AXES_FAILURE_LIMIT
    rows = current_attempts()
    by_user = sum(
        rows.filter(username=attempt.username).values_list("failures_since_start", flat=True)
    )
    by_address = sum(
        rows.filter(ip_address=attempt.ip_address).values_list("failures_since_start", flat=True)
    )
    return max(by_user, by_address) >= limit


def lift(actor, *, username: str | None, ip_address: str | None) -> int:
    """Forget the failures of this account and of this address; audited."""
    if not username and not ip_address:
        return 0
    both = bool(username and ip_address)  # either one, not only the pair
    count = reset(ip=ip_address or None, username=username or None, ip_or_username=both)
    audit.record(
        "delete",
        actor=actor,
        obj="axes.accessattempt",
        purpose=_("sign-in lockout lifted"),
        detail={"username": username or "", "address": ip_address or "", "rows": count},
    )
    return count
