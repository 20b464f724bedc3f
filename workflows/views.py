"""The operator's side of procedures: inbox, task page, process page, starting a procedure."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Process, Task

from forms import registry as form_registry
from forms.host import host as forms_host
from forms.models import Draft
from forms.views import start_draft

from . import inbox as inbox_lists
from . import runtime
from .designer import process_diagram
from .flows import flow_chart, process_data
from .host import WHOLE, host
from .models import Notification, WorkflowVersion

WORKFLOW_TASK = "workflow_task"


def _task_for(user, pk) -> Task:
    """A task the user sees today (`runtime.may_read`); anything else is 404, whatever the
    action, so that another zone's task ids confirm nothing."""
    task = get_object_or_404(runtime.tasks(), pk=pk)
    if not runtime.may_read(user, task):
        raise Http404
    return task


@login_required
def inbox(request):
    now = timezone.now()
    notifications = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    mine = inbox_lists.TaskFilter(request.GET, runtime.my_tasks(request.user))
    queue = inbox_lists.TaskFilter(request.GET, runtime.queue(request.user))
    inbox_lists.styled(mine.form)
    return render(
        request,
        "workflows/inbox.html",
        {
            "filter": mine,
            "mine": inbox_lists.page_of(
                request, runtime.readable(request.user, mine.qs), "mine_page"
            ),
            "queue": inbox_lists.page_of(
                request, runtime.readable(request.user, queue.qs), "queue_page"
            ),
            "escalated": runtime.readable(request.user, runtime.escalated_for(request.user)),
            "notifications": notifications.select_related("task")[:50],
            "now": now,
        },
    )


@login_required
@require_POST
def read_notifications(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("workflows:inbox")


class ApprovalForm(django_forms.Form):
    approved = django_forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("true", gettext_lazy("Approve")), ("false", gettext_lazy("Reject"))],
        coerce=lambda value: value == "true",
        widget=django_forms.RadioSelect,
    )
    note = django_forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=django_forms.Textarea(attrs={"rows": 3})
    )


@login_required
def task(request, pk):
    item = _task_for(request.user, pk)
    step = runtime.step_of(item)
    form_version = runtime.form_version_of(step)
    approval = None
    is_mine = item.owner_id == request.user.pk and item.status in runtime.WORKING
    if is_mine and form_version is None:
        approval = ApprovalForm(request.POST or None)
        if request.method == "POST" and approval.is_valid():
            try:
                runtime.complete(item, request.user, answers=approval.cleaned_data)
            except runtime.TaskClosed:
                messages.error(request, _("This task was already completed."))
            except ValidationError as refusal:
                # A following automatic step refused (a casework rule): nothing was saved.
                approval.add_error(None, refusal.messages)
            else:
                messages.success(request, _("Task completed."))
                return redirect(next_page(request.user, item.process))
    context = process_data(item.process)["context"]
    return render(
        request,
        "workflows/task.html",
        {
            "task": item,
            "step": step,
            "version": runtime.version_of(item.process),
            "summary": host().summary(context, request.user),
            "under_review": host().under_review(request.user, item.process),
            "form_version": form_version,
            "approval": approval,
            "is_mine": is_mine,
            "may_claim": runtime.may_claim(request.user, item),
            "may_release": is_mine and bool(item.owner_permission),
            "overdue": runtime.is_overdue(item),
        },
    )


@login_required
@require_POST
def claim(request, pk):
    item = _task_for(request.user, pk)
    try:
        runtime.claim(item, request.user)
    except runtime.TaskClosed:
        messages.error(request, _("Someone else took this task first."))
        return redirect("workflows:inbox")
    messages.success(request, _("The task is yours."))
    return redirect("workflows:task", pk=item.pk)


@login_required
@require_POST
def release(request, pk):
    item = _task_for(request.user, pk)
    try:
        runtime.release(item, request.user)
    except runtime.TaskClosed:
        raise Http404 from None
    messages.success(request, _("The task is back in the queue."))
    return redirect("workflows:inbox")


@login_required
@require_POST
def fill(request, pk):
    """Open the form builder's wizard for a form step; submitting it completes the task."""
    item = _task_for(request.user, pk)
    if item.owner_id != request.user.pk or item.status not in runtime.WORKING:
        raise PermissionDenied
    version = runtime.form_version_of(runtime.step_of(item))
    if version is None:
        raise Http404
    # The process's person, which the user must be allowed to change; None for a process
    # about no person, where being the task's owner is enough.
    subject = runtime.form_subject(request.user, item.process)
    if subject is None:
        # Resume the draft already begun for this task rather than start another.
        begun = Draft.objects.filter(
            owner=request.user,
            version=version,
            subject__isnull=True,
            target=WORKFLOW_TASK,
            target_reference=str(item.pk),
        ).first()
        if begun is not None:
            return redirect("forms:fill", uuid=begun.uuid)
    draft = start_draft(
        version, subject, request.user, target=WORKFLOW_TASK, target_reference=str(item.pk)
    )
    return redirect("forms:fill", uuid=draft.uuid)


def _complete_from_wizard(submission, reference: str, user) -> str:
    item = runtime.tasks().get(pk=int(reference))
    try:
        runtime.complete(item, user, submission=submission)
    except runtime.TaskClosed:
        if submission.subject_id is None:
            # About no person, the answers would belong nowhere: keep nothing.
            raise ValidationError(_("This task was already completed.")) from None
        # Completed meanwhile by someone else: the submission stays on the person's record.
    return next_page(user, item.process)


def _may_fill_without_subject(reference: str, user) -> bool:
    """A draft about no person is filled only by the owner of an open task of a process about
    no person."""
    if not reference.isdigit():
        return False
    item = runtime.tasks().filter(pk=int(reference)).first()
    return (
        item is not None
        and item.owner_id == user.pk
        and item.status in runtime.WORKING
        and not runtime.has_subject(item.process)
        and runtime.may_read(user, item)
    )


def next_page(user, process) -> str:
    """The user's next task in the same process if there is one, else the process page."""
    following = runtime.my_tasks(user).filter(process=process).first()
    if following is not None:
        return reverse("workflows:task", args=[following.pk])
    return reverse("workflows:process", args=[process.pk])


@login_required
def process(request, pk):
    item = get_object_or_404(Process, pk=pk)
    if not runtime.may_see(request.user, item):
        raise Http404
    found = runtime.reach(request.user, item)
    whole = found == WHOLE
    version = runtime.version_of(item)
    context = process_data(item)["context"]
    open_tasks = runtime.tasks().filter(process=item, status__in=runtime.OPEN)
    return render(
        request,
        "workflows/process.html",
        {
            "process": item,
            "version": version,
            "history": runtime.visible_history(request.user, item, found),
            "open_tasks": runtime.visible_parts(request.user, open_tasks, found),
            "summary": host().summary(context, request.user),
            # the steps' states would tell a partner which way the hidden answers went
            "chart": flow_chart(version.flow_class, item.pk if whole else None),
            "diagram": process_diagram(version, item, with_states=whole),
        },
    )


class StartForm(django_forms.Form):
    version = django_forms.ModelChoiceField(queryset=None, label=gettext_lazy("Procedure"))

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions


@login_required
@permission_required("workflows.start_process", raise_exception=True)
def start(request):
    """Start a procedure about a person (?person=) or a case (?case=)."""
    subject, case = _start_target(request)
    context = host().start_context(user=request.user, subject=subject, case=case)
    versions = runtime.startable(context)
    form = StartForm(
        request.POST or None,
        versions=WorkflowVersion.objects.filter(pk__in=[v.pk for v in versions]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            started = runtime.start(
                form.cleaned_data["version"], user=request.user, subject=subject, case=case
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Procedure started."))
            return redirect(next_page(request.user, started))
    return render(
        request,
        "workflows/start.html",
        {
            "form": form,
            "subject": subject,
            "case": case,
            "summary": host().summary(context, request.user),
        },
    )


def _start_target(request):
    if request.GET.get("case"):
        case = host().case_for(request.user, request.GET["case"])
        if case is None:
            raise Http404
        return case.person, case
    if request.GET.get("person"):
        subjects = forms_host().subjects_for(request.user, change=True)
        return get_object_or_404(subjects, pk=request.GET["person"]), None
    raise Http404


def _task_context(reference: str, user) -> dict:
    """What a task's questionnaire may be prefilled from: the case its process works on (so
    the plan step opens with the case's plan), when the user may change it."""
    item = runtime.tasks().filter(pk=int(reference)).first() if reference.isdigit() else None
    case_id = process_data(item.process)["context"].get("case") if item is not None else None
    case = host().case_for(user, case_id) if case_id else None
    return {"case": case} if case is not None else {}


def register() -> None:
    form_registry.register_target(
        WORKFLOW_TASK,
        _complete_from_wizard,
        may_fill=_may_fill_without_subject,
        context=_task_context,
    )
