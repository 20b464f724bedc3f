"""The procedure designer: a procedure drawn as a BPMN diagram (bpmn-js) in the wagtail admin.

The diagram is never stored as such: a save turns the BPMN XML into the canonical graph
(`workflows.bpmn.from_bpmn`), runs the publish check and, only when it passes, stores the
graph as a new draft revision of the definition, the way the StreamField editor does. The
positions of the shapes ride along in that revision's content under `LAYOUT_KEY`, so the
diagram reopens as it was drawn; a revision saved by the StreamField editor has none, and the
diagram is then laid out anew (positions of an older revision are reused for the steps that
still exist).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from definitions import slugs
from definitions.admin import OwnerPermissionPolicy
from forms.checks import Problem
from forms.models import FormVersion
from forms.schema import iter_fields, text

from . import graph as g
from . import registry
from .blocks import ASSIGNEE_RULES, ESCALATION_CHOICES, WITHIN_CHOICES
from .host import host
from .models import WorkflowDefinition
from .publishing import PublishRefused, current, known, publish
from .streamfield import stream_from_graph

LAYOUT_KEY = "bpmn_layout"
# How far back a layout is looked for when the newest revisions were saved without one.
LAYOUT_LOOKBACK = 20


@dataclass
class Outcome:
    """What a save or a publish did: the problems that refused it (nothing saved), or the
    revision saved and the version published."""

    problems: list[Problem]
    revision: object = None
    version: object = None


def policy() -> OwnerPermissionPolicy:
    return OwnerPermissionPolicy(WorkflowDefinition)


def may_edit(user, definition: WorkflowDefinition) -> bool:
    return policy().user_has_permission_for_instance(user, "change", definition)


def may_publish(user, definition: WorkflowDefinition) -> bool:
    return policy().user_has_permission_for_instance(user, "publish", definition)


def unique_slug(title: str) -> str:
    """A slug for a new procedure, from its title: never typed, unique by a number."""
    return slugs.unique_slug(WorkflowDefinition, title, fallback="procedura")


def create(title: str, owner, user) -> WorkflowDefinition:
    """A new, empty procedure (a draft) to draw."""
    with transaction.atomic():
        definition = WorkflowDefinition(
            slug=unique_slug(title), title=title, owner=owner, body="[]", live=False
        )
        definition.save()
        definition.save_revision(user=user, log_action=True)
    return definition


def stored_layout(definition: WorkflowDefinition):
    """The positions the diagram was last saved with, or None."""
    for content in definition.revisions.order_by("-created_at", "-id").values_list(
        "content", flat=True
    )[:LAYOUT_LOOKBACK]:
        if isinstance(content, dict) and content.get(LAYOUT_KEY):
            return content[LAYOUT_KEY]
    return None


def as_problems(refused, xml: str = "") -> list[Problem]:
    """BpmnRefused's messages as Problems, each at the element it names (by its id, which
    the messages give after its type and name), so the designer can mark that element."""
    ids = sorted(set(re.findall(r'\bid="([^"]+)"', xml)), key=len, reverse=True)
    found = []
    for item in getattr(refused, "problems", None) or [str(refused)]:
        if isinstance(item, Problem):
            found.append(item)
            continue
        text = str(item)
        named = next((i for i in ids if re.search(rf"[ (]{re.escape(i)}(?:[):,.]|$)", text)), None)
        found.append(Problem(named or "steps", text))
    return found


def read(definition: WorkflowDefinition, xml: str):
    """(graph, layout, problems) of a diagram sent by the designer."""
    from . import bpmn

    if not isinstance(xml, str) or not xml.strip():
        return None, None, [Problem("steps", _("The diagram is empty."))]
    try:
        graph, layout = bpmn.from_bpmn(xml, known())
    except bpmn.BpmnRefused as refused:
        return None, None, as_problems(refused, xml)
    # The procedure's name and slug are the definition's, whatever the diagram calls it.
    graph = {
        **graph,
        "slug": definition.slug,
        "title": {"it": definition.title, "en": definition.title_en},
    }
    return graph, layout, [_by_name(problem, graph) for problem in g.problems(graph, known())]


def _by_name(problem: Problem, graph: dict) -> Problem:
    """The check names steps by key (“attivita_3”); the diagram's users know their names."""
    message = problem.message
    for step in graph.get("steps") or ():
        title = (step.get("title") or {}).get("it") if isinstance(step, dict) else None
        if title and step.get("key"):
            message = message.replace(f"“{step['key']}”", f"“{title}”")
    return Problem(problem.path, message)


def save(definition: WorkflowDefinition, xml: str, user) -> Outcome:
    """A new draft revision from the diagram, or the problems (and nothing saved)."""
    if definition.locked and definition.locked_by_id != getattr(user, "pk", None):
        # wagtail's lock on the list-of-steps editor holds here too
        message = _("The procedure is locked by %(user)s: nothing was saved.")
        return Outcome([Problem("steps", message % {"user": definition.locked_by})])
    graph, layout, found = read(definition, xml)
    if found:
        return Outcome(found)
    draft = current(definition)
    draft.body = json.dumps(stream_from_graph(graph))
    try:
        with transaction.atomic():
            revision = draft.save_revision(user=user, log_action=True)
            revision.content[LAYOUT_KEY] = layout
            revision.save(update_fields=["content"])
    except ValidationError as error:
        return Outcome([Problem("steps", message) for message in error.messages])
    return Outcome([], revision=revision)


def save_and_publish(definition: WorkflowDefinition, xml: str, user) -> Outcome:
    """Save the diagram as above, then publish that revision; refused as a whole."""
    try:
        with transaction.atomic():
            outcome = save(definition, xml, user)
            if outcome.problems:
                return outcome
            definition.refresh_from_db()
            outcome.version = publish(definition, user=user)
    except PublishRefused as refused:
        return Outcome(list(refused.problems))
    return outcome


def diagram(definition: WorkflowDefinition) -> str:
    """The BPMN XML the designer opens: the draft's graph, laid out as last saved."""
    from . import bpmn

    graph = current(definition).graph
    layout = stored_layout(definition)
    if layout is not None:
        try:
            return bpmn.to_bpmn(graph, layout)
        except (KeyError, TypeError, ValueError):
            pass  # a layout of an older shape: lay the diagram out anew
    return bpmn.to_bpmn(graph)


# --- what the side panel offers ------------------------------------------------------------

# The condition builder's kinds of value, by questionnaire field kind (others are text).
FIELD_TYPES = {
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "boolean": "boolean",
    "choice": "choice",
    "multichoice": "multichoice",
}
# Fields whose answer a decision cannot compare.
UNREADABLE = {"group", "note", "file", "address"}


def questionnaires() -> list[dict]:
    """Published questionnaires a task may ask to fill, with the answers a decision may read."""
    found = []
    for version in FormVersion.objects.newest_published():
        fields = []
        for _step, spec, group in iter_fields(version.schema):
            if group is not None or spec.get("kind") in UNREADABLE or not spec.get("key"):
                continue
            item = {
                "name": spec["key"],
                "label": text(spec.get("label")) or spec["key"],
                "type": FIELD_TYPES.get(spec.get("kind"), "text"),
            }
            if spec.get("choices"):
                item["choices"] = [
                    {"value": choice.get("value"), "label": text(choice.get("label"))}
                    for choice in spec["choices"]
                    if isinstance(choice, dict)
                ]
            fields.append(item)
        found.append(
            {
                "slug": version.definition.slug,
                "title": version.definition.title,
                "fields": fields,
            }
        )
    return found


def _choices(pairs) -> list[dict]:
    return [{"value": value, "label": str(label)} for value, label in pairs]


def panel_data() -> dict:
    """The choices of the side panel, rendered into the page (json_script)."""
    return {
        "rules": _choices(ASSIGNEE_RULES),
        "roles": _choices(registry.role_choices()),
        "groups": sorted(host().groups()),
        "within": _choices(WITHIN_CHOICES),
        "escalations": _choices(ESCALATION_CHOICES),
        "actions": _choices(registry.action_choices()),
        "questionnaires": questionnaires(),
    }


def deadline_prefix() -> str:
    """How workflows/bpmn.py names a task's deadline timer, less the task's key."""
    from . import bpmn

    return bpmn.deadline_id("")


def _attrs(*names) -> list[dict]:
    return [{"name": name, "isAttr": True, "type": "String"} for name in names]


def moddle_descriptor() -> dict:
    """The `siso:` namespace as bpmn-js's moddle needs it (the prebuilt bundle knows only
    BPMN's own), describing what workflows/bpmn.py writes and reads: `siso:task` (form,
    queue, `siso:assignee`, `siso:deadline`) in a user task's extension elements,
    `siso:deadline` in a deadline timer's, `siso:params` in a service task's, and the
    `siso:action`, `siso:nameEn` and `siso:slug` attributes."""
    from . import bpmn

    return {
        "name": "SISO",
        "uri": bpmn.SISO,
        "prefix": "siso",
        "xml": {"tagAlias": "lowerCase"},
        "associations": [],
        "types": [
            {
                "name": "Task",
                "superClass": ["Element"],
                "properties": [
                    *_attrs("form", "queue"),
                    {"name": "assignee", "type": "Assignee"},
                    {"name": "deadline", "type": "Deadline"},
                ],
            },
            {
                "name": "Assignee",
                "superClass": ["Element"],
                "properties": _attrs("rule", "role", "within", "step", "group"),
            },
            {
                "name": "Deadline",
                "superClass": ["Element"],
                "properties": _attrs("duration", "workingDays", "escalation"),
            },
            {
                "name": "Params",
                "superClass": ["Element"],
                "properties": [{"name": "text", "isBody": True, "type": "String"}],
            },
            {"name": "Action", "extends": ["bpmn:ServiceTask"], "properties": _attrs("action")},
            {"name": "English", "extends": ["bpmn:BaseElement"], "properties": _attrs("nameEn")},
            {"name": "Slug", "extends": ["bpmn:Process"], "properties": _attrs("slug")},
        ],
    }


# --- a running process on the same diagram -------------------------------------------------

DONE, ACTIVE = "done", "active"


def step_states(process) -> dict[str, str]:
    """Each step a process has reached: `active` while one of its tasks is open, else `done`."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from .runtime import OPEN

    states: dict[str, str] = {}
    for task in Task.objects.filter(process=process).order_by("created"):
        key = getattr(task.flow_task, "name", None)
        if not key or key == "begin":
            continue
        if task.status in OPEN:
            states[key] = ACTIVE
        elif task.status == STATUS.DONE and states.get(key) != ACTIVE:
            states[key] = DONE
    return states


def process_diagram(version, process, *, with_states: bool) -> dict | None:
    """The version's diagram and, when the user may see them, its steps' states; None when
    the diagram cannot be drawn (the page keeps its plain flow chart)."""
    try:
        from . import bpmn

        layout = stored_layout(version.definition)
        try:
            xml = bpmn.to_bpmn(version.graph, layout)
        except (KeyError, TypeError, ValueError):
            xml = bpmn.to_bpmn(version.graph)
    except (ImportError, KeyError, TypeError, ValueError):
        return None
    states = step_states(process) if with_states else {}
    return {
        "xml": xml,
        "moddle": moddle_descriptor(),
        "states": states,
        "steps": [step["key"] for step in version.graph.get("steps") or ()],
    }
