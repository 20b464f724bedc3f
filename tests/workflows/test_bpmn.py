"""BPMN 2.0: a diagram drawn in Camunda Modeler becomes a procedure that publishes and runs;
every procedure exports and imports back unchanged; what a procedure cannot do is refused
naming the element."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.utils.translation import gettext as _
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from viewflow.workflow.status import PROCESS

from siso_platform.casework import procedures
from workflows import bpmn, runtime
from workflows import graph as g
from workflows.deadlines import sweep
from workflows.graph import KEY_PATTERN
from workflows.publishing import known, publish

from .conftest import end, make_definition, task, text

DATA = Path(__file__).parent / "data"
DRAWN = (DATA / "contributo_economico.bpmn").read_text(encoding="utf-8")
MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)

KNOWN = g.Known(
    forms={"valutazione-sociale"},
    roles={"social_worker", "zone_admin"},
    groups={"ufficio_di_piano"},
    actions={"set_variable", "send_notification", "create_case"},
)


def key(element_id: str) -> str:
    """The step key an element id becomes: itself when it is a valid key, else lowercased."""
    return element_id if KEY_PATTERN.fullmatch(element_id) else element_id.lower()


REVIEW, PAYMENT = key("Activity_0x1y2z3"), key("Activity_1m2n3o4")
GATEWAY, WAIT = key("Gateway_1q2w3e4"), key("Event_0t1m2r3")


def test_the_drawn_file_reads_as_a_graph_with_keys_made_from_its_ids():
    graph, layout = bpmn.from_bpmn(DRAWN, KNOWN)
    assert [(step["key"], step["kind"], step["title"]["it"]) for step in graph["steps"]] == [
        (REVIEW, "task", "Istruttoria della domanda"),
        (GATEWAY, "decision", "Domanda accolta?"),
        (WAIT, "wait", "Cinque giorni per eventuali ricorsi"),
        (PAYMENT, "task", "Liquidazione"),
        (key("Event_1end0ok"), "end", "Contributo liquidato"),
        (key("Event_0rsp9tq"), "end", "Domanda respinta"),
    ]
    review, decision, wait, payment = graph["steps"][:4]
    assert review["assignee"] == {"rule": "role", "role": "social_worker", "within": "zone"}
    assert review["deadline"] == {"duration": "P10D", "working_days": False, "escalation": "notify"}
    # The condition read the task by its diagram id: it now reads it by its key.
    assert decision["branches"] == [
        {
            "when": {"var": f"{REVIEW}.approved"},
            "next": WAIT,
            "label": {"it": "Sì", "en": ""},
        }
    ]
    assert decision["default"] == key("Event_0rsp9tq")
    assert wait["duration"] == "P5D" and wait["until"] is None
    assert payment["assignee"] == {"rule": "starter"}
    assert g.problems(graph, KNOWN) == []
    # Where things were drawn stays, under the keys, with the diagram's ids mapped.
    assert layout[REVIEW] == {"x": 270, "y": 77, "width": 100, "height": 80}
    assert layout[f"deadline-{REVIEW}"]["x"] == 332
    assert layout[f"flow-{GATEWAY}-default"]["waypoints"][1] == {"x": 450, "y": 230}
    assert layout["$ids"]["Flow_1r5t6y7"] == f"flow-{GATEWAY}-default"
    assert layout["$ids"]["StartEvent_1"] == "start-event"


def test_the_drawn_file_publishes_and_runs_to_its_end(db, operator, social_worker):
    graph, _layout = bpmn.from_bpmn(DRAWN, known())
    version = publish(make_definition(graph["steps"], slug="contributo", title="Contributo"))
    assert version.graph["steps"][0]["key"] == REVIEW
    with freeze_time(MONDAY):
        process = runtime.start(version, user=operator)
        (review,) = runtime.my_tasks(social_worker)
        assert review.flow_task.name == REVIEW
        assert review.deadline.due_at is not None
        runtime.complete(review, social_worker, answers={"approved": True, "note": "ok"})
    assert list(runtime.my_tasks(operator)) == []  # the five days' wait
    with freeze_time(MONDAY + datetime.timedelta(days=5, hours=1)):
        sweep()
    (payment,) = runtime.my_tasks(operator)  # the starter, from camunda:assignee
    assert payment.flow_task.name == PAYMENT
    runtime.complete(payment, operator, answers={"approved": True})
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    ends = [t.flow_task.name for t in process.task_set.all() if t.flow_task_type == "END"]
    assert ends == [key("Event_1end0ok")]


def test_a_rejection_in_the_drawn_file_takes_the_default_flow(db, operator, social_worker):
    graph, _layout = bpmn.from_bpmn(DRAWN, known())
    version = publish(make_definition(graph["steps"], slug="contributo"))
    process = runtime.start(version, user=operator)
    (review,) = runtime.my_tasks(social_worker)
    runtime.complete(review, social_worker, answers={"approved": False})
    process.refresh_from_db()
    assert process.status == PROCESS.DONE


def test_export_then_import_gives_the_drawn_graph_and_its_layout_back():
    graph, layout = bpmn.from_bpmn(DRAWN, KNOWN)
    again, again_layout = bpmn.from_bpmn(bpmn.to_bpmn(graph, layout), KNOWN)
    assert again == graph
    assert {k: v for k, v in again_layout.items() if k != "$ids"} == {
        k: v for k, v in layout.items() if k != "$ids"
    }
    assert "$ids" not in again_layout  # exported ids are the keys already


# --- round trips --------------------------------------------------------------------------

BRANCHING = {
    "slug": "prova",
    "title": text("Prova", "Trial"),
    "steps": [
        {
            "key": "split",
            "kind": "split",
            "title": text("Insieme"),
            "next": ["check", "notify"],
        },
        task(
            "check",
            "join",
            form="valutazione-sociale",
            queue=True,
            deadline={"duration": "P2W", "working_days": True, "escalation": "reassign"},
        ),
        {
            "key": "notify",
            "kind": "action",
            "title": text("Avvisa", "Notify"),
            "action": "send_notification",
            "params": {"to": "zone_admins", "message": "Nuova domanda: “ok” <&>"},
            "next": "join",
        },
        {"key": "join", "kind": "join", "title": text("Riunione"), "next": "route"},
        {
            "key": "route",
            "kind": "decision",
            "title": text("Esito"),
            "branches": [
                {"when": {"var": "check.approved"}, "next": "pause", "label": text("Sì", "Yes")},
                {"when": {"==": [1, 1]}, "next": "pause"},
            ],
            "default": "check",
        },
        {
            "key": "pause",
            "kind": "wait",
            "title": text("Attesa"),
            "duration": None,
            "until": {"add_days": [{"today": []}, 3]},
            "next": "second",
        },
        task("second", "second_wait", assignee={"rule": "performer", "step": "check"}),
        {
            "key": "second_wait",
            "kind": "wait",
            "title": text("Attesa breve"),
            "duration": "PT48H",
            "until": None,
            "next": "done",
        },
        end(),
    ],
}


def _seeded():
    return [procedures.read(path) for path in procedures.TEMPLATE_FILES]


@pytest.mark.parametrize(
    "graph",
    [BRANCHING, *_seeded()],
    ids=lambda graph: graph["slug"] if isinstance(graph, dict) else None,
)
def test_every_kind_of_step_and_the_seeded_procedures_come_back_unchanged(graph):
    exported = bpmn.to_bpmn(graph)
    back, layout = bpmn.from_bpmn(exported, known_actions_of(graph))
    assert back == g.normalise(graph)
    assert bpmn.to_bpmn(back, layout) == exported


def known_actions_of(graph) -> g.Known:
    return g.Known(
        forms=set(),
        roles=set(),
        groups=set(),
        actions={step["action"] for step in graph["steps"] if step["kind"] == "action"},
    )


KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda key: key not in g.reserved_keys()
)
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
LOGIC = st.one_of(
    st.just({"var": "vars.x"}),
    st.builds(lambda v: {"==": [{"var": "vars.x"}, v]}, st.integers() | WORDS),
    st.just(True),
)
DURATIONS = st.sampled_from(["P10D", "PT48H", "P2W", "P1M", "P1Y2M3DT4H"])


@st.composite
def graphs(draw):
    keys = draw(st.lists(KEYS, min_size=1, max_size=8, unique=True))
    target = st.sampled_from(keys) | st.just("")
    steps = []
    for key in keys:
        kind = draw(st.sampled_from(g.KINDS))
        step = {"key": key, "kind": kind, "title": {"it": draw(WORDS), "en": draw(WORDS)}}
        if kind == g.TASK:
            rule = draw(st.sampled_from(g.RULES))
            assignee = {
                g.ROLE: {"rule": rule, "role": "social_worker", "within": "office"},
                g.PERFORMER: {"rule": rule, "step": draw(st.sampled_from(keys))},
                g.GROUP: {"rule": rule, "group": "ufficio"},
            }.get(rule, {"rule": rule})
            deadline = draw(
                st.none()
                | st.builds(
                    lambda d, w, e: {"duration": d, "working_days": w, "escalation": e},
                    DURATIONS,
                    st.booleans(),
                    st.sampled_from(g.ESCALATIONS),
                )
            )
            step.update(
                form=draw(st.none() | st.just("valutazione-sociale")),
                assignee=assignee,
                queue=draw(st.booleans()),
                deadline=deadline,
                next=draw(target),
            )
        elif kind == g.ACTION:
            params = draw(st.dictionaries(KEYS, LOGIC | st.integers() | WORDS, max_size=3))
            step.update(action="set_variable", params=params, next=draw(target))
        elif kind == g.DECISION:
            branches = draw(
                st.lists(
                    st.builds(
                        lambda w, n, i, e: {"when": w, "next": n, "label": {"it": i, "en": e}},
                        LOGIC,
                        st.sampled_from(keys),
                        WORDS,
                        WORDS,
                    ),
                    max_size=3,
                )
            )
            step.update(branches=branches, default=draw(target))
        elif kind == g.SPLIT:
            step["next"] = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3))
        elif kind == g.WAIT:
            duration = draw(st.none() | DURATIONS)
            until = None if duration else draw(st.none() | LOGIC)
            step.update(duration=duration, until=until, next=draw(target))
        elif kind != g.END:
            step["next"] = draw(target)
        steps.append(step)
    return {"slug": "prova", "title": {"it": draw(WORDS), "en": draw(WORDS)}, "steps": steps}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_any_graph_comes_back_unchanged(graph):
    back, layout = bpmn.from_bpmn(bpmn.to_bpmn(graph), known_actions_of(graph))
    assert back == g.normalise(graph)
    assert bpmn.to_bpmn(back, layout) == bpmn.to_bpmn(graph)


# --- refusals -----------------------------------------------------------------------------


def _file(body: str, flows: str = "") -> str:
    """A process starting at StartEvent_1 and going to `Activity_first`, drawn by hand."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1"
    targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Process_1" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="Flow_start" sourceRef="StartEvent_1" targetRef="Activity_first" />
    {body}
    <bpmn:endEvent id="Event_end" name="Fine" />
    {flows}
  </bpmn:process>
</bpmn:definitions>"""


def _refusal(xml: str) -> list[str]:
    with pytest.raises(bpmn.BpmnRefused) as refused:
        bpmn.from_bpmn(xml, KNOWN)
    return refused.value.problems


@pytest.mark.parametrize(
    "body, words, element_id, name",
    [
        (
            '<bpmn:scriptTask id="Activity_first" name="Calcola" scriptFormat="groovy">'
            "<bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>",
            "script task",
            "Activity_first",
            "Calcola",
        ),
        (
            '<bpmn:subProcess id="Activity_first" name="Istruttoria completa" />',
            "subprocess",
            "Activity_first",
            "Istruttoria completa",
        ),
        (
            '<bpmn:inclusiveGateway id="Activity_first" name="Quali servizi?" />',
            "inclusive gateway",
            "Activity_first",
            "Quali servizi?",
        ),
        (
            '<bpmn:intermediateCatchEvent id="Activity_first" name="Risposta del comune">'
            '<bpmn:messageEventDefinition id="MessageEventDefinition_1" />'
            "</bpmn:intermediateCatchEvent>",
            "message",
            "Activity_first",
            "Risposta del comune",
        ),
        (
            '<bpmn:serviceTask id="Activity_first" name="Protocolla" '
            'camunda:type="external" camunda:topic="protocollo" />',
            "service task",
            "Activity_first",
            "Protocolla",
        ),
    ],
)
def test_what_a_procedure_cannot_do_is_refused_naming_the_element(body, words, element_id, name):
    flows = '<bpmn:sequenceFlow id="Flow_out" sourceRef="Activity_first" targetRef="Event_end" />'
    (problem,) = _refusal(_file(body, flows))
    assert _(words).lower() in problem.lower()
    assert element_id in problem and f"“{name}”" in problem


def test_an_unknown_action_is_named():
    body = '<bpmn:serviceTask id="Activity_first" name="Protocolla" siso:action="protocol" />'
    xml = _file(body).replace(
        "xmlns:camunda=", 'xmlns:siso="https://siso.regione.umbria.it/bpmn" xmlns:camunda='
    )
    (problem,) = _refusal(xml)
    assert "“protocol”" in problem and "Activity_first" in problem


def test_a_feel_or_juel_condition_is_refused_naming_its_flow():
    body = """
    <bpmn:userTask id="Activity_first" name="Verifica" camunda:candidateGroups="zone_admin" />
    <bpmn:exclusiveGateway id="Gateway_0abc" name="Esito" default="Flow_no" />"""
    flows = """
    <bpmn:sequenceFlow id="Flow_task" sourceRef="Activity_first" targetRef="Gateway_0abc" />
    <bpmn:sequenceFlow id="Flow_yes" name="Approvata" sourceRef="Gateway_0abc"
        targetRef="Event_end">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        >${approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_no" sourceRef="Gateway_0abc" targetRef="Event_end" />"""
    (problem,) = _refusal(_file(body, flows))
    assert "Flow_yes" in problem and "“Approvata”" in problem and "${approved}" in problem
    assert _("sequence flow") in problem.lower()


def test_every_problem_is_listed_at_once():
    body = """
    <bpmn:userTask id="Activity_first" name="Verifica" camunda:assignee="mario.rossi" />
    <bpmn:boundaryEvent id="Event_late" name="Tardi" attachedToRef="Activity_first">
      <bpmn:timerEventDefinition>
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P3D</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:callActivity id="Activity_other" name="Altra procedura" />"""
    flows = """
    <bpmn:sequenceFlow id="Flow_a" sourceRef="Activity_first" targetRef="Event_end" />
    <bpmn:sequenceFlow id="Flow_b" sourceRef="Activity_first" targetRef="Activity_other" />
    <bpmn:sequenceFlow id="Flow_late" sourceRef="Event_late" targetRef="Event_end" />"""
    problems = _refusal(_file(body, flows))
    joined = "\n".join(problems)
    assert "Activity_other" in joined and _("call activity") in joined.lower()
    assert "Event_late" in joined  # a deadline leading to another step
    assert len(problems) == 2  # found before the steps are read
    body = body.replace('<bpmn:callActivity id="Activity_other" name="Altra procedura" />', "")
    flows = flows.replace("Activity_other", "Event_end").replace(
        '<bpmn:sequenceFlow id="Flow_late" sourceRef="Event_late" targetRef="Event_end" />', ""
    )
    problems = _refusal(_file(body, flows))
    assert len(problems) == 2
    assert "mario.rossi" in problems[0] and "Activity_first" in problems[0]
    assert "Activity_first" in problems[1]  # two ways out of a task


def test_not_bpmn_at_all_is_refused_clearly():
    assert _refusal("<html><body>ciao</body></html>")
    assert _refusal(b"\x89PNG not xml")
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    assert _refusal(bomb)


def test_a_merge_gateway_drawn_before_an_end_is_not_a_step():
    body = """
    <bpmn:userTask id="Activity_first" name="Verifica" camunda:candidateGroups="zone_admin" />
    <bpmn:exclusiveGateway id="Gateway_route" name="Esito" default="Flow_no" />
    <bpmn:exclusiveGateway id="Gateway_merge" />"""
    flows = """
    <bpmn:sequenceFlow id="Flow_task" sourceRef="Activity_first" targetRef="Gateway_route" />
    <bpmn:sequenceFlow id="Flow_yes" sourceRef="Gateway_route" targetRef="Gateway_merge">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        language="application/json+logic"
        >{"var": "Activity_first.approved"}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_no" sourceRef="Gateway_route" targetRef="Gateway_merge" />
    <bpmn:sequenceFlow id="Flow_merged" sourceRef="Gateway_merge" targetRef="Event_end" />"""
    graph, _layout = bpmn.from_bpmn(_file(body, flows), KNOWN)
    assert [step["key"] for step in graph["steps"]] == [
        key("Activity_first"),
        key("Gateway_route"),
        key("Event_end"),
    ]
    route = graph["steps"][1]
    assert route["default"] == route["branches"][0]["next"] == key("Event_end")
    assert route["branches"][0]["when"] == {"var": f"{key('Activity_first')}.approved"}
    assert json.loads(json.dumps(graph)) == graph


def test_ids_that_are_not_keys_become_keys_and_the_logic_follows():
    body = """
    <bpmn:userTask id="Activity_first" name="Verifica" camunda:candidateGroups="zone_admin" />
    <bpmn:userTask id="Verifica-2" name="Seconda verifica">
      <bpmn:extensionElements>
        <siso:task><siso:assignee rule="performer" step="Verifica-2" /></siso:task>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="begin" name="Esito" default="Flow_no" />"""
    flows = """
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Activity_first" targetRef="Verifica-2" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Verifica-2" targetRef="begin" />
    <bpmn:sequenceFlow id="Flow_yes" sourceRef="begin" targetRef="Event_end">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        language="application/json+logic"
        >{"var": ["Verifica-2.approved", false]}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_no" sourceRef="begin" targetRef="Activity_first" />"""
    xml = _file(body, flows).replace(
        "xmlns:camunda=", 'xmlns:siso="https://siso.regione.umbria.it/bpmn" xmlns:camunda='
    )
    graph, layout = bpmn.from_bpmn(xml, KNOWN)
    first, second, route, _end = graph["steps"]
    assert second["key"] == "verifica_2" and route["key"] == "begin_2"  # `begin` is reserved
    assert second["assignee"] == {"rule": "performer", "step": "verifica_2"}
    assert route["branches"][0]["when"] == {"var": ["verifica_2.approved", False]}
    assert route["default"] == first["key"]
    assert layout["$ids"]["Verifica-2"] == "verifica_2"


def test_an_unfinished_draft_still_exports_a_diagram_that_opens():
    draft = {
        "slug": "bozza",
        "title": text("Bozza"),
        "steps": [
            {"key": "check", "kind": "split", "title": text(""), "next": ["check", "nowhere"]},
            {"key": "check", "kind": "task", "title": text("Doppione"), "next": "check"},
            {"key": "Not a key", "kind": "task", "title": text("Chiave"), "next": ""},
            {"key": "", "kind": "end", "title": text("")},
        ],
    }
    exported = bpmn.to_bpmn(draft)
    ids = re.findall(r' id="([^"]+)"', exported)
    assert len(ids) == len(set(ids))  # bpmn-js refuses repeated ids
    graph, _layout = bpmn.from_bpmn(exported, KNOWN)
    assert [step["kind"] for step in graph["steps"]] == ["split", "task", "end"]


CAMUNDA_8_POOL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_0c8pool"
    targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler"
    exporterVersion="5.31.0">
  <bpmn:collaboration id="Collaboration_1">
    <bpmn:participant id="Participant_0zona" name="Zona sociale" processRef="Process_valuta" />
  </bpmn:collaboration>
  <bpmn:process id="Process_valuta" name="Valutazione" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1">
      <bpmn:lane id="Lane_0as" name="Assistente sociale">
        <bpmn:flowNodeRef>Activity_0val</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:userTask id="Activity_0val" name="Valutazione sociale">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="social_worker" />
        <zeebe:formDefinition formId="valutazione-sociale" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:serviceTask id="Activity_1apri" name="Apri la cartella">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="create_case" />
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:endEvent id="Event_0fine" name="Fine" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Activity_0val" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_0val" targetRef="Activity_1apri" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Activity_1apri" targetRef="Event_0fine" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Collaboration_1">
      <bpmndi:BPMNShape id="Activity_0val_di" bpmnElement="Activity_0val">
        <dc:Bounds x="300" y="120" width="100" height="80" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def test_a_camunda_8_pool_with_a_lane_imports():
    graph, layout = bpmn.from_bpmn(CAMUNDA_8_POOL, KNOWN)
    assessment, open_case, _end = graph["steps"]
    assert assessment["form"] == "valutazione-sociale"
    assert assessment["assignee"] == {"rule": "role", "role": "social_worker", "within": "zone"}
    assert open_case["action"] == "create_case" and open_case["next"] == _end["key"]
    assert layout[assessment["key"]] == {"x": 300, "y": 120, "width": 100, "height": 80}
    assert g.problems(graph, KNOWN) == []
