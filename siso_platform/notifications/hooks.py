"""Where the domain's changes become notifications: model signals of the engine's tasks and
deadlines, the monitoring's alerts and the third sector's reports, so neither the engine nor
those packages know this one. The work is done on commit (actions.after_commit)."""

from __future__ import annotations

from functools import partial

import structlog
from django.db.models.signals import post_save, pre_save
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from siso_platform.monitoring.models import Alert
from siso_platform.thirdsector.models import ActivityReport
from workflows.models import TaskDeadline

from . import actions, rules


def acting_user_id() -> int | None:
    """The signed-in user of the request being served, if any: the log context names them
    (siso_platform.logs.LogContextMiddleware), so no other middleware is needed."""
    return structlog.contextvars.get_contextvars().get("user_id")


def _saves(field: str, update_fields) -> bool:
    return update_fields is None or field in update_fields


def _remember(field: str):
    """A pre_save receiver keeping the value `field` had before the save."""

    def remember(sender, instance, update_fields=None, **kwargs):
        before = None
        if instance.pk is not None and _saves(field, update_fields):
            before = sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first()
        instance._notifications_before = before

    return remember


def task_saved(sender, instance, **kwargs):
    if instance.flow_task_type != "HUMAN":
        return
    if instance.status not in (STATUS.NEW, STATUS.ASSIGNED):
        return
    if instance.owner_id is None and not instance.owner_permission:
        return
    actions.after_commit(partial(actions.task_changed, instance.pk, acting_user_id()))


def deadline_saved(sender, instance, update_fields=None, **kwargs):
    if instance.escalated_at is not None and _saves("escalated_at", update_fields):
        actions.after_commit(partial(actions.task_escalated, instance.task_id))


def alert_saved(sender, instance, update_fields=None, **kwargs):
    if not _saves("assigned_to", update_fields):
        return
    recipient = rules.alert_recipient(
        assigned_to=instance.assigned_to_id,
        before=getattr(instance, "_notifications_before", None),
        actor_id=acting_user_id(),
    )
    if recipient is not None:
        actions.after_commit(partial(actions.alert_assigned, instance.pk, recipient))


def report_saved(sender, instance, update_fields=None, **kwargs):
    if not _saves("status", update_fields):
        return
    kind = rules.report_kind(
        before=getattr(instance, "_notifications_before", None), after=instance.status
    )
    if kind is not None:
        actions.after_commit(
            partial(actions.report_reviewed, instance.pk, kind, instance.created_by_id)
        )


def connect() -> None:
    uid = "notifications"
    post_save.connect(task_saved, sender=Task, dispatch_uid=uid)
    post_save.connect(deadline_saved, sender=TaskDeadline, dispatch_uid=uid)
    pre_save.connect(_remember("assigned_to"), sender=Alert, dispatch_uid=uid, weak=False)
    post_save.connect(alert_saved, sender=Alert, dispatch_uid=uid)
    pre_save.connect(_remember("status"), sender=ActivityReport, dispatch_uid=uid, weak=False)
    post_save.connect(report_saved, sender=ActivityReport, dispatch_uid=uid)
