"""The e-mail digest: one message per user with unread notifications since their last one.

The message counts what is new by kind and links to the notifications page; it carries no
name, tax code, alert or task words, since e-mail leaves the platform's control."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import rules
from .models import Notification, Preference

logger = logging.getLogger(__name__)


def page_url() -> str:
    """The notifications page's absolute address, from the platform's public address."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("notifications:list")


def message_for(user, kinds: list[str]) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        counts = rules.digest_counts(kinds)
        lines = [
            _("Hello,"),
            "",
            _("there is something new for you in SISO since the last e-mail:"),
            "",
            *(f"- {label}: {count}" for label, count in counts),
            "",
            _("Read it on the platform (you will be asked to sign in):"),
            page_url(),
            "",
            _("To stop these e-mails, untick the choice at the bottom of that page."),
        ]
        subject = _("SISO: new notifications (%(count)s)") % {"count": len(kinds)}
    return EmailMessage(subject=subject, body="\n".join(lines), to=[user.email])


def due(until) -> dict[int, list[str]]:
    """The kinds of unread notifications, by user, created since the user's last digest and
    up to `until`, for active users with an e-mail address who did not opt out."""
    last_digest = F("recipient__notification_preference__last_digest_at")
    opted_out = Preference.objects.filter(digest=False).values("user")
    found = (
        Notification.objects.unread()
        .filter(recipient__is_active=True, created_at__lte=until)
        .exclude(recipient__email="")
        .exclude(recipient__in=opted_out)
        .filter(
            Q(recipient__notification_preference__isnull=True)
            | Q(recipient__notification_preference__last_digest_at__isnull=True)
            | Q(created_at__gt=last_digest)
        )
        .order_by("recipient_id", "created_at")
        .values_list("recipient_id", "kind")
    )
    kinds: dict[int, list[str]] = {}
    for user_id, kind in found:
        kinds.setdefault(user_id, []).append(kind)
    return kinds


def send_all() -> dict:
    """Send every due digest; a user whose message failed is tried again next time."""
    started = timezone.now()
    kinds = due(started)
    users = get_user_model().objects.in_bulk(list(kinds))
    sent = failed = 0
    with get_connection() as connection:
        for user_id, user_kinds in kinds.items():
            try:
                connection.send_messages([message_for(users[user_id], user_kinds)])
            except Exception:  # one refused address must not stop the others
                logger.exception("Notification digest not sent to user %s", user_id)
                failed += 1
                continue
            Preference.objects.update_or_create(
                user_id=user_id, defaults={"last_digest_at": started}
            )
            sent += 1
    return {"sent": sent, "failed": failed}
