"""Each published version's graph, built into a viewflow `Flow` class over viewflow's own nodes.

The class is named after the version (`V12_9f3ab2c1Flow`), lives in `workflows.generated` and never
changes: viewflow stores `flow_class` and `flow_task` as import strings, so a running process
keeps the graph it started on. Step keys become node names.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.utils import is_owner
from viewflow.workflow import chart, flow, lock

from forms import logic

from . import graph as g
from .durations import deadline as deadline_after
from .host import group_audience, host, role_audience


def process_data(process) -> dict:
    data = process.data or {}
    return {
        "context": data.get("context", {}),
        "vars": data.get("vars", {}),
        "answers": data.get("answers", {}),
    }


def logic_data_of(process) -> dict:
    data = process_data(process)
    return g.logic_data(data["vars"], data["answers"])


def performer_of(process, step_key: str):
    """Whoever completed the latest task of `step_key` in `process`."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    done = (
        Task.objects.filter(process=process, status=STATUS.DONE, flow_task_type="HUMAN")
        .select_related("owner")
        .order_by("-finished")
    )
    for candidate in done:
        if candidate.flow_task.name == step_key:
            return candidate.owner
    return None


def audience_of(step: dict, context: dict) -> str | None:
    assignee = step.get("assignee") or {}
    if assignee.get("rule") == g.ROLE:
        return role_audience(assignee["role"], assignee.get("within") or "zone", context)
    if assignee.get("rule") == g.GROUP:
        return group_audience(assignee["group"])
    return None


def least_busy(users):
    """The user with the fewest tasks in hand (the first by id among equals)."""
    from django.db.models import Count, Q
    from viewflow.workflow.status import STATUS

    open_tasks = Count("task", filter=Q(task__status__in=[STATUS.ASSIGNED, STATUS.STARTED]))
    return users.annotate(load=open_tasks).order_by("load", "pk").first()


def owner_of(step: dict, activation):
    """The one person a task goes to at once, or None to leave it in the queue."""
    process = activation.process
    context = process_data(process)["context"]
    rule = (step.get("assignee") or {}).get("rule")
    if rule == g.STARTER:
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(pk=context.get("started_by")).first()
    if rule == g.SOCIAL_WORKER:
        return host().social_worker(context)
    if rule == g.PERFORMER:
        return performer_of(process, step["assignee"]["step"])
    if step.get("queue"):
        return None
    audience = audience_of(step, context)
    return least_busy(host().members(audience)) if audience else None


class HumanTask(flow.View):
    """A viewflow View whose queue is an audience (role in a zone or office, or a group)."""

    def __init__(self, step: dict, **kwargs):
        super().__init__(None, **kwargs)
        self.step = step
        self.Permission(
            lambda activation: audience_of(step, process_data(activation.process)["context"])
        )
        self.Assign(lambda activation: owner_of(step, activation))
        self.onCreate(self._set_deadline)

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return bool(task.owner_permission) and task.owner_permission in host().grants(user)

    def can_execute(self, user, task):
        return is_owner(task.owner, user)

    def _set_deadline(self, activation):
        from .models import TaskDeadline

        spec = self.step.get("deadline")
        if spec and spec.get("duration"):
            working_days = bool(spec.get("working_days"))
            context = process_data(activation.process)["context"]
            TaskDeadline.objects.create(
                task=activation.task,
                due_at=deadline_after(
                    timezone.now(),
                    spec["duration"],
                    working_days=working_days,
                    closed=host().closed_on(context) if working_days else None,
                ),
                escalation=spec.get("escalation") or g.NOTIFY,
            )


def _run_action(step: dict):
    def run(activation):
        from . import registry

        process = activation.process
        data = process_data(process)
        values = g.logic_data(data["vars"], data["answers"])
        params = {
            name: logic.evaluate(value, values)
            for name, value in (step.get("params") or {}).items()
        }
        previous = activation.task.previous.filter(owner__isnull=False).first()
        by = previous.owner if previous else None
        if by is None:
            from django.contrib.auth import get_user_model

            by = get_user_model().objects.filter(pk=data["context"].get("started_by")).first()
        action_step = registry.ActionStep(
            process=process,
            context=data["context"],
            vars=data["vars"],
            answers=data["answers"],
            params=params,
            by=by,
        )
        result = registry.actions[step["action"]].run(action_step) or {}
        process.data = {**process.data, "context": action_step.context}
        process.data.setdefault("vars", {}).update(result)
        process.save(update_fields=["data"])
        activation.task.data = {"params": params, "result": result}
        activation.task.save(update_fields=["data"])

    return run


def _condition(when):
    return lambda activation: logic.truthy(logic.evaluate(when, logic_data_of(activation.process)))


def _wake_at(step: dict):
    def when(activation) -> datetime.datetime:
        if step.get("duration"):
            return deadline_after(timezone.now(), step["duration"])
        day = logic.evaluate(step["until"], logic_data_of(activation.process))
        day = datetime.date.fromisoformat(str(day)[:10])
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return when


def _title(step: dict) -> str:
    title = step.get("title") or {}
    return title.get("it") or step["key"]


def node_for(step: dict):
    kind = step["kind"]
    if kind == g.TASK:
        node = HumanTask(step).Next(getattr(this, step["next"]))
    elif kind == g.ACTION:
        node = flow.Function(_run_action(step)).Next(getattr(this, step["next"]))
    elif kind == g.DECISION:
        node = flow.Switch()
        for branch in step["branches"]:
            node.Case(getattr(this, branch["next"]), _condition(branch["when"]))
        node.Default(getattr(this, step["default"]))
    elif kind == g.SPLIT:
        node = flow.Split()
        for target in step["next"]:
            node.Next(getattr(this, target))
    elif kind == g.JOIN:
        node = flow.Join().Next(getattr(this, step["next"]))
    elif kind == g.WAIT:
        node = flow.Timer(_wake_at(step)).Next(getattr(this, step["next"]))
    elif kind == g.END:
        node = flow.End()
    else:  # the publish check refuses unknown kinds
        raise ValueError(f"Unknown step kind {kind!r}")
    node.step = step  # what the history reads back: a decision's branch labels, say
    return node.Annotation(title=_title(step))


def flow_chart(flow_class, process_pk: int | None = None) -> dict:
    """viewflow's chart of a flow as inline SVG (its own template, titles escaped there), with
    each step's state in a process when `process_pk` is given."""
    grid = chart.calc_layout_data(flow_class)
    if process_pk is not None:
        chart.calc_cell_status(flow_class, grid, process_pk)
    return {"svg": mark_safe(chart.grid_to_svg(grid)), "width": grid.width, "height": grid.height}


def build_flow(version, name: str) -> type[flow.Flow]:
    graph = version.graph
    first = graph["steps"][0]["key"]
    attrs = {
        "__module__": "workflows.generated",
        "__doc__": version.definition.title,
        "process_title": f"{version.definition.title} v{version.number}",
        "lock_impl": lock.select_for_update_lock,
        "version_pk": version.pk,
        # Titled like the steps, so that neither the history nor the chart says "Begin".
        "begin": flow.StartHandle().Next(getattr(this, first)).Annotation(title=_("Started")),
    }
    for step in graph["steps"]:
        attrs[step["key"]] = node_for(step)
    return type(name, (flow.Flow,), attrs)
