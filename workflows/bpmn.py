"""BPMN 2.0 XML to and from the canonical graph (docs/workflows.md, "BPMN").

`to_bpmn(graph, layout)` writes a process with its diagram (BPMNDiagram), so bpmn.io, Camunda
Modeler and Flowable open it; without a layout the steps are laid out left to right by their
distance from the start. `from_bpmn(xml, known)` reads one back as `(graph, layout)` or raises
`BpmnRefused` listing, in Italian, every element it cannot turn into a step.

What the graph needs beyond BPMN's own elements lives in our namespace (`siso:`): a task's
assignee, questionnaire and queue, a deadline's working days and escalation, an action's
parameters, English names. Camunda's `candidateGroups`, `assignee` (`${initiator}`),
`formKey` and `camunda:type` are read where they mean the same thing.

The layout is `{id: {"x", "y", "width", "height"}}` for shapes and `{id: {"waypoints":
[{"x", "y"}, ...]}}` for sequence flows, ids being canonical: a step's key, `start-event`,
`deadline-<key>` for a task's deadline timer, `flow-<key>` for the one flow out of a step,
`flow-<key>-<n>` for a decision's n-th branch or a split's n-th path, `flow-<key>-default`,
`flow-start`, and `merge-<key>` with `merge-flow-<key>` for the exclusive gateway that merges
the paths into a split reached from several places. Keys never hold "-", so these ids never
collide with a step's. `layout["$ids"]` maps an imported file's ids to the canonical ones
where they differ. Pure functions, no database.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms.schema import KEY_PATTERN

from . import graph as g

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SISO = "https://siso.regione.umbria.it/bpmn"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
PREFIXES = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI, "siso": SISO}
for _prefix, _uri in {**PREFIXES, "camunda": CAMUNDA}.items():
    ET.register_namespace(_prefix, _uri)

JSON_LOGIC = "application/json+logic"
START_ID = "start-event"
START_FLOW = "flow-start"
IDS = "$ids"

SIZES = {
    g.TASK: (100, 80),
    g.ACTION: (100, 80),
    g.DECISION: (50, 50),
    g.SPLIT: (50, 50),
    g.JOIN: (50, 50),
    g.WAIT: (36, 36),
    g.END: (36, 36),
    "start": (36, 36),
    "deadline": (36, 36),
    "merge": (50, 50),
}
COLUMN, ROW, LEFT, TOP = 170, 130, 180, 120

TAGS = {
    g.TASK: "userTask",
    g.ACTION: "serviceTask",
    g.DECISION: "exclusiveGateway",
    g.SPLIT: "parallelGateway",
    g.JOIN: "parallelGateway",
    g.WAIT: "intermediateCatchEvent",
    g.END: "endEvent",
}

# The element types' names in words, for the messages (docs: BPMN 2.0's element names).
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


class BpmnRefused(ValueError):
    """A file that cannot become a procedure; `problems` are Italian sentences, each naming
    the element (its type in words, its name and its id)."""

    def __init__(self, problems: list[str]):
        self.problems = [str(problem) for problem in problems]
        super().__init__("; ".join(self.problems))


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


# --- export -------------------------------------------------------------------------------


@dataclass
class _Flow:
    id: str
    source: str
    target: str
    name: str = ""
    name_en: str = ""
    condition: object = None  # JSON Logic, for a decision's branch
    default: bool = False


def flow_id(key: str, index: int | str | None = None) -> str:
    """The canonical id of a flow out of step `key`: the n-th (1-based) of several, or the
    decision's `default`. Keys hold no "-", so ids with one never collide with a step's."""
    return f"flow-{key}" if index is None else f"flow-{key}-{index}"


def deadline_id(key: str) -> str:
    return f"deadline-{key}"


def _flows(steps: list[dict]) -> list[_Flow]:
    keys = {step.get("key") for step in steps}
    flows = []
    if steps:
        flows.append(_Flow(START_FLOW, START_ID, steps[0].get("key")))
    for step in steps:
        key, kind = step.get("key"), step.get("kind")
        if kind == g.DECISION:
            for number, branch in enumerate(step.get("branches") or (), 1):
                if not isinstance(branch, dict):
                    continue
                label = branch.get("label") if isinstance(branch.get("label"), dict) else {}
                flows.append(
                    _Flow(
                        flow_id(key, number),
                        key,
                        branch.get("next"),
                        name=label.get("it") or "",
                        name_en=label.get("en") or "",
                        condition=branch.get("when"),
                    )
                )
            flows.append(_Flow(flow_id(key, "default"), key, step.get("default"), default=True))
        elif kind == g.SPLIT:
            following = step.get("next") if isinstance(step.get("next"), list) else []
            flows += [
                _Flow(flow_id(key, number), key, target)
                for number, target in enumerate(following, 1)
            ]
        elif kind != g.END:
            flows.append(_Flow(flow_id(key), key, step.get("next")))
    flows = [flow for flow in flows if isinstance(flow.target, str) and flow.target in keys]
    return _merged(steps, flows)


def merge_id(key: str) -> str:
    return f"merge-{key}"


def _merged(steps: list[dict], flows: list[_Flow]) -> list[_Flow]:
    """A split reached from several places is preceded by an exclusive gateway that merges
    them: a parallel gateway with several incoming flows would wait for all of them."""
    arriving = defaultdict(int)
    for flow in flows:
        arriving[flow.target] += 1
    for step in steps:
        key = step["key"]
        if step["kind"] == g.SPLIT and arriving[key] > 1:
            for flow in flows:
                if flow.target == key:
                    flow.target = merge_id(key)
            flows.append(_Flow(f"merge-flow-{key}", merge_id(key), key))
    return flows


def _depths(steps: list[dict]) -> dict[str, int]:
    """Each step's distance from the first (unreachable steps after the farthest)."""
    by_key = {step["key"]: step for step in steps}
    depths = {steps[0]["key"]: 0} if steps else {}
    frontier = list(depths)
    while frontier:
        following = []
        for key in frontier:
            for successor in g.successors(by_key[key]):
                if successor in by_key and successor not in depths:
                    depths[successor] = depths[key] + 1
                    following.append(successor)
        frontier = following
    last = max(depths.values(), default=-1) + 1
    for key in by_key:
        depths.setdefault(key, last)
    return depths


def _bounds(center_x: float, center_y: float, kind: str) -> dict:
    width, height = SIZES[kind]
    return {
        "x": center_x - width // 2,
        "y": center_y - height // 2,
        "width": width,
        "height": height,
    }


def auto_layout(graph: dict) -> dict:
    """Shapes left to right by distance from the start, one row per step at each distance."""
    steps = _steps(graph)
    depths = _depths(steps)
    rows: dict[int, int] = defaultdict(int)
    layout = {START_ID: _bounds(LEFT, TOP, "start")}
    for step in steps:
        depth = depths[step["key"]]
        center = (LEFT + (depth + 1) * COLUMN, TOP + rows[depth] * ROW)
        rows[depth] += 1
        layout[step["key"]] = _bounds(*center, step["kind"])
        if step["kind"] == g.TASK and isinstance(step.get("deadline"), dict):
            layout[deadline_id(step["key"])] = _deadline_bounds(layout[step["key"]])
    return layout


def _deadline_bounds(task: dict) -> dict:
    # On the task's bottom border, towards its right, where bpmn.io puts a boundary event.
    width, height = SIZES["deadline"]
    return {
        "x": task["x"] + task["width"] - width - 2,
        "y": task["y"] + task["height"] - height // 2,
        "width": width,
        "height": height,
    }


def _waypoints(source: dict, target: dict) -> list[dict]:
    """A right-angled line from the source's right side to the target's left side; a flow
    going back runs below both shapes."""
    sx, sy = source["x"] + source["width"], source["y"] + source["height"] / 2
    tx, ty = target["x"], target["y"] + target["height"] / 2
    if tx > sx:
        if sy == ty:
            points = [(sx, sy), (tx, ty)]
        else:
            middle = sx + (tx - sx) / 2
            points = [(sx, sy), (middle, sy), (middle, ty), (tx, ty)]
    else:
        below = max(source["y"] + source["height"], target["y"] + target["height"]) + 30
        scx, tcx = source["x"] + source["width"] / 2, target["x"] + target["width"] / 2
        points = [
            (scx, source["y"] + source["height"]),
            (scx, below),
            (tcx, below),
            (tcx, target["y"] + target["height"]),
        ]
    return [{"x": _number(x), "y": _number(y)} for x, y in points]


def _steps(graph: dict) -> list[dict]:
    return [
        step
        for step in (graph.get("steps") or ())
        if isinstance(step, dict) and step.get("kind") in TAGS and isinstance(step.get("key"), str)
    ]


def to_bpmn(graph: dict, layout: dict | None = None) -> str:
    """The graph as BPMN 2.0 XML with its diagram; `layout` places what it names (a shape
    or flow it does not name is placed automatically)."""
    steps = _steps(graph)
    flows = _flows(steps)
    merges = [flow.source for flow in flows if flow.id.startswith("merge-flow-")]
    shapes = auto_layout(graph)
    for flow in flows:
        if flow.id.startswith("merge-flow-"):  # halfway from the previous column to the split
            split = shapes[flow.target]
            shapes[flow.source] = _bounds(
                split["x"] - (COLUMN - split["width"]) // 2,
                split["y"] + split["height"] // 2,
                "merge",
            )
    shapes.update(_shapes_of(layout or {}))
    for step in steps:  # a deadline timer follows its task when only the task was placed
        deadline = deadline_id(step["key"])
        if deadline in shapes and deadline not in (layout or {}):
            shapes[deadline] = _deadline_bounds(shapes[step["key"]])

    root = ET.Element(
        q(BPMN, "definitions"),
        {
            "id": "definitions-siso",
            "targetNamespace": SISO,
            "exporter": "SISO",
            "exporterVersion": "1.0",
        },
    )
    slug = graph.get("slug") or "procedura"
    process = ET.SubElement(
        root,
        q(BPMN, "process"),
        {"id": _ncname(f"process-{slug}"), "isExecutable": "true"},
    )
    title = _pair(graph.get("title"))
    _named(process, title)
    if graph.get("slug"):
        process.set(q(SISO, "slug"), graph["slug"])
    if graph.get("description"):
        ET.SubElement(process, q(BPMN, "documentation")).text = graph["description"]

    incoming, outgoing = defaultdict(list), defaultdict(list)
    for flow in flows:
        outgoing[flow.source].append(flow.id)
        incoming[flow.target].append(flow.id)

    start = ET.SubElement(process, q(BPMN, "startEvent"), {"id": START_ID})
    _links(start, incoming[START_ID], outgoing[START_ID])
    deadlines = []
    for step in steps:
        deadlines += _step_element(process, step, incoming, outgoing)
    for flow in flows:
        if flow.source.startswith("merge-"):
            merge = ET.SubElement(process, q(BPMN, "exclusiveGateway"), {"id": flow.source})
            _links(merge, incoming[flow.source], outgoing[flow.source])
    for task, deadline in deadlines:
        _deadline_element(process, task, deadline)
    for flow in flows:
        _flow_element(process, flow)

    diagram = ET.SubElement(root, q(BPMNDI, "BPMNDiagram"), {"id": "diagram-1"})
    plane = ET.SubElement(
        diagram, q(BPMNDI, "BPMNPlane"), {"id": "plane-1", "bpmnElement": process.get("id")}
    )
    kinds = {START_ID: "start", **{step["key"]: step["kind"] for step in steps}}
    kinds.update(dict.fromkeys(merges, "merge"))
    for task, _deadline in deadlines:
        kinds[deadline_id(task["key"])] = "deadline"
    for element_id, kind in kinds.items():
        attributes = {"id": f"di-{element_id}", "bpmnElement": element_id}
        if kind in (g.DECISION, "merge"):
            attributes["isMarkerVisible"] = "true"
        shape = ET.SubElement(plane, q(BPMNDI, "BPMNShape"), attributes)
        bounds = shapes[element_id]
        ET.SubElement(shape, q(DC, "Bounds"), {name: _text(bounds[name]) for name in _BOUNDS})
    edges = _edges_of(layout or {})
    for flow in flows:
        edge = ET.SubElement(
            plane, q(BPMNDI, "BPMNEdge"), {"id": f"di-{flow.id}", "bpmnElement": flow.id}
        )
        points = edges.get(flow.id) or _waypoints(shapes[flow.source], shapes[flow.target])
        for point in points:
            ET.SubElement(edge, q(DI, "waypoint"), {"x": _text(point["x"]), "y": _text(point["y"])})
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


_BOUNDS = ("x", "y", "width", "height")


def _shapes_of(layout: dict) -> dict:
    return {
        key: {name: value[name] for name in _BOUNDS}
        for key, value in layout.items()
        if isinstance(value, dict)
        and all(isinstance(value.get(name), (int, float)) for name in _BOUNDS)
    }


def _edges_of(layout: dict) -> dict:
    edges = {}
    for key, value in layout.items():
        points = value.get("waypoints") if isinstance(value, dict) else None
        if isinstance(points, list) and len(points) >= 2 and all(map(_is_point, points)):
            edges[key] = points
    return edges


def _is_point(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(value.get(name), (int, float)) for name in ("x", "y")
    )


def _named(element: ET.Element, title: dict) -> None:
    if title["it"]:
        element.set("name", title["it"])
    if title["en"]:
        element.set(q(SISO, "nameEn"), title["en"])


def _links(element: ET.Element, incoming: list[str], outgoing: list[str]) -> None:
    for flow in incoming:
        ET.SubElement(element, q(BPMN, "incoming")).text = flow
    for flow in outgoing:
        ET.SubElement(element, q(BPMN, "outgoing")).text = flow


def _step_element(process, step: dict, incoming, outgoing) -> list[tuple[dict, dict]]:
    key, kind = step["key"], step["kind"]
    element = ET.SubElement(process, q(BPMN, TAGS[kind]), {"id": _ncname(key)})
    _named(element, _pair(step.get("title")))
    deadlines = []
    if kind == g.TASK:
        extension = ET.SubElement(
            ET.SubElement(element, q(BPMN, "extensionElements")), q(SISO, "task")
        )
        if step.get("form"):
            extension.set("form", str(step["form"]))
        extension.set("queue", "true" if step.get("queue") else "false")
        assignee = step.get("assignee")
        if isinstance(assignee, dict):
            ET.SubElement(
                extension,
                q(SISO, "assignee"),
                {name: str(value) for name, value in assignee.items() if value is not None},
            )
        if isinstance(step.get("deadline"), dict):
            deadlines.append((step, step["deadline"]))
    elif kind == g.ACTION:
        element.set(q(SISO, "action"), str(step.get("action") or ""))
        if step.get("params"):
            extensions = ET.SubElement(element, q(BPMN, "extensionElements"))
            ET.SubElement(extensions, q(SISO, "params")).text = _json(step["params"])
    elif kind == g.DECISION:
        default = [f for f in outgoing[key] if f == flow_id(key, "default")]
        if default:
            element.set("default", default[0])
    elif kind in (g.SPLIT, g.JOIN):
        element.set("gatewayDirection", "Diverging" if kind == g.SPLIT else "Converging")
    _links(element, incoming[key], outgoing[key])
    if kind == g.WAIT:
        timer = ET.SubElement(element, q(BPMN, "timerEventDefinition"))
        if step.get("duration"):
            _expression(timer, "timeDuration", str(step["duration"]))
        elif step.get("until") is not None:
            _expression(timer, "timeDate", _json(step["until"]), JSON_LOGIC)
    return deadlines


def _deadline_element(process, task: dict, deadline: dict) -> None:
    element = ET.SubElement(
        process,
        q(BPMN, "boundaryEvent"),
        {
            "id": deadline_id(task["key"]),
            "name": _("Deadline"),
            "cancelActivity": "false",
            "attachedToRef": _ncname(task["key"]),
        },
    )
    extension = ET.SubElement(
        ET.SubElement(element, q(BPMN, "extensionElements")), q(SISO, "deadline")
    )
    extension.set("workingDays", "true" if deadline.get("working_days") else "false")
    extension.set("escalation", str(deadline.get("escalation") or g.NOTIFY))
    timer = ET.SubElement(element, q(BPMN, "timerEventDefinition"))
    _expression(timer, "timeDuration", str(deadline.get("duration") or ""))


def _flow_element(process, flow: _Flow) -> None:
    element = ET.SubElement(
        process,
        q(BPMN, "sequenceFlow"),
        {"id": flow.id, "sourceRef": _ncname(flow.source), "targetRef": _ncname(flow.target)},
    )
    _named(element, {"it": flow.name, "en": flow.name_en})
    if not flow.default and flow.condition is not None:
        _expression(element, "conditionExpression", _json(flow.condition), JSON_LOGIC)


def _expression(parent, name: str, text: str, language: str | None = None) -> None:
    element = ET.SubElement(parent, q(BPMN, name), {q(XSI, "type"): "bpmn:tFormalExpression"})
    if language:
        element.set("language", language)
    element.text = text


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _pair(value) -> dict:
    if not isinstance(value, dict):
        return {"it": value if isinstance(value, str) else "", "en": ""}
    return {"it": value.get("it") or "", "en": value.get("en") or ""}


def _number(value: float):
    return int(value) if float(value).is_integer() else round(value, 2)


def _text(value) -> str:
    return str(_number(value))


_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def _ncname(text: str) -> str:
    """An XML id for `text` (a valid key already is one)."""
    if _NCNAME.fullmatch(text or ""):
        return text
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]", "_", text or "")
    return cleaned if _NCNAME.fullmatch(cleaned) else f"_{cleaned}"


# --- import -------------------------------------------------------------------------------


def from_bpmn(xml: str | bytes, known: g.Known) -> tuple[dict, dict]:
    """The graph and layout of a BPMN 2.0 file; raises `BpmnRefused` with every problem."""
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
            if KEY_PATTERN.fullmatch(node_id) and node_id not in g.reserved_keys():
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
        key = node.get(q(CAMUNDA, "formKey"))
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
        groups = node.get(q(CAMUNDA, "candidateGroups"))
        person = node.get(q(CAMUNDA, "assignee"))
        users = node.get(q(CAMUNDA, "candidateUsers"))
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
                        name: _number(float(bounds.get(name))) for name in _BOUNDS
                    }
                except (TypeError, ValueError):
                    continue
        for edge in plane.iter(q(BPMNDI, "BPMNEdge")) if plane is not None else ():
            try:
                edges[edge.get("bpmnElement")] = [
                    {"x": _number(float(p.get("x"))), "y": _number(float(p.get("y")))}
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
