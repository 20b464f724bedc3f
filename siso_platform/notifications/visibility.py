"""What a user reads of their notifications: only their own, each labelled now within the
reader's scope. A notification whose object left that scope (another zone's task today, an
ended assignment's report) shows its kind and date only, and its link is a 404 as the
object's page would be. Labels name steps, procedures, kinds and dates, never a person."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from siso_platform.monitoring import alerts as monitoring_alerts
from siso_platform.thirdsector import visibility as thirdsector_visibility
from workflows import runtime

from .actions import ALERT, REPORT, TASK
from .models import Notification


@dataclass
class Item:
    notification: Notification
    detail: str  # "" when the object is out of the reader's scope
    url: str | None  # None likewise

    @property
    def available(self) -> bool:
        return self.url is not None


def own(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    """One query, once per request: the header's badge."""
    if not hasattr(user, "_unread_notifications"):
        user._unread_notifications = own(user).unread().count()
    return user._unread_notifications


def _tasks(user, ids) -> dict[int, tuple[str, str]]:
    shown = runtime.readable(user, runtime.tasks().filter(pk__in=ids))
    return {
        task.pk: (
            f"{task.flow_task.task_title} · {task.process.flow_class.process_title}",
            reverse("workflows:task", args=[task.pk]),
        )
        for task in shown
    }


def _alerts(user, ids) -> dict[int, tuple[str, str]]:
    if not user.has_perm("monitoring.view_alert"):
        return {}
    return {
        alert.pk: (
            f"{alert.get_kind_display()} · {alert.get_severity_display()}",
            reverse("monitoring:alert", args=[alert.pk]),
        )
        for alert in monitoring_alerts.visible(user).filter(pk__in=ids)
    }


def _reports(user, ids) -> dict[int, tuple[str, str]]:
    found = thirdsector_visibility.reports(user).filter(pk__in=ids).only("pk", "date")
    return {
        report.pk: (
            _("Report of %(date)s") % {"date": date_format(report.date, "d/m/Y")},
            reverse("thirdsector:body"),
        )
        for report in found
    }


RESOLVERS = {TASK: _tasks, ALERT: _alerts, REPORT: _reports}


def items(user, notifications) -> list[Item]:
    """`notifications` (the user's own) with what the user may see of their objects today."""
    notifications = list(notifications)
    ids: dict[str, set[int]] = {}
    for note in notifications:
        ids.setdefault(note.object_type, set()).add(note.object_id)
    seen = {
        kind: RESOLVERS[kind](user, found) if kind in RESOLVERS else {}
        for kind, found in ids.items()
    }
    shown = []
    for note in notifications:
        detail, url = seen[note.object_type].get(note.object_id, ("", None))
        shown.append(Item(note, detail, url))
    return shown
