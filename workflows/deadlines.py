"""The periodic sweep: fire due waits, mark overdue tasks and apply their escalation once."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.timers import fire_due_timers

from .flows import least_busy, process_data
from .host import host
from .models import Notification, TaskDeadline
from .runtime import OPEN

logger = logging.getLogger(__name__)


def sweep(at=None) -> dict:
    return {"timers": fire_due_timers(), "escalated": escalate_overdue(at)}


def escalate_overdue(at=None) -> int:
    """Escalate every overdue task not escalated yet; running it twice escalates once."""
    count = 0
    due = TaskDeadline.objects.overdue(at).filter(escalated_at__isnull=True)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            deadline = (
                TaskDeadline.objects.select_for_update(of=("self",))
                .select_related("task__process", "task__owner")
                .get(pk=pk)
            )
            if deadline.escalated_at is not None or deadline.task.status not in OPEN:
                continue
            escalate(deadline)
            deadline.escalated_at = timezone.now()
            deadline.save(update_fields=["escalated_at"])
            count += 1
    return count


def escalate(deadline: TaskDeadline) -> None:
    """Tell the zone administrators and the assignee; with `reassign`, hand the task over."""
    task = deadline.task
    context = process_data(task.process)["context"]
    admins = host().zone_admins(context)
    title = task.flow_task.task_title
    recipients = set(admins) | ({task.owner} if task.owner else set())
    if deadline.escalation == TaskDeadline.Escalation.REASSIGN:
        admin = least_busy(admins)
        if admin is None:
            logger.warning("Task %s is overdue and its zone has no administrator", task.pk)
        else:
            _reassign(task, admin)
            message = _("Overdue: “%(task)s” was reassigned to you.") % {"task": title}
            Notification.objects.create(
                recipient=admin, message=message, task=task, process=task.process
            )
            recipients.discard(admin)
    message = _("Overdue since %(due)s: “%(task)s”.") % {
        "task": title,
        "due": timezone.localtime(deadline.due_at).strftime("%d/%m/%Y %H:%M"),
    }
    Notification.objects.bulk_create(
        Notification(recipient=user, message=message, task=task, process=task.process)
        for user in recipients
    )


def _reassign(task, user) -> None:
    with task.activation() as activation:
        if activation.task.status == "NEW":
            activation.assign(user)
        else:
            activation.reassign(user=user)
        activation.task.assigned = timezone.now()
        activation.task.save(update_fields=["assigned"])
