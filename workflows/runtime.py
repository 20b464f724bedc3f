"""Starting processes and working their tasks, over viewflow's activations and locks.

The operator pages, the API and the deadline job all come through here, so permission checks
and the stored answers are the same whatever the channel.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from forms.host import host as forms_host
from forms.models import FormVersion, Submission
from forms.submitting import submit

from .flows import process_data
from .host import PARTNER, WHOLE, host
from .models import Notification, WorkflowDefinition, WorkflowVersion

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
WORKING = [STATUS.ASSIGNED, STATUS.STARTED]


class TaskClosed(Exception):
    """The task was completed or cancelled meanwhile (for example by a concurrent request)."""


# Which version a new process uses


def startable(context: dict) -> list[WorkflowVersion]:
    """The newest published version of each procedure, the zone's variant before the template."""
    preference = host().owner_preference(context)
    chosen: dict[int, tuple[int, WorkflowVersion]] = {}
    for version in WorkflowVersion.objects.newest_published().filter(
        definition__owner__in=preference
    ):
        rank = preference.index(version.definition.owner_id)
        family = version.definition.family_id
        if family not in chosen or rank < chosen[family][0]:
            chosen[family] = (rank, version)
    return sorted((v for _rank, v in chosen.values()), key=lambda v: v.definition.title)


def version_for(slug: str, context: dict) -> WorkflowVersion | None:
    """The version to start for the procedure `slug` (a template) in `context`."""
    template = WorkflowDefinition.objects.filter(slug=slug).first()
    if template is None:
        return None
    return next(
        (v for v in startable(context) if v.definition.family_id == template.family_id), None
    )


def start(
    version: WorkflowVersion,
    *,
    user,
    subject=None,
    case=None,
    office=None,
    vars: dict | None = None,
    context: dict | None = None,
) -> Process:
    """Start a process of `version`; `context` adds to what the host derives (e.g. the zone of
    a body's application, which no office of the starter's gives)."""
    context = {
        **host().start_context(user=user, subject=subject, case=case, office=office),
        **(context or {}),
    }
    data = {"version": version.pk, "context": context, "vars": dict(vars or {}), "answers": {}}
    with transaction.atomic():
        return version.flow_class.begin.run(_process_data=data)


def version_of(process) -> WorkflowVersion:
    return WorkflowVersion.objects.select_related("definition").get(pk=process.data["version"])


def step_of(task) -> dict:
    return task.flow_task.step


# Working a task


def _activation(task):
    """viewflow's activation of `task` under the process lock (re-read inside it)."""
    return task.activation()


def claim(task, user) -> None:
    with _activation(task) as activation:
        if not activation.assign.can_proceed():
            raise TaskClosed
        if not activation.assign.has_perm(user):
            raise PermissionDenied(_("You are not among those who may take this task."))
        activation.assign(user)
        activation.task.assigned = timezone.now()
        activation.task.save(update_fields=["assigned"])


def release(task, user) -> None:
    with _activation(task) as activation:
        if not activation.unassign.can_proceed():
            raise TaskClosed
        if not activation.task.owner_permission:
            raise PermissionDenied(_("This task has no queue to go back to."))
        if not activation.unassign.has_perm(user):
            raise PermissionDenied(_("Only the person working on the task may release it."))
        activation.unassign()


def form_version_of(step: dict) -> FormVersion | None:
    if not step.get("form"):
        return None
    return FormVersion.objects.newest_published().filter(definition__slug=step["form"]).first()


def complete(
    task, user, *, answers: dict | None = None, submission=None, entered_via: str = "web"
) -> Process:
    """Finish `task` with its answers and move the process on.

    A form step takes a submission already made by the wizard, or raw answers (the API) that
    the form builder validates and saves here: errors come back keyed by field path. An
    approve/reject step takes `{"approved": bool, "note": str}`.
    """
    step = step_of(task)
    # Under the process lock and in one transaction: whoever comes second finds the task
    # closed, and no submission is left behind by a refused completion.
    with _activation(task) as activation:
        current = activation.task
        if current.status not in WORKING:
            raise TaskClosed
        if not activation.flow_task.can_execute(user, current):
            raise PermissionDenied(_("This task is assigned to someone else."))
        if step.get("form") and submission is None:
            submission = submit(
                form_version_of(step),
                form_subject(user, current.process),
                answers or {},
                user=user,
                channel=Submission.Channel.API,
                entered_via=entered_via,
            )
        elif (
            submission is not None
            and submission.subject_id is None
            and has_subject(current.process)
        ):
            raise PermissionDenied(_("The questionnaire must be about the procedure's person."))
        answers = submission.answers if submission is not None else approval(answers or {})
        if current.status == STATUS.ASSIGNED:
            activation.start(None)
        process = activation.process
        process.data.setdefault("answers", {})[step["key"]] = answers
        if submission is not None:
            process.data.setdefault("submissions", {})[step["key"]] = submission.pk
        process.save(update_fields=["data"])
        current.data = {"answers": answers, "submission": getattr(submission, "pk", None)}
        current.save(update_fields=["data"])
        try:
            activation.execute()
        except TransitionNotAllowed:
            raise TaskClosed from None
    return process


def has_subject(process) -> bool:
    """Whether the process is about a person (its context names one)."""
    return process_data(process)["context"].get("subject") is not None


def form_subject(user, process):
    """The person a form step of `process` is filled about, or None when the process is about
    no person (a body's accreditation): then the task's assignment alone decides who fills it.
    A process about a person needs a user who may change that person."""
    if not has_subject(process):
        return None
    subject_id = process_data(process)["context"]["subject"]
    subject = forms_host().subjects_for(user, change=True).filter(pk=subject_id).first()
    if subject is None:
        raise PermissionDenied(_("You may not fill in questionnaires about this person."))
    return subject


def approval(answers: dict) -> dict:
    approved = answers.get("approved")
    if not isinstance(approved, bool):
        raise ValidationError({"approved": [_("Say whether you approve.")]})
    return {"approved": approved, "note": str(answers.get("note") or "")}


# What a user sees


def my_tasks(user):
    return tasks().filter(owner=user, status__in=WORKING)


def queue(user):
    """Unclaimed tasks of the audiences `user` belongs to."""
    return tasks().filter(
        owner__isnull=True, status=STATUS.NEW, owner_permission__in=host().grants(user)
    )


def case_tasks(case_id: int):
    return tasks().filter(process__data__context__case=case_id)


def escalated_for(user):
    """Open tasks past their deadline whose escalation reached `user`."""
    notified = Notification.objects.filter(recipient=user, task__isnull=False).values("task")
    return tasks().filter(pk__in=notified, status__in=OPEN, deadline__escalated_at__isnull=False)


def tasks():
    """Human tasks, with what the inbox shows about them."""
    return (
        Task.objects.filter(flow_task_type="HUMAN")
        .select_related("process", "owner", "deadline")
        .order_by("created")
    )


def may_claim(user, task) -> bool:
    return (
        task.status == STATUS.NEW
        and task.owner_id is None
        and bool(task.owner_permission)
        and task.owner_permission in host().grants(user)
    )


def is_overdue(task, at=None) -> bool:
    deadline = getattr(task, "deadline", None)
    return (
        deadline is not None and task.status in OPEN and deadline.due_at <= (at or timezone.now())
    )


# Who sees what, decided on every read by the host from today's memberships and assignments


def reach(user, process) -> str | None:
    """How much of `process` `user` sees today: `WHOLE`, `PARTNER` or None (see the host)."""
    if not user.is_authenticated:
        return None
    return host().reach(user, process)


def visible_parts(user, tasks, found: str | None) -> list[Task]:
    """Of `tasks` (of one process `user` reaches as `found`), those shown to `user`: all of
    them to whoever follows the whole process; to a partner, their own tasks, those they may
    claim and those answered with a questionnaire shared with assigned partners."""
    if found == WHOLE:
        return list(tasks)
    if found != PARTNER:
        return []
    tasks = list(tasks)
    answered = [(task.data or {}).get("submission") for task in tasks]
    shared = set(
        Submission.objects.filter(
            pk__in=[pk for pk in answered if pk], version__definition__shared_with_partners=True
        ).values_list("pk", flat=True)
    )
    return [
        task
        for task, submission in zip(tasks, answered, strict=True)
        if task.owner_id == user.pk or may_claim(user, task) or submission in shared
    ]


def may_read(user, task) -> bool:
    """Whether `user` sees `task` today; anything else answers 404, whatever the action."""
    return bool(visible_parts(user, [task], reach(user, task.process)))


def readable(user, tasks) -> list[Task]:
    """Of `tasks` (e.g. an inbox), those `user` sees today."""
    reaches: dict[int, str | None] = {}
    shown = []
    for task in tasks:
        if task.process_id not in reaches:
            reaches[task.process_id] = reach(user, task.process)
        shown += visible_parts(user, [task], reaches[task.process_id])
    return shown


def may_see(user, process) -> bool:
    """Whether `user` sees `process` today: its page and history. A partner sees it only when
    something in it is theirs (they started it, or a part is shown to them), else 404."""
    found = reach(user, process)
    if found == PARTNER:
        return process_data(process)["context"].get("started_by") == user.pk or bool(
            visible_parts(user, process.task_set.filter(flow_task_type="HUMAN"), found)
        )
    return found == WHOLE


def visible_history(user, process, found: str | None) -> list[Task]:
    """The finished steps of `process` shown to `user`: every one to whoever follows the
    whole process, to a partner only the human tasks `visible_parts` gives."""
    done = history(process)
    if found == WHOLE:
        return done
    return visible_parts(user, [task for task in done if task.flow_task_type == "HUMAN"], found)


def history(process) -> list[Task]:
    return list(
        process.task_set.exclude(status__in=OPEN).select_related("owner").order_by("finished", "pk")
    )


def is_running(process) -> bool:
    return process.status not in (PROCESS.DONE, PROCESS.CANCELED)
