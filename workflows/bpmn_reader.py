"""Reading BPMN 2.0 XML into the canonical graph and its layout: `workflows.bpmn.from_bpmn`.

Every element is checked before any step is built, and every problem is collected, so a
refusal (`BpmnRefused`) lists them all, each naming the element in words, its name and its
id. What becomes what is in docs/workflows.md ("BPMN 2.0"). Pure functions, no database.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import graph as g
from .bpmn import (
    BOUNDS,
    BPMN,
    BPMNDI,
    CAMUNDA,
    DC,
    DI,
    IDS,
    JSON_LOGIC,
    SISO,
    START_FLOW,
    START_ID,
    BpmnRefused,
    coordinate,
    deadline_id,
    flow_id,
    merge_id,
    q,
)

ZEEBE = "http://camunda.org/schema/zeebe/1.0"  # Camunda 8's attributes, in extensionElements

# The element types' names in words, for the messages (BPMN 2.0's element names).
TYPE_WORDS = {
    "startEvent": gettext_lazy("start event"),
    "endEvent": gettext_lazy("end event"),
    "userTask": gettext_lazy("user task"),
    "serviceTask": gettext_lazy("service task"),
    "scriptTask": gettext_lazy("script task"),
    "sendTask": gettext_lazy("send task"),
    "receiveTask": gettext_lazy("receive task"),
    "manualTask": gettext_lazy("manual task"),
    "businessRuleTask": gettext_lazy("business rule task"),
    "task": gettext_lazy("task without a type"),
    "subProcess": gettext_lazy("subprocess"),
    "adHocSubProcess": gettext_lazy("ad hoc subprocess"),
    "transaction": gettext_lazy("transaction"),
    "callActivity": gettext_lazy("call activity"),
    "exclusiveGateway": gettext_lazy("exclusive gateway"),
    "parallelGateway": gettext_lazy("parallel gateway"),
    "inclusiveGateway": gettext_lazy("inclusive gateway"),
    "eventBasedGateway": gettext_lazy("event-based gateway"),
    "complexGateway": gettext_lazy("complex gateway"),
    "intermediateCatchEvent": gettext_lazy("intermediate catch event"),
    "intermediateThrowEvent": gettext_lazy("intermediate throw event"),
    "boundaryEvent": gettext_lazy("boundary event"),
    "sequenceFlow": gettext_lazy("sequence flow"),
    "dataObject": gettext_lazy("data object"),
    "dataObjectReference": gettext_lazy("data object"),
    "dataStoreReference": gettext_lazy("data store"),
    "process": gettext_lazy("process"),
    "participant": gettext_lazy("pool"),
}
TRIGGER_WORDS = {
    "messageEventDefinition": gettext_lazy("message"),
    "timerEventDefinition": gettext_lazy("timer"),
    "signalEventDefinition": gettext_lazy("signal"),
    "conditionalEventDefinition": gettext_lazy("condition"),
    "errorEventDefinition": gettext_lazy("error"),
    "escalationEventDefinition": gettext_lazy("BPMN escalation"),
    "compensateEventDefinition": gettext_lazy("compensation"),
    "linkEventDefinition": gettext_lazy("link"),
    "cancelEventDefinition": gettext_lazy("cancellation"),
    "terminateEventDefinition": gettext_lazy("termination"),
}
# Elements with no behaviour: drawn notes and the lanes' partition of the pool.
IGNORED = {"laneSet", "textAnnotation", "association", "group", "documentation"}
NODES = {
    "startEvent",
    "endEvent",
    "userTask",
    "serviceTask",
    "exclusiveGateway",
    "parallelGateway",
    "intermediateCatchEvent",
    "boundaryEvent",
}


def read(xml: str | bytes, known: g.Known) -> tuple[dict, dict]:
    return _Reader(_parse(xml), known).read()


def _parse(xml: str | bytes) -> ET.Element:
    data = xml.encode("utf-8") if isinstance(xml, str) else bytes(xml)
    # No DTDs: they are never part of BPMN, and entities are how XML bombs are made.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise BpmnRefused([_("The file declares a DTD or entities, which BPMN files never do.")])
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise BpmnRefused(
            [_("The file is not valid XML (%(error)s).") % {"error": str(error)}]
        ) from None
    if root.tag != q(BPMN, "definitions"):
        raise BpmnRefused(
            [_("The file is not BPMN 2.0: its root element is not bpmn:definitions.")]
        )
    return root


def _local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def _triggers(element: ET.Element) -> list[ET.Element]:
    return [child for child in element if _local(child).endswith("EventDefinition")]


def describe(element: ET.Element) -> str:
    """The element in words: its type, its name and its id, e.g.
    `attività script “Calcola” (Activity_1abc)`."""
    local = _local(element)
    what = str(TYPE_WORDS.get(local, local))
    triggers = [str(TRIGGER_WORDS.get(_local(t), _local(t))) for t in _triggers(element)]
    if triggers:
        what = _("%(type)s (%(trigger)s)") % {"type": what, "trigger": ", ".join(triggers)}
    name = (element.get("name") or "").strip()
    values = {"type": what, "name": name, "id": element.get("id") or "?"}
    if name:
        return _("%(type)s “%(name)s” (%(id)s)") % values
    return _("%(type)s %(id)s") % values


def valid_key(element_id: str, used: set[str]) -> str:
    """A step key from an element id: lowercase, letters, digits and "_", not reserved."""
    key = re.sub(r"[^a-z0-9_]+", "_", (element_id or "").lower()).strip("_")
    key = re.sub(r"_+", "_", key)
    if not key or not key[0].isalpha():
        key = f"step_{key}".rstrip("_")
    candidate, number = key, 1
    while candidate in used or candidate in g.reserved_keys():
        number += 1
        candidate = f"{key}_{number}"
    used.add(candidate)
    return candidate


class _Reader:
    def __init__(self, root: ET.Element, known: g.Known):
        self.root = root
        self.known = known
        self.problems: list[str] = []

    def refuse(self, element: ET.Element, message: str, **values) -> None:
        message = message % {"element": describe(element), **values}
        self.problems.append(message[:1].upper() + message[1:])  # it begins with the element

    # The whole file.

    def read(self) -> tuple[dict, dict]:
        process = self._process()
        self.nodes: dict[str, ET.Element] = {}
        self.flows: list[ET.Element] = []
        self.outgoing: dict[str, list[ET.Element]] = defaultdict(list)
        self.incoming: dict[str, list[ET.Element]] = defaultdict(list)
        refused = set()
        for element in process:
            local = _local(element)
            if element.tag == q(BPMN, "sequenceFlow"):
                self.flows.append(element)
            elif element.tag == q(BPMN, local) and local in NODES:
                self.nodes[element.get("id") or ""] = element
            elif local in IGNORED or local == "extensionElements":
                continue
            elif element.tag.startswith(f"{{{BPMN}}}"):
                refused.add(element.get("id"))
                self.refuse(
                    element,
                    _(
                        "%(element)s: this kind of element is not supported (procedures use "
                        "user and service tasks, exclusive and parallel gateways, timers, one "
                        "start event and end events)."
                    ),
                )
        for flow in self.flows:
            source, target = flow.get("sourceRef"), flow.get("targetRef")
            if source in refused or target in refused:
                continue  # refused already
            if source not in self.nodes or target not in self.nodes:
                self.refuse(flow, _("%(element)s does not connect two elements of the process."))
                continue
            self.outgoing[source].append(flow)
            self.incoming[target].append(flow)
        starts = self._check_nodes()
        if self.problems:
            raise BpmnRefused(self.problems)
        self._name_steps(starts)
        steps = [self._step(node_id) for node_id in self.order]
        if self.problems:
            raise BpmnRefused(self.problems)
        steps = self._renamed(steps)
        graph = {
            "slug": process.get(q(SISO, "slug"))
            or slugify(process.get("name") or "")
            or slugify(process.get("id") or ""),
            "title": {"it": process.get("name") or "", "en": process.get(q(SISO, "nameEn")) or ""},
            "steps": steps,
        }
        documentation = process.find(q(BPMN, "documentation"))
        if documentation is not None and (documentation.text or "").strip():
            graph["description"] = documentation.text.strip()
        return g.normalise(graph), self._layout()

    def _process(self) -> ET.Element:
        processes = [
            process
            for process in self.root.findall(q(BPMN, "process"))
            if any(_local(child) in NODES or _local(child) == "sequenceFlow" for child in process)
        ]
        if len(processes) != 1:
            raise BpmnRefused(
                [
                    _("The file has no process to import.")
                    if not processes
                    else _(
                        "The file has %(count)d processes with steps (pools): a procedure is "
                        "one process."
                    )
                    % {"count": len(processes)}
                ]
            )
        self.process_id = processes[0].get("id")
        return processes[0]

    # Which elements may be what.

    def _check_nodes(self) -> list[ET.Element]:
        starts = []
        for node in self.nodes.values():
            local, triggers = _local(node), [_local(t) for t in _triggers(node)]
            if local == "startEvent":
                starts.append(node)
                if triggers:
                    self.refuse(
                        node,
                        _(
                            "%(element)s: a procedure starts from a plain start event, with "
                            "no trigger."
                        ),
                    )
                if self.incoming[node.get("id")]:
                    self.refuse(node, _("%(element)s cannot have incoming flows."))
            elif local == "endEvent":
                if [t for t in triggers if t != "terminateEventDefinition"]:
                    self.refuse(
                        node,
                        _(
                            "%(element)s: a procedure ends with a plain end event, with no "
                            "result to send."
                        ),
                    )
            elif local == "intermediateCatchEvent":
                if triggers != ["timerEventDefinition"]:
                    self.refuse(
                        node,
                        _("%(element)s: a procedure can only wait for a time (a timer event)."),
                    )
            elif local == "boundaryEvent":
                self._check_boundary(node, triggers)
        if not starts:
            self.problems.append(_("The process has no start event."))
        elif len(starts) > 1:
            self.problems.append(
                _("The process has more than one start event: %(elements)s.")
                % {"elements": ", ".join(describe(start) for start in starts)}
            )
        return starts

    def _check_boundary(self, node: ET.Element, triggers: list[str]) -> None:
        task = self.nodes.get(node.get("attachedToRef"))
        if triggers != ["timerEventDefinition"]:
            self.refuse(
                node, _("%(element)s: only a timer, as a user task's deadline, may be attached.")
            )
        elif task is None or _local(task) != "userTask":
            self.refuse(node, _("%(element)s: a deadline timer must be attached to a user task."))
        elif self.outgoing[node.get("id")]:
            self.refuse(
                node,
                _(
                    "%(element)s: a deadline cannot lead to other steps; when it passes the "
                    "task is escalated (a notification or a reassignment), so remove its "
                    "outgoing flows."
                ),
            )
        elif (
            sum(
                1
                for other in self.nodes.values()
                if _local(other) == "boundaryEvent" and other.get("attachedToRef") == task.get("id")
            )
            > 1
        ):
            self.refuse(task, _("%(element)s has more than one deadline timer."))

    # Keys.

    def _is_merge(self, node: ET.Element) -> bool:
        """An exclusive gateway that only joins paths: it is not a step of the graph."""
        out = self.outgoing[node.get("id")]
        return (
            _local(node) == "exclusiveGateway"
            and not node.get("default")
            and len(out) == 1
            and out[0].find(q(BPMN, "conditionExpression")) is None
        )

    def _name_steps(self, starts: list[ET.Element]) -> None:
        used: set[str] = set()
        self.keys: dict[str, str] = {}
        self.order: list[str] = []
        for node_id, node in self.nodes.items():
            local = _local(node)
            if local in ("startEvent", "boundaryEvent") or self._is_merge(node):
                continue
            self.order.append(node_id)
        # Ids that are valid keys keep them; the others get one that is free.
        for node_id in self.order:
            if g.KEY_PATTERN.fullmatch(node_id) and node_id not in g.reserved_keys():
                self.keys[node_id] = node_id
                used.add(node_id)
        for node_id in self.order:
            if node_id not in self.keys:
                self.keys[node_id] = valid_key(node_id, used)
        self.start = starts[0]
        first = self._target_of(self.start)
        if first in self.keys.values():
            first_id = next(i for i, k in self.keys.items() if k == first)
            self.order.remove(first_id)
            self.order.insert(0, first_id)

    def _target_of(self, node: ET.Element) -> str:
        """The key of the step the one flow out of `node` leads to ("" when there is none)."""
        out = self.outgoing[node.get("id")]
        if len(out) > 1:
            self.refuse(
                node,
                _(
                    "%(element)s has more than one outgoing flow: to choose a path use an "
                    "exclusive gateway, to run paths in parallel a parallel gateway."
                ),
            )
        if not out:
            return ""
        if out[0].find(q(BPMN, "conditionExpression")) is not None:
            self.refuse(
                out[0],
                _("%(element)s has a condition but does not leave an exclusive gateway."),
            )
        return self._resolve(out[0])

    def _resolve(self, flow: ET.Element, seen: frozenset = frozenset()) -> str:
        target = self.nodes[flow.get("targetRef")]
        if target.get("id") in self.keys:
            return self.keys[target.get("id")]
        if self._is_merge(target) and target.get("id") not in seen:
            return self._resolve(self.outgoing[target.get("id")][0], seen | {target.get("id")})
        self.refuse(
            flow,
            _("%(element)s leads nowhere a procedure can go (%(target)s)."),
            target=describe(target),
        )
        return ""

    def _is_split(self, node: ET.Element) -> bool:
        direction = node.get("gatewayDirection")
        return direction == "Diverging" or (
            direction != "Converging" and len(self.outgoing[node.get("id")]) > 1
        )

    # Steps.

    def _step(self, node_id: str) -> dict:
        node = self.nodes[node_id]
        local = _local(node)
        step = {
            "key": self.keys[node_id],
            "kind": "",
            "title": {
                "it": node.get("name") or "",
                "en": node.get(q(SISO, "nameEn")) or "",
            },
        }
        if local == "userTask":
            step.update(kind=g.TASK, **self._task(node), next=self._target_of(node))
        elif local == "serviceTask":
            step.update(kind=g.ACTION, **self._action(node), next=self._target_of(node))
        elif local == "exclusiveGateway":
            step.update(kind=g.DECISION, **self._decision(node))
        elif local == "parallelGateway":
            out = self.outgoing[node_id]
            if self._is_split(node):
                if len(self.incoming[node_id]) > 1:
                    self.refuse(
                        node,
                        _(
                            "%(element)s both joins and splits paths: draw one gateway that "
                            "joins and another that splits."
                        ),
                    )
                step.update(kind=g.SPLIT, next=[self._resolve(flow) for flow in out])
            else:
                step.update(kind=g.JOIN, next=self._target_of(node))
        elif local == "intermediateCatchEvent":
            step.update(kind=g.WAIT, **self._wait(node), next=self._target_of(node))
        elif local == "endEvent":
            step["kind"] = g.END
            if self.outgoing[node_id]:
                self.refuse(node, _("%(element)s cannot have outgoing flows."))
        return step

    def _extension(self, node: ET.Element, name: str) -> ET.Element | None:
        return node.find(f"{q(BPMN, 'extensionElements')}/{q(SISO, name)}")

    def _zeebe(self, node: ET.Element, name: str, attribute: str) -> str | None:
        element = node.find(f"{q(BPMN, 'extensionElements')}/{q(ZEEBE, name)}")
        return element.get(attribute) if element is not None else None

    def _task(self, node: ET.Element) -> dict:
        own = self._extension(node, "task")
        found = {"form": None, "queue": False, "deadline": None}
        assignee = own.find(q(SISO, "assignee")) if own is not None else None
        if own is not None:
            found["form"] = own.get("form") or None
            found["queue"] = own.get("queue") == "true"
        else:
            found["form"] = self._form_key(node)
        if assignee is not None:
            found["assignee"] = dict(assignee.attrib)
        else:
            found["assignee"] = self._camunda_assignee(node)
        deadlines = [
            other
            for other in self.nodes.values()
            if _local(other) == "boundaryEvent" and other.get("attachedToRef") == node.get("id")
        ]
        if deadlines:
            found["deadline"] = self._deadline(deadlines[0])
        elif own is not None and own.find(q(SISO, "deadline")) is not None:
            written = own.find(q(SISO, "deadline"))
            found["deadline"] = {
                "duration": written.get("duration") or "",
                "working_days": written.get("workingDays") == "true",
                "escalation": written.get("escalation") or g.NOTIFY,
            }
        return found

    def _form_key(self, node: ET.Element) -> str | None:
        key = (
            node.get(q(CAMUNDA, "formKey"))
            or self._zeebe(node, "formDefinition", "formKey")
            or self._zeebe(node, "formDefinition", "formId")
        )
        if not key:
            return None
        if not re.fullmatch(r"[-a-zA-Z0-9_]+", key):
            self.refuse(
                node,
                _(
                    "%(element)s uses the form “%(form)s”: give the slug of one of the "
                    "platform's questionnaires instead."
                ),
                form=key,
            )
        return key

    def _camunda_assignee(self, node: ET.Element) -> dict:
        groups = node.get(q(CAMUNDA, "candidateGroups")) or self._zeebe(
            node, "assignmentDefinition", "candidateGroups"
        )
        person = node.get(q(CAMUNDA, "assignee")) or self._zeebe(
            node, "assignmentDefinition", "assignee"
        )
        users = node.get(q(CAMUNDA, "candidateUsers")) or self._zeebe(
            node, "assignmentDefinition", "candidateUsers"
        )
        if person and person.replace(" ", "") in ("${initiator}", "${starter}", "#{initiator}"):
            return {"rule": g.STARTER}
        if person or users:
            self.refuse(
                node,
                _(
                    "%(element)s is assigned to “%(who)s”: a procedure gives tasks to a role, a "
                    "group, the case's social worker, whoever started it or whoever did an "
                    "earlier task, not to named people."
                ),
                who=person or users,
            )
        elif groups:
            names = [name.strip() for name in groups.split(",") if name.strip()]
            if len(names) == 1 and names[0] in self.known.roles:
                return {"rule": g.ROLE, "role": names[0], "within": g.ZONE}
            if len(names) == 1 and names[0] in self.known.groups:
                return {"rule": g.GROUP, "group": names[0]}
            self.refuse(
                node,
                _(
                    "%(element)s has the candidate groups “%(groups)s”: give one role or one "
                    "group of the platform."
                ),
                groups=groups,
            )
        return {"rule": g.ROLE, "role": "", "within": g.ZONE}

    def _deadline(self, event: ET.Element) -> dict:
        own = self._extension(event, "deadline")
        timer = _triggers(event)[0]
        duration = timer.find(q(BPMN, "timeDuration"))
        text = (duration.text or "").strip() if duration is not None else ""
        if duration is None:
            self.refuse(
                event,
                _("%(element)s: a deadline is a duration (timeDuration, e.g. P10D)."),
            )
        elif self._expression_refused(event, duration, text):
            text = ""
        return {
            "duration": text,
            "working_days": own is not None and own.get("workingDays") == "true",
            "escalation": (own.get("escalation") if own is not None else None) or g.NOTIFY,
        }

    def _expression_refused(self, element, expression: ET.Element, text: str) -> bool:
        language = expression.get("language")
        if (language and language != JSON_LOGIC) or re.match(r"^\s*([$#]\{|=)", text):
            self.refuse(
                element,
                _(
                    "%(element)s has the expression “%(text)s”, in a language the platform "
                    "does not run (FEEL, JUEL or a script): write it as JSON Logic."
                ),
                text=text,
            )
            return True
        return False

    def _action(self, node: ET.Element) -> dict:
        named = [
            node.get(q(SISO, "action")),
            node.get(q(CAMUNDA, "type")),
            node.get(q(CAMUNDA, "class")),
            node.get(q(CAMUNDA, "delegateExpression")),
            node.get(q(CAMUNDA, "expression")),
            node.get(q(CAMUNDA, "topic")),
            node.get("implementation"),
            self._zeebe(node, "taskDefinition", "type"),
        ]
        named = [
            name.removeprefix("siso:")
            for name in named
            if name and name not in ("##WebService", "##unspecified")
        ]
        action = named[0] if named else ""
        if not action:
            self.refuse(node, _("%(element)s does not name the action it runs (siso:action)."))
        elif action not in self.known.actions:
            self.refuse(
                node,
                _("%(element)s runs “%(action)s”, which is not an action of the platform."),
                action=action,
            )
        params: object = {}
        written = self._extension(node, "params")
        if written is not None and (written.text or "").strip():
            try:
                params = json.loads(written.text)
            except ValueError:
                params = None
            if not isinstance(params, dict):
                self.refuse(node, _("%(element)s has parameters that are not a JSON object."))
                params = {}
        return {"action": action, "params": params}

    def _decision(self, node: ET.Element) -> dict:
        default_id = node.get("default")
        branches, default, unconditioned = [], "", []
        for flow in self.outgoing[node.get("id")]:
            expression = flow.find(q(BPMN, "conditionExpression"))
            if flow.get("id") == default_id:
                default = self._resolve(flow)
            elif expression is None or not (expression.text or "").strip():
                unconditioned.append(flow)
            else:
                branches.append(
                    {
                        "when": self._condition(flow, expression),
                        "next": self._resolve(flow),
                        "label": {
                            "it": flow.get("name") or "",
                            "en": flow.get(q(SISO, "nameEn")) or "",
                        },
                    }
                )
        if len(unconditioned) == 1 and not default_id:
            default = self._resolve(unconditioned[0])  # the one way out with no condition
        elif unconditioned:
            for flow in unconditioned:
                self.refuse(
                    flow,
                    _(
                        "%(element)s leaves %(gateway)s with no condition: give it one, or "
                        "make it the gateway's default flow."
                    ),
                    gateway=describe(node),
                )
        return {"branches": branches, "default": default}

    def _condition(self, flow: ET.Element, expression: ET.Element):
        text = (expression.text or "").strip()
        if self._expression_refused(flow, expression, text):
            return None
        try:
            return json.loads(text)
        except ValueError:
            self.refuse(
                flow,
                _("%(element)s has the condition “%(text)s”, which is not JSON Logic."),
                text=text,
            )
            return None

    def _wait(self, node: ET.Element) -> dict:
        timer = _triggers(node)[0]
        found = {"duration": None, "until": None}
        duration, date = timer.find(q(BPMN, "timeDuration")), timer.find(q(BPMN, "timeDate"))
        if timer.find(q(BPMN, "timeCycle")) is not None:
            self.refuse(node, _("%(element)s repeats (timeCycle): a wait happens once."))
        if duration is not None:
            text = (duration.text or "").strip()
            if not self._expression_refused(node, duration, text):
                found["duration"] = text or None
        if date is not None:
            text = (date.text or "").strip()
            if self._expression_refused(node, date, text):
                return found
            if date.get("language") == JSON_LOGIC:
                try:
                    found["until"] = json.loads(text)
                except ValueError:
                    self.refuse(
                        node,
                        _("%(element)s has the date “%(text)s”, which is not JSON Logic."),
                        text=text,
                    )
            elif text:
                found["until"] = text  # an ISO date: a literal is its own JSON Logic
        return found

    # Ids that had to change are renamed where the graph refers to steps.

    def _renamed(self, steps: list[dict]) -> list[dict]:
        renamed = {old: new for old, new in self.keys.items() if old != new}
        if not renamed:
            return steps

        def logic(value):
            if isinstance(value, list):
                return [logic(item) for item in value]
            if not isinstance(value, dict):
                return value
            if len(value) == 1 and "var" in value:
                name = value["var"]
                target = name[0] if isinstance(name, list) and name else name
                if isinstance(target, str):
                    head, dot, rest = target.partition(".")
                    if head in renamed:
                        target = renamed[head] + dot + rest
                        name = [target, *name[1:]] if isinstance(name, list) else target
                return {"var": name}
            return {key: logic(item) for key, item in value.items()}

        for step in steps:
            assignee = step.get("assignee")
            if isinstance(assignee, dict) and assignee.get("step") in renamed:
                assignee["step"] = renamed[assignee["step"]]
            for branch in step.get("branches") or ():
                branch["when"] = logic(branch["when"])
            if step.get("params"):
                step["params"] = logic(step["params"])
            if step.get("until") is not None:
                step["until"] = logic(step["until"])
        return steps

    # Where things are drawn, by canonical id.

    def _layout(self) -> dict:
        plane = None
        for candidate in self.root.iter(q(BPMNDI, "BPMNPlane")):
            if candidate.get("bpmnElement") == self.process_id or plane is None:
                plane = candidate
        shapes, edges = {}, {}
        for shape in plane.iter(q(BPMNDI, "BPMNShape")) if plane is not None else ():
            bounds = shape.find(q(DC, "Bounds"))
            if bounds is not None:
                try:
                    shapes[shape.get("bpmnElement")] = {
                        name: coordinate(float(bounds.get(name))) for name in BOUNDS
                    }
                except (TypeError, ValueError):
                    continue
        for edge in plane.iter(q(BPMNDI, "BPMNEdge")) if plane is not None else ():
            try:
                edges[edge.get("bpmnElement")] = [
                    {"x": coordinate(float(p.get("x"))), "y": coordinate(float(p.get("y")))}
                    for p in edge.findall(q(DI, "waypoint"))
                ]
            except (TypeError, ValueError):
                continue
        layout, ids = {}, {}

        def place(original: str, canonical: str) -> None:
            if original in shapes:
                layout[canonical] = shapes[original]
            if original != canonical:
                ids[original] = canonical

        place(self.start.get("id"), START_ID)
        for node_id in self.nodes:
            if self._own_merge(node_id):
                place(node_id, node_id)
        for node_id, key in self.keys.items():
            place(node_id, key)
        for node in self.nodes.values():
            if _local(node) == "boundaryEvent":
                place(node.get("id"), deadline_id(self.keys[node.get("attachedToRef")]))
        for flow in self.flows:
            canonical = self._canonical_flow(flow)
            if canonical is None:
                continue
            points = list(edges.get(flow.get("id")) or ())
            target, merges = flow.get("targetRef"), set()
            while (
                target not in merges
                and self._is_merge(self.nodes[target])
                and not self._own_merge(target)
            ):
                merges.add(target)  # the line through a merge gateway is one flow's
                following = self.outgoing[target][0]
                points += edges.get(following.get("id")) or []
                target = following.get("targetRef")
            if len(points) >= 2:
                layout[canonical] = {"waypoints": points}
            if flow.get("id") != canonical:
                ids[flow.get("id")] = canonical
        if ids:
            layout[IDS] = ids
        return layout

    def _own_merge(self, node_id: str) -> str | None:
        """The split's key, when `node_id` is the merge `to_bpmn` puts before it."""
        node = self.nodes.get(node_id)
        if node is None or not self._is_merge(node):
            return None
        key = self.keys.get(self.outgoing[node_id][0].get("targetRef"))
        return key if key and node_id == merge_id(key) else None

    def _canonical_flow(self, flow: ET.Element) -> str | None:
        source = self.nodes[flow.get("sourceRef")]
        if source is self.start:
            return START_FLOW
        key = self.keys.get(source.get("id"))
        if key is None:
            split = self._own_merge(source.get("id"))
            # Out of a merge drawn by hand: part of the flow into it.
            return f"merge-flow-{split}" if split else None
        out = self.outgoing[source.get("id")]
        local = _local(source)
        if local == "exclusiveGateway":
            if flow.get("id") == source.get("default") or (
                not source.get("default") and flow.find(q(BPMN, "conditionExpression")) is None
            ):
                return flow_id(key, "default")
            conditioned = [
                f
                for f in out
                if f.find(q(BPMN, "conditionExpression")) is not None
                and f.get("id") != source.get("default")
            ]
            return flow_id(key, conditioned.index(flow) + 1)
        if local == "parallelGateway" and self._is_split(source):
            return flow_id(key, out.index(flow) + 1)
        return flow_id(key)
