"""BPMN 2.0 XML to and from the canonical graph (docs/workflows.md, "BPMN").

`to_bpmn(graph, layout)` writes a process with its diagram (BPMNDiagram), so bpmn.io, Camunda
Modeler and Flowable open it; without a layout the steps are laid out left to right by their
distance from the start. `from_bpmn(xml, known)` reads one back as `(graph, layout)` or raises
`BpmnRefused` listing, in Italian, every element it cannot turn into a step (the reading is
in `workflows.bpmn_reader`).

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

from django.utils.translation import gettext as _

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
    return [{"x": coordinate(x), "y": coordinate(y)} for x, y in points]


def _steps(graph: dict) -> list[dict]:
    """The steps a diagram can show: of a known kind, each key once and usable as an XML id
    (a draft may be unfinished; a checked graph passes unchanged)."""
    steps, seen = [], set()
    for step in graph.get("steps") or ():
        if not isinstance(step, dict) or step.get("kind") not in TAGS:
            continue
        key = _ncname(step["key"]) if isinstance(step.get("key"), str) else None
        if key is None or key in seen:
            continue
        seen.add(key)
        steps.append({**step, "key": key, **_references(step)})
    return steps


def _references(step: dict) -> dict:
    def id_of(value):
        return _ncname(value) if isinstance(value, str) and value else value

    found = {}
    if isinstance(step.get("next"), list):
        found["next"] = [id_of(value) for value in step["next"]]
    elif "next" in step:
        found["next"] = id_of(step["next"])
    if "default" in step:
        found["default"] = id_of(step["default"])
    if isinstance(step.get("branches"), list):
        found["branches"] = [
            {**branch, "next": id_of(branch.get("next"))} if isinstance(branch, dict) else branch
            for branch in step["branches"]
        ]
    return found


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
        ET.SubElement(shape, q(DC, "Bounds"), {name: _text(bounds[name]) for name in BOUNDS})
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


BOUNDS = ("x", "y", "width", "height")


def _shapes_of(layout: dict) -> dict:
    return {
        key: {name: value[name] for name in BOUNDS}
        for key, value in layout.items()
        if isinstance(value, dict)
        and all(isinstance(value.get(name), (int, float)) for name in BOUNDS)
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


def coordinate(value: float):
    return int(value) if float(value).is_integer() else round(value, 2)


def _text(value) -> str:
    return str(coordinate(value))


_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def _ncname(text: str) -> str:
    """An XML id for `text` (a valid key already is one)."""
    if _NCNAME.fullmatch(text or ""):
        return text
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]", "_", text or "")
    return cleaned if _NCNAME.fullmatch(cleaned) else f"_{cleaned}"


# --- import (workflows/bpmn_reader.py) --------------------------------------------------


def from_bpmn(xml: str | bytes, known: g.Known) -> tuple[dict, dict]:
    """The graph and layout of a BPMN 2.0 file; raises `BpmnRefused` with every problem."""
    from .bpmn_reader import read  # the reader needs this module's names

    return read(xml, known)
