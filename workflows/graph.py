"""The canonical graph of a workflow (docs/workflows.md) and the check run before publishing.

`problems(graph, known)` returns a list of `Problem(path, message)`, the path being the key
of the step at fault (or "steps" for the graph as a whole); publishing is refused while it
is not empty. `Known` holds what references may name: published questionnaires, roles,
groups and registered actions, filled in by the caller. Pure functions, no database.
"""

from __future__ import annotations

import copy
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from forms import logic
from forms.checks import Problem

from .durations import parse_duration

# Step keys name viewflow nodes and task URLs: lowercase, unlike questionnaire names, which
# keep their case as ODK's do.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

TASK, ACTION, DECISION, SPLIT, JOIN, WAIT, END = (
    "task", "action", "decision", "split", "join", "wait", "end",
)  # fmt: skip
KINDS = (TASK, ACTION, DECISION, SPLIT, JOIN, WAIT, END)

ROLE, SOCIAL_WORKER, PERFORMER, STARTER, GROUP = (
    "role", "social_worker", "performer", "starter", "group",
)  # fmt: skip
RULES = (ROLE, SOCIAL_WORKER, PERFORMER, STARTER, GROUP)
ZONE, OFFICE = "zone", "office"

NOTIFY, REASSIGN = "notify", "reassign"
ESCALATIONS = (NOTIFY, REASSIGN)

EMPTY_TITLE = {"it": "", "en": ""}


@functools.cache
def reserved_keys() -> frozenset[str]:
    """Keys a step may not take: `begin` (the generated start node), `vars` (the process
    variables in logic data) and the attribute names of viewflow's `Flow` class."""
    from viewflow.workflow.flow import Flow  # needs Django's apps loaded

    return frozenset({"begin", "vars", *dir(Flow)})


def __getattr__(name: str):
    if name == "RESERVED_KEYS":  # computed on first use: viewflow needs Django set up
        return reserved_keys()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Known:
    """What a graph may refer to, as the caller finds it in the database and registries."""

    forms: set[str] = field(default_factory=set)  # published questionnaire slugs
    roles: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)


def successors(step: dict) -> list[str]:
    """The keys a step may go to next, in order and without repeats."""
    if step.get("kind") == DECISION:
        branches = step.get("branches")
        branches = branches if isinstance(branches, list) else []
        targets = [branch.get("next") for branch in branches if isinstance(branch, dict)]
        targets.append(step.get("default"))
    else:
        targets = step.get("next")
        targets = targets if isinstance(targets, list) else [targets]
    return list(dict.fromkeys(t for t in targets if isinstance(t, str) and t))


def steps_by_key(graph: dict) -> dict[str, dict]:
    """The steps by key (the first one where a key is repeated)."""
    found: dict[str, dict] = {}
    for step in graph.get("steps") or ():
        if isinstance(step, dict) and isinstance(step.get("key"), str):
            found.setdefault(step["key"], step)
    return found


def logic_data(vars: dict, answers: dict) -> dict:
    """What decisions and `wait.until` are evaluated over: `{"vars": ..., <task key>: ...}`."""
    return {"vars": vars, **answers}


def normalise(graph: dict) -> dict:
    """A copy of a (checked) graph with every optional key filled, so versions are uniform."""
    graph = copy.deepcopy(graph)
    for step in graph.get("steps") or ():
        if isinstance(step.get("title"), dict):
            step["title"] = {**EMPTY_TITLE, **step["title"]}
        kind = step.get("kind")
        if kind == TASK:
            step.setdefault("form", None)
            step.setdefault("queue", False)
            step.setdefault("deadline", None)
            if isinstance(step["deadline"], dict):
                step["deadline"].setdefault("working_days", False)
                step["deadline"].setdefault("escalation", NOTIFY)
        elif kind == ACTION:
            step["params"] = step.get("params") or {}
        elif kind == DECISION:
            for branch in step.get("branches") or ():
                branch["label"] = {**EMPTY_TITLE, **(branch.get("label") or {})}
    return graph


# --- the publish check -----------------------------------------------------------------


def problems(graph: dict, known: Known) -> list[Problem]:
    steps = graph.get("steps") if isinstance(graph, dict) else None
    if not isinstance(steps, list) or not steps:
        return [Problem("steps", _("The workflow has no steps."))]
    by_key = steps_by_key(graph)
    found = _keys(steps)
    for number, step in enumerate(steps, 1):
        if isinstance(step, dict):
            found += _wiring(*_names(step, number), step, by_key)
    # Reachability means something only once every step leads to existing steps.
    sound = not found
    tasks = {key for key, step in by_key.items() if step.get("kind") == TASK}
    for number, step in enumerate(steps, 1):
        if isinstance(step, dict) and step.get("kind") in KINDS:
            found += _details(*_names(step, number), step, tasks, known)
    if not any(step.get("kind") == END for step in by_key.values()):
        found.append(Problem("steps", _("The workflow has no end step.")))
    elif sound:
        found += _reachability(steps[0]["key"], by_key)
    order = {key: index for index, key in enumerate(by_key)}
    return sorted(dict.fromkeys(found), key=lambda problem: order.get(problem.path, -1))


def _names(step: dict, number: int) -> tuple[str, str]:
    """The path of a step's problems and the name its messages use: its key, if it has one."""
    key = step.get("key")
    return (key, key) if isinstance(key, str) and key else ("steps", f"#{number}")


def _keys(steps: list) -> list[Problem]:
    found, seen = [], set()
    for number, step in enumerate(steps, 1):
        key = step.get("key") if isinstance(step, dict) else None
        if not isinstance(step, dict):
            found.append(
                Problem("steps", _("Step %(number)d is not an object.") % {"number": number})
            )
        elif not isinstance(key, str) or not key:
            found.append(Problem("steps", _("Step %(number)d has no key.") % {"number": number}))
        elif not KEY_PATTERN.fullmatch(key):
            message = _(
                "“%(step)s” is not a valid key: use lowercase letters, digits and “_”, "
                "starting with a letter."
            )
            found.append(Problem(key, message % {"step": key}))
        elif key in reserved_keys():
            message = _("“%(step)s” is a reserved name: choose another key.")
            found.append(Problem(key, message % {"step": key}))
        elif key in seen:
            message = _("The key “%(step)s” is used by more than one step.")
            found.append(Problem(key, message % {"step": key}))
        seen.add(key)
    return found


def _wiring(path: str, name: str, step: dict, by_key: dict) -> list[Problem]:
    """The kind of a step and where it goes next."""
    kind = step.get("kind")
    if kind not in KINDS:
        message = _("Step “%(step)s” has an unknown kind “%(kind)s”.")
        return [Problem(path, message % {"step": name, "kind": kind})]
    found = []

    def target(value, missing: str, self_ok: bool = False) -> None:
        if value is None or value == "":
            found.append(Problem(path, missing % {"step": name}))
        elif not isinstance(value, str) or value not in by_key:
            message = _("Step “%(step)s” goes to “%(next)s”, which is not a step.")
            found.append(Problem(path, message % {"step": name, "next": value}))
        elif value == step.get("key") and not self_ok:
            message = _("Step “%(step)s” cannot go to itself.")
            found.append(Problem(path, message % {"step": name}))

    if kind == DECISION:
        branches = step.get("branches")
        if not isinstance(branches, list) or not branches:
            found.append(Problem(path, _("Decision “%(step)s” has no branches.") % {"step": name}))
        for branch in branches if isinstance(branches, list) else ():
            if not isinstance(branch, dict):
                message = _("A branch of decision “%(step)s” is not an object.")
                found.append(Problem(path, message % {"step": name}))
            else:
                target(branch.get("next"), _("A branch of decision “%(step)s” has no next step."))
        target(step.get("default"), _("Decision “%(step)s” has no default step."))
    elif kind == SPLIT:
        targets = step.get("next")
        targets = targets if isinstance(targets, list) else [] if targets is None else [targets]
        if len({str(value) for value in targets}) < 2:
            message = _("Split “%(step)s” needs at least two different steps to run in parallel.")
            found.append(Problem(path, message % {"step": name}))
        for value in targets:
            target(value, _("Split “%(step)s” has an empty next step."))
    elif kind != END:
        target(step.get("next"), _("Step “%(step)s” has no next step."), self_ok=kind == TASK)
    return found


def _details(path: str, name: str, step: dict, tasks: set[str], known: Known) -> list[Problem]:
    """Title, references to questionnaires, roles, groups and actions, logic and durations."""
    kind = step["kind"]
    found = []

    def refuse(message: str, **values) -> None:
        found.append(Problem(path, message % {"step": name, **values}))

    title = step.get("title")
    italian = title.get("it") if isinstance(title, dict) else None
    if not isinstance(italian, str) or not italian.strip():
        refuse(_("Step “%(step)s” needs an Italian title."))
    if kind == TASK:
        form = step.get("form")
        if form is not None and (not isinstance(form, str) or form not in known.forms):
            refuse(
                _("Step “%(step)s” uses “%(form)s”, which is not a published questionnaire."),
                form=form,
            )
        found += _assignee(path, name, step.get("assignee"), tasks, known)
        found += _deadline(path, name, step.get("deadline"))
    elif kind == ACTION:
        action = step.get("action")
        if not isinstance(action, str) or action not in known.actions:
            refuse(
                _("Step “%(step)s” runs “%(action)s”, which is not a known action."), action=action
            )
        if step.get("params") is not None and not isinstance(step["params"], dict):
            refuse(_("The parameters of step “%(step)s” must be an object."))
    elif kind == DECISION:
        branches = step.get("branches")
        for branch in branches if isinstance(branches, list) else ():
            if isinstance(branch, dict) and branch.get("when") is None:
                refuse(_("A branch of decision “%(step)s” has no condition."))
            elif isinstance(branch, dict):
                found += _logic(path, name, branch["when"], tasks)
    elif kind == WAIT:
        duration, until = step.get("duration"), step.get("until")
        if duration is None and until is None:
            refuse(_("Wait “%(step)s” needs a duration or a date to wait until."))
        elif duration is not None and until is not None:
            refuse(_("Wait “%(step)s” has both a duration and a date: keep one."))
        if duration is not None:
            found += _duration(path, name, duration)
        if until is not None:
            found += _logic(path, name, until, tasks)
    return found


def _assignee(path: str, name: str, assignee, tasks: set[str], known: Known) -> list[Problem]:
    found = []

    def refuse(message: str, **values) -> None:
        found.append(Problem(path, message % {"step": name, **values}))

    rule = assignee.get("rule") if isinstance(assignee, dict) else None
    if not isinstance(assignee, dict) or rule is None:
        refuse(_("Step “%(step)s” has no assignee."))
    elif rule not in RULES:
        refuse(_("Step “%(step)s” has an unknown assignee rule “%(rule)s”."), rule=rule)
    elif rule == ROLE:
        role = assignee.get("role")
        if not isinstance(role, str) or role not in known.roles:
            refuse(_("Step “%(step)s” is assigned to “%(role)s”, which is not a role."), role=role)
        if assignee.get("within") not in (ZONE, OFFICE):
            refuse(_("Step “%(step)s” must be assigned within the zone or the office."))
    elif rule == GROUP:
        group = assignee.get("group")
        if not isinstance(group, str) or group not in known.groups:
            refuse(
                _("Step “%(step)s” is assigned to “%(group)s”, which is not a group."), group=group
            )
    elif rule == PERFORMER:
        other = assignee.get("step")
        if not isinstance(other, str) or other not in tasks:
            message = _(
                "Step “%(step)s” is assigned to whoever did “%(other)s”, which is not a task."
            )
            refuse(message, other=other)
        elif other == name:
            refuse(_("Step “%(step)s” cannot be assigned to whoever did the step itself."))
    return found


def _deadline(path: str, name: str, deadline) -> list[Problem]:
    if deadline is None:
        return []
    if not isinstance(deadline, dict):
        return [
            Problem(path, _("The deadline of step “%(step)s” must be an object.") % {"step": name})
        ]
    found = _duration(path, name, deadline.get("duration"))
    if deadline.get("escalation", NOTIFY) not in ESCALATIONS:  # missing: notify
        message = _(
            "The deadline of step “%(step)s” must either notify or reassign when it passes."
        )
        found.append(Problem(path, message % {"step": name}))
    return found


def _duration(path: str, name: str, text) -> list[Problem]:
    try:
        parse_duration(text)
    except ValueError:
        message = _("Step “%(step)s” has an invalid duration “%(duration)s” (e.g. P10D, PT48H).")
        return [Problem(path, message % {"step": name, "duration": text})]
    return []


def _logic(path: str, name: str, expression, tasks: set[str]) -> list[Problem]:
    found = []
    for error in logic.check(expression):
        message = _("Step “%(step)s” has invalid logic: %(error)s.")
        found.append(Problem(path, message % {"step": name, "error": error}))
    for variable in sorted(logic.variables(expression)):
        if not variable.startswith("vars.") and variable.partition(".")[0] not in tasks:
            message = _(
                "Step “%(step)s” reads “%(name)s”, which is neither a process variable "
                "(vars.…) nor the answers of a task."
            )
            found.append(Problem(path, message % {"step": name, "name": variable}))
    return found


def _reachability(first: str, by_key: dict[str, dict]) -> list[Problem]:
    """Steps the start cannot reach, and steps from which no end can be reached."""
    forward = _closure([first], lambda key: successors(by_key[key]))
    found = [
        Problem(key, _("Step “%(step)s” cannot be reached from the start.") % {"step": key})
        for key in by_key
        if key not in forward
    ]
    ends = [key for key, step in by_key.items() if step["kind"] == END]
    before = defaultdict(list)
    for key, step in by_key.items():
        for successor in successors(step):
            before[successor].append(key)
    backward = _closure(ends, lambda key: before[key])
    message = _("There is no way to an end from step “%(step)s”.")
    found += [
        Problem(key, message % {"step": key})
        for key in by_key
        if key in forward and key not in backward
    ]
    return found


def _closure(start: list[str], following) -> set[str]:
    seen, stack = set(start), list(start)
    while stack:
        for key in following(stack.pop()):
            if key not in seen:
                seen.add(key)
                stack.append(key)
    return seen
