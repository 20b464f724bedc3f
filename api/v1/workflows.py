"""Workflow tasks and processes for the phone app: lists, claiming, completing and history.

Everything goes through `workflows.runtime`, so the checks and the stored answers are the
operator pages' own. A task or a process the user does not see today answers 404 for every
action (read, claim, release, complete); on a task they see, a refusal answers 403 or 409
with no task data. A partner (a body) sees only its parts of a process (`runtime.reach`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from forms.json_schema import json_schema
from forms.models import FormVersion, Submission
from workflows import runtime
from workflows.flows import process_data
from workflows.host import WHOLE, host
from workflows.models import WorkflowVersion

from .common import ERRORS, IDEMPOTENCY_KEY, REPLAYED, entered_via, run_once
from .uploads import (
    FILE_PART_HELP,
    AnswersWithFilesSerializer,
    checked_uploads,
    is_multipart,
    kept_files,
    multipart_answers,
    with_files,
)


class Conflict(APIException):
    status_code = 409
    default_detail = "The task is not in a state that allows this."
    default_code = "conflict"


def _language() -> str:
    return (translation.get_language() or "it")[:2]


def _text(title: dict | None, fallback: str = "") -> str:
    title = title or {}
    return title.get(_language()) or title.get("it") or fallback


# Lookups shared by the serializers (cached per request in the serializer context)


def _version(process, cache: dict) -> WorkflowVersion:
    pk = (process.data or {}).get("version")
    if pk not in cache:
        cache[pk] = WorkflowVersion.objects.select_related("definition").get(pk=pk)
    return cache[pk]


def _step(task, cache: dict) -> dict | None:
    """The graph step of a task's node (None for viewflow's own start node)."""
    return _version(task.process, cache).step(task.flow_task.name)


def _form_version(task, step: dict | None, cache: dict) -> FormVersion | None:
    """The version the task's answers were given on, or the one it will be filled in on."""
    if not step or not step.get("form"):
        return None
    submission = (task.data or {}).get("submission")
    key = ("submission", submission) if submission else ("form", step["form"])
    if key not in cache:
        if submission:
            found = Submission.objects.select_related("version__definition").get(pk=submission)
            cache[key] = found.version
        else:
            cache[key] = runtime.form_version_of(step)
    return cache[key]


def _procedure_title(version: WorkflowVersion) -> str:
    definition = version.definition
    if _language() == "en" and definition.title_en:
        return definition.title_en
    return definition.title


# Serializers


def task_status_field():
    return serializers.ChoiceField(choices=STATUS.choices, read_only=True)


# Not an enum in the schema: a second enum named after "status" would collide with the task's.
def process_status_field():
    return serializers.CharField(help_text="`NEW` (running), `DONE` or `CANCELED`.")


class ProcedureSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The procedure version's id.")
    slug = serializers.SlugField()
    title = serializers.CharField()
    version = serializers.IntegerField(help_text="The version number.")


class TaskFormSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    version = serializers.IntegerField()
    url = serializers.URLField(help_text="The questionnaire version (layout and JSON Schema).")


class UserRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()


def _user_ref(user) -> dict | None:
    if user is None:
        return None
    return {"username": user.get_username(), "full_name": user.get_full_name()}


class _Cached(serializers.Serializer):
    def _cache(self) -> dict:
        return self.context.setdefault("cache", {})


class TaskSerializer(_Cached):
    id = serializers.IntegerField()
    process = serializers.IntegerField(source="process_id")
    step = serializers.SerializerMethodField(help_text="The step's key in the procedure.")
    title = serializers.SerializerMethodField()
    procedure = serializers.SerializerMethodField()
    status = task_status_field()
    created = serializers.DateTimeField()
    due_at = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    form = serializers.SerializerMethodField(
        help_text="The questionnaire to fill in, or null for an approve/reject step."
    )
    case = serializers.SerializerMethodField(help_text="The id of the process's case.")
    subject = serializers.SerializerMethodField(
        help_text="The id of the person the process is about."
    )

    def get_step(self, task) -> str:
        return task.flow_task.name

    def get_title(self, task) -> str:
        step = _step(task, self._cache()) or {}
        return _text(step.get("title"), task.flow_task.name)

    @extend_schema_field(ProcedureSerializer)
    def get_procedure(self, task) -> dict:
        version = _version(task.process, self._cache())
        return {
            "id": version.pk,
            "slug": version.definition.slug,
            "title": _procedure_title(version),
            "version": version.number,
        }

    def get_due_at(self, task) -> datetime.datetime | None:
        deadline = getattr(task, "deadline", None)
        return serializers.DateTimeField().to_representation(deadline.due_at) if deadline else None

    def get_overdue(self, task) -> bool:
        deadline = getattr(task, "deadline", None)
        return bool(deadline and task.status in runtime.OPEN and deadline.due_at <= timezone.now())

    @extend_schema_field(TaskFormSerializer(allow_null=True))
    def get_form(self, task) -> dict | None:
        version = _form_version(task, _step(task, self._cache()), self._cache())
        if version is None:
            return None
        slug = version.definition.slug
        return {
            "slug": slug,
            "version": version.number,
            "url": reverse(
                "api-v1:form-version",
                args=[slug, version.number],
                request=self.context.get("request"),
            ),
        }

    def get_case(self, task) -> int | None:
        return process_data(task.process)["context"].get("case")

    def get_subject(self, task) -> int | None:
        return process_data(task.process)["context"].get("subject")


class TaskDetailSerializer(TaskSerializer):
    kind = serializers.SerializerMethodField(
        help_text="`form`: answer the questionnaire; `approval`: answer "
        '`{"approved": true|false, "note": "..."}`.'
    )
    json_schema = serializers.SerializerMethodField(
        help_text="For a form step, the JSON Schema (2020-12) of the answers; otherwise null."
    )

    @extend_schema_field({"type": "string", "enum": ["form", "approval"]})
    def get_kind(self, task) -> str:
        step = _step(task, self._cache()) or {}
        return "form" if step.get("form") else "approval"

    @extend_schema_field({"type": "object", "additionalProperties": {}, "nullable": True})
    def get_json_schema(self, task) -> dict | None:
        version = _form_version(task, _step(task, self._cache()), self._cache())
        if version is None:
            return None
        return json_schema(version.schema, language=_language())


class HistoryEntrySerializer(serializers.Serializer):
    task = serializers.IntegerField(help_text="The task's id.")
    step = serializers.CharField(help_text="The step's key in the procedure.")
    kind = serializers.CharField(help_text="The step's kind: task, action, decision, ….")
    title = serializers.CharField()
    status = task_status_field()
    who = UserRefSerializer(allow_null=True, help_text="Who completed it (human tasks).")
    finished = serializers.DateTimeField(allow_null=True)
    answers = serializers.JSONField(
        allow_null=True, help_text="The answers given (human tasks), else null."
    )


class ProcessContextSerializer(serializers.Serializer):
    case = serializers.IntegerField(allow_null=True)
    subject = serializers.IntegerField(allow_null=True)


class ProcessSerializer(_Cached):
    id = serializers.IntegerField()
    procedure = serializers.SerializerMethodField()
    status = process_status_field()
    created = serializers.DateTimeField()
    finished = serializers.DateTimeField(allow_null=True)
    context = serializers.SerializerMethodField()
    variables = serializers.SerializerMethodField(help_text="Process variables set by actions.")
    history = serializers.SerializerMethodField(help_text="Finished steps, oldest first.")

    @extend_schema_field(ProcedureSerializer)
    def get_procedure(self, process) -> dict:
        version = _version(process, self._cache())
        return {
            "id": version.pk,
            "slug": version.definition.slug,
            "title": _procedure_title(version),
            "version": version.number,
        }

    @extend_schema_field(ProcessContextSerializer)
    def get_context(self, process) -> dict:
        context = process_data(process)["context"]
        return {"case": context.get("case"), "subject": context.get("subject")}

    def _reach(self, process) -> str | None:
        return runtime.reach(self.context["request"].user, process)

    @extend_schema_field({"type": "object", "additionalProperties": {}})
    def get_variables(self, process) -> dict:
        # set by actions from every step's answers: only for who follows the whole process
        return process_data(process)["vars"] if self._reach(process) == WHOLE else {}

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, process) -> list:
        version = _version(process, self._cache())
        user = self.context["request"].user
        entries = []
        for task in runtime.visible_history(user, process, self._reach(process)):
            step = version.step(task.flow_task.name)
            if step is None:  # viewflow's own start node
                continue
            entries.append(
                {
                    "task": task.pk,
                    "step": step["key"],
                    "kind": step["kind"],
                    "title": _text(step.get("title"), step["key"]),
                    "status": task.status,
                    "who": _user_ref(task.owner),
                    "finished": task.finished,
                    "answers": (task.data or {}).get("answers"),
                }
            )
        return HistoryEntrySerializer(entries, many=True).data


class CompleteInSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text="For a form step, answers keyed by field key (validated by the form engine); "
        'for an approve/reject step, `{"approved": true|false, "note": "..."}`.'
    )


class CompleteUploadSerializer(AnswersWithFilesSerializer):
    file = serializers.FileField(
        required=False, help_text=FILE_PART_HELP + " Only a form step takes files."
    )


# Reach


def _task_or_404(request, pk: int) -> Task:
    """A task the user sees today; anything else is 404, whatever the action."""
    task = get_object_or_404(runtime.tasks(), pk=pk)
    if not runtime.may_read(request.user, task):
        raise Http404
    return task


def _forbidden(error: DjangoPermissionDenied) -> PermissionDenied:
    return PermissionDenied(str(error) or None)


def _uploads(request, task: Task) -> dict:
    """The files sent with a form step's answers, checked against the questionnaire version
    the step is filled in on; an approve/reject step takes none (400 naming each part)."""
    if not request.FILES:
        return {}
    version = runtime.form_version_of(runtime.step_of(task))
    if version is None:
        message = _("This step asks for no questionnaire: it takes no file “%(name)s”.")
        raise ValidationError(
            {"answers": {name: [message % {"name": name[:100]}] for name in request.FILES}}
        )
    return checked_uploads(request, version)


def _closed(message: str | None = None) -> Conflict:
    return Conflict(message or _("The task was already completed or cancelled."))


def _closed_meanwhile(task: Task, user) -> Conflict:
    """Why a task the app meant to complete is closed: who completed it and when, or that it
    was cancelled (the app keeps the answers as a draft and shows this)."""
    task = Task.objects.select_related("owner").get(pk=task.pk)
    if task.status == STATUS.DONE:
        finished = timezone.localtime(task.finished) if task.finished else None
        when = finished.strftime("%d/%m/%Y %H:%M") if finished else ""
        if task.owner_id == user.pk:
            return _closed(_("You already completed this task on %(when)s.") % {"when": when})
        name = task.owner.get_full_name() if task.owner else ""
        return _closed(
            _("%(name)s completed this task meanwhile, on %(when)s: your answers were not used.")
            % {"name": name or _("Someone else"), "when": when}
        )
    if task.status == STATUS.CANCELED:
        return _closed(
            _("The task was cancelled meanwhile (its procedure moved on or was stopped).")
        )
    return _closed()


# Views


class TaskList(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "queue",
                OpenApiTypes.BOOL,
                description="With 1: the unclaimed tasks you may claim, instead of your own.",
            )
        ],
        responses=TaskSerializer(many=True),
    )
    def get(self, request):
        in_queue = request.query_params.get("queue", "").lower() in ("1", "true", "yes")
        tasks = runtime.queue(request.user) if in_queue else runtime.my_tasks(request.user)
        tasks = runtime.readable(request.user, tasks)
        return Response(TaskSerializer(tasks, many=True, context={"request": request}).data)


class TaskDetail(APIView):
    @extend_schema(responses={200: TaskDetailSerializer, 404: ERRORS})
    def get(self, request, pk):
        task = _task_or_404(request, pk)
        return Response(TaskDetailSerializer(task, context={"request": request}).data)


def _task_response(request, pk) -> Response:
    task = _task_or_404(request, pk)
    return Response(TaskDetailSerializer(task, context={"request": request}).data)


def _replayed(response: Response, created: bool) -> Response:
    if not created:
        response["Idempotent-Replayed"] = "true"
    return response


class TaskClaim(APIView):
    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_KEY, REPLAYED],
        responses={
            200: TaskDetailSerializer,
            403: OpenApiResponse(ERRORS, description="You are not among those who may take it."),
            404: ERRORS,
            409: OpenApiResponse(ERRORS, description="Already claimed, completed or cancelled."),
            422: OpenApiResponse(ERRORS, description="The key was used for another request."),
        },
    )
    def post(self, request, pk):
        task = _task_or_404(request, pk)

        def claim():
            try:
                runtime.claim(task, request.user)
            except DjangoPermissionDenied as error:
                raise _forbidden(error) from None
            except runtime.TaskClosed:
                raise _closed(_("The task is no longer in the queue.")) from None
            return task

        # with a key, a retry whose first answer was lost finds the task taken, not a 409
        _task, created = run_once(request, "task-claim", {"task": task.pk}, claim)
        return _replayed(_task_response(request, pk), created)


class TaskRelease(APIView):
    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_KEY, REPLAYED],
        responses={
            200: TaskDetailSerializer,
            403: OpenApiResponse(ERRORS, description="Not yours, or the task has no queue."),
            404: ERRORS,
            409: OpenApiResponse(ERRORS, description="Not claimed, completed or cancelled."),
            422: OpenApiResponse(ERRORS, description="The key was used for another request."),
        },
    )
    def post(self, request, pk):
        task = _task_or_404(request, pk)

        def release():
            try:
                runtime.release(task, request.user)
            except DjangoPermissionDenied as error:
                raise _forbidden(error) from None
            except runtime.TaskClosed:
                raise _closed(
                    _("The task is not claimed, or was completed or cancelled.")
                ) from None
            return task

        _task, created = run_once(request, "task-release", {"task": task.pk}, release)
        return _replayed(_task_response(request, pk), created)


class TaskComplete(APIView):
    @extend_schema(
        request={
            "application/json": CompleteInSerializer,
            "multipart/form-data": CompleteUploadSerializer,
        },
        parameters=[IDEMPOTENCY_KEY, REPLAYED],
        responses={
            200: ProcessSerializer,
            400: OpenApiResponse(
                ERRORS,
                description="Answer errors keyed `answers.<path>`; a file part refused (or "
                "sent to an approve/reject step) is keyed `answers.<part>`.",
            ),
            403: OpenApiResponse(ERRORS, description="The task is not yours."),
            404: ERRORS,
            409: OpenApiResponse(
                ERRORS,
                description="Completed meanwhile (by whom and when) or cancelled: the reason "
                "is under `detail`.",
            ),
            422: OpenApiResponse(ERRORS, description="The key was used for another request."),
        },
    )
    def post(self, request, pk):
        task = _task_or_404(request, pk)
        data = request.data
        if is_multipart(request):
            data = {"answers": multipart_answers(request)}
        incoming = CompleteInSerializer(data=data)
        incoming.is_valid(raise_exception=True)
        answers = incoming.validated_data["answers"]
        uploads = _uploads(request, task)

        def complete():
            if task.status not in runtime.WORKING and task.status != STATUS.NEW:
                raise _closed_meanwhile(task, request.user)
            if task.status == STATUS.NEW:
                raise _closed(_("Claim the task before completing it."))
            try:
                # the files go to the process's person's folder, as the web wizard's would
                subject = runtime.form_subject(request.user, task.process) if uploads else None
                with kept_files(uploads, answers, getattr(subject, "pk", None)) as given:
                    runtime.complete(
                        task, request.user, answers=given, entered_via=entered_via(request)
                    )
            except DjangoValidationError as error:
                raise ValidationError({"answers": error.message_dict}) from None
            except DjangoPermissionDenied as error:
                raise _forbidden(error) from None
            except runtime.TaskClosed:
                raise _closed_meanwhile(task, request.user) from None
            return task

        # a retry of a completion that went through answers with the process, not "you
        # already completed this task"
        asked = with_files({"task": task.pk, "answers": answers}, uploads)
        _task, created = run_once(request, "task-complete", asked, complete)
        process = Process.objects.get(pk=task.process_id)
        response = Response(ProcessSerializer(process, context={"request": request}).data)
        return _replayed(response, created)


class ProcessDetail(APIView):
    @extend_schema(responses={200: ProcessSerializer, 404: ERRORS})
    def get(self, request, pk):
        process = get_object_or_404(Process, pk=pk)
        if not runtime.may_see(request.user, process):
            raise Http404
        host().audit_read(request.user, process_data(process)["context"], _("procedure read"))
        return Response(ProcessSerializer(process, context={"request": request}).data)
