"""The one way notifications are created and read. Creation follows the domain's own
changes (hooks.py) once their transaction commits: a change rolled back tells nobody."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.host import host
from workflows.models import Notification as EngineNotification

from . import rules
from .models import Kind, Notification, Preference

TASK = "viewflow.task"
ALERT = "monitoring.alert"
REPORT = "thirdsector.activityreport"


def after_commit(work) -> None:
    # robust: a failure to notify is logged by Django and never undoes the domain's change
    transaction.on_commit(work, robust=True)


def notify(kind: str, object_type: str, object_id: int, recipients: Iterable[int]) -> int:
    rows = [
        Notification(recipient_id=pk, kind=kind, object_type=object_type, object_id=object_id)
        for pk in sorted(set(recipients))
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def _told(object_type: str, object_id: int, kinds: list[str]) -> set[int]:
    return set(
        Notification.objects.filter(
            object_type=object_type, object_id=object_id, kind__in=kinds
        ).values_list("recipient_id", flat=True)
    )


def task_changed(task_id: int, actor_id: int | None) -> None:
    """A human task was created or assigned: tell its owner, or its queue's members."""
    task = Task.objects.filter(pk=task_id, flow_task_type="HUMAN").select_related("deadline")
    task = task.first()
    if task is None or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        return
    deadline = getattr(task, "deadline", None)
    if deadline is not None and deadline.escalated_at is not None:
        return  # handed over by the sweep: the escalation tells the new owner
    members: list[int] = []
    if task.owner_id is None:
        if task.status != STATUS.NEW or not task.owner_permission:
            return
        members = list(host().members(task.owner_permission).values_list("pk", flat=True))
    kind, recipients = rules.task_recipients(
        owner_id=task.owner_id,
        queue_members=members,
        told=_told(TASK, task.pk, [Kind.TASK, Kind.QUEUE]),
        actor_id=actor_id,
    )
    notify(kind, TASK, task.pk, recipients)


def task_escalated(task_id: int) -> None:
    """The sweep escalated an overdue task: tell whom the engine's escalation reached."""
    reached = EngineNotification.objects.filter(task_id=task_id).values_list(
        "recipient_id", flat=True
    )
    recipients = rules.escalation_recipients(reached, _told(TASK, task_id, [Kind.ESCALATION]))
    notify(Kind.ESCALATION, TASK, task_id, recipients)


def alert_assigned(alert_id: int, recipient_id: int) -> None:
    notify(Kind.ALERT, ALERT, alert_id, [recipient_id])


def report_reviewed(report_id: int, kind: str, recipient_id: int) -> None:
    notify(kind, REPORT, report_id, [recipient_id])


# Reading


def mark_read(user, pks: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (those of `pks` only, when given)."""
    unread = Notification.objects.unread().filter(recipient=user)
    if pks is not None:
        unread = unread.filter(pk__in=list(pks))
    return unread.update(read_at=timezone.now())


def wants_digest(user) -> bool:
    """Whether the user gets the e-mail digest (yes until they say otherwise)."""
    chosen = Preference.objects.filter(user=user).values_list("digest", flat=True).first()
    return chosen is not False


def set_digest(user, enabled: bool) -> Preference:
    return Preference.objects.update_or_create(user=user, defaults={"digest": enabled})[0]
