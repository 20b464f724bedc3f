"""The workflow StreamField: stored stream <-> canonical graph, and the admin's blocks."""

import copy
import sys
import types

import pytest
from django.core.exceptions import ValidationError
from wagtail import blocks

from tests.forms.admin_post import _stream
from workflows.blocks import STEPS, JSONObjectBlock
from workflows.streamfield import graph_from_stream, stream_from_graph

TITLE = {"it": "Presa in carico", "en": "Taking in charge"}


def step(key, kind, it, en="", **rest):
    return {"key": key, "kind": kind, "title": {"it": it, "en": en}, **rest}


def task(key, assignee, *, form=None, queue=False, deadline=None, next):
    return step(
        key,
        "task",
        key.capitalize(),
        form=form,
        assignee=assignee,
        queue=queue,
        deadline=deadline,
        next=next,
    )


GRAPH = {
    "slug": "presa-in-carico",
    "title": TITLE,
    "steps": [
        task(
            "assess",
            {"rule": "role", "role": "social_worker", "within": "zone"},
            form="valutazione-sociale",
            queue=True,
            deadline={"duration": "P10D", "working_days": True, "escalation": "notify"},
            next="route",
        )
        | {"title": {"it": "Valutazione", "en": "Assessment"}},
        step(
            "route",
            "decision",
            "Esito",
            "Outcome",
            branches=[
                {
                    "when": {"==": [{"var": "assess.outcome"}, "charge"]},
                    "next": "open",
                    "label": {"it": "Presa in carico", "en": "Taking in charge"},
                },
                {
                    "when": {"==": [{"var": "assess.outcome"}, "wait"]},
                    "next": "pause",
                    "label": {"it": "", "en": ""},
                },
            ],
            default="done",
        ),
        step(
            "open",
            "action",
            "Apri cartella",
            "Open case",
            action="create_case",
            params={"kind": "monthly", "limits": [1, 2]},
            next="fork",
        ),
        step("pause", "wait", "Attesa", duration="P7D", until=None, next="recheck"),
        step(
            "recheck",
            "wait",
            "Fino alla scadenza",
            "Until expiry",
            duration=None,
            until={"var": "vars.expires_on"},
            next="done",
        ),
        step("fork", "split", "In parallelo", next=["visit", "approve", "notes", "sign"]),
        task("visit", {"rule": "social_worker"}, form="visita", next="merge"),
        task(
            "approve",
            {"rule": "group", "group": "ufficio_piano"},
            queue=True,
            deadline={"duration": "PT48H", "working_days": False, "escalation": "reassign"},
            next="merge",
        ),
        task("notes", {"rule": "performer", "step": "assess"}, next="merge"),
        task(
            "sign",
            {"rule": "role", "role": "coordinator", "within": "office"},
            deadline={"duration": "P2W", "working_days": False, "escalation": "notify"},
            next="merge",
        ),
        step("merge", "join", "Riunione", next="close"),
        task("close", {"rule": "starter"}, next="done"),
        step("done", "end", "Fine", "End"),
    ],
}


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    """A stand-in for `workflows.registry`, whose choices the blocks read when used."""
    fake = types.ModuleType("workflows.registry")
    fake.role_choices = lambda: [("social_worker", "Social worker"), ("coordinator", "Coord.")]
    fake.action_choices = lambda: [("create_case", "Create a case")]
    monkeypatch.setitem(sys.modules, "workflows.registry", fake)
    return fake


def stream_block():
    return blocks.StreamBlock(STEPS)


def test_the_graph_uses_every_kind_and_every_assignee_rule():
    kinds = {s["kind"] for s in GRAPH["steps"]}
    rules = {s["assignee"]["rule"] for s in GRAPH["steps"] if s["kind"] == "task"}
    assert kinds == {name for name, _ in STEPS}
    assert rules == {"role", "social_worker", "performer", "starter", "group"}


def test_graph_round_trips_through_the_stream():
    graph = copy.deepcopy(GRAPH)
    stream = stream_from_graph(graph)

    assert graph_from_stream(stream, slug=graph["slug"], title=graph["title"]) == GRAPH
    assert graph == GRAPH  # the graph given is left alone
    assert all(set(item) == {"type", "value"} for item in stream)


def test_the_stream_writes_exactly_the_blocks_fields():
    children = dict(STEPS)
    for item in stream_from_graph(GRAPH):
        block = children[item["type"]]
        assert set(item["value"]) == set(block.child_blocks), item["type"]
        if item["type"] == "decision":
            branch = block.child_blocks["branches"].child_block
            for value in item["value"]["branches"]:
                assert set(value) == set(branch.child_blocks)


def test_task_fields_in_the_stream():
    items = {item["value"]["key"]: item["value"] for item in stream_from_graph(GRAPH)}
    assert items["approve"] | {"title": "", "title_en": ""} == {
        "key": "approve",
        "title": "",
        "title_en": "",
        "form": "",
        "assignee_rule": "group",
        "role": "",
        "within": "zone",
        "performer_step": "",
        "group": "ufficio_piano",
        "queue": True,
        "deadline": "PT48H",
        "working_days": False,
        "escalation": "reassign",
        "next": "merge",
    }
    assert items["notes"]["performer_step"] == "assess"
    assert items["sign"]["within"] == "office"
    assert items["fork"]["next"] == ["visit", "approve", "notes", "sign"]


def test_graph_round_trips_through_the_blocks_stored_form():
    block = stream_block()
    stored = block.get_prep_value(block.to_python(stream_from_graph(GRAPH)))

    assert all(item.get("id") for item in stored)
    assert graph_from_stream(stored, slug=GRAPH["slug"], title=TITLE) == GRAPH


def test_graph_round_trips_through_the_admin_form():
    block = stream_block()
    data: dict = {}
    _stream(block, stream_from_graph(GRAPH), "body", data)

    value = block.clean(block.value_from_datadict(data, {}, "body"))

    stored = block.get_prep_value(value)
    assert graph_from_stream(stored, slug=GRAPH["slug"], title=TITLE) == GRAPH


def test_the_admin_form_refuses_bad_values():
    block = stream_block()
    graph = copy.deepcopy(GRAPH)
    graph["steps"][0]["key"] = "Assess"
    graph["steps"][0]["assignee"]["role"] = "astronaut"
    data: dict = {}
    _stream(block, stream_from_graph(graph), "body", data)
    data["body-2-value-params"] = "[1, 2]"

    with pytest.raises(ValidationError) as raised:
        block.clean(block.value_from_datadict(data, {}, "body"))

    errors = raised.value.block_errors
    assert set(errors) == {0, 2}
    assert set(errors[0].block_errors) == {"key", "role"}
    assert set(errors[2].block_errors) == {"params"}


def test_json_object_block():
    params = JSONObjectBlock()

    assert params.clean(params.value_from_form("")) == {}
    assert params.clean(params.value_from_form(' {"a": [1]} ')) == {"a": [1]}
    assert params.value_for_form({}) == ""
    assert params.value_for_form({"a": "è"}) == '{"a": "è"}'
    assert params.to_python(None) == {}
    for text in ("[1]", "3", "{oops"):
        with pytest.raises(ValidationError):
            params.clean(params.value_from_form(text))
    assert params.value_for_form(params.value_from_form("{oops")) == "{oops"


def test_a_partial_stream_converts_without_error():
    raw = [
        {"type": "task", "value": {"key": "a", "title": "A", "deadline": ""}},
        {"type": "task", "value": {"assignee_rule": "performer", "deadline": "P1D"}},
        {"type": "decision", "value": {"branches": [{"type": "item", "value": {}}, None]}},
        {"type": "action", "value": {"params": None}},
        {"type": "split", "value": {"next": [None, {"type": "item", "value": "b", "id": "x"}]}},
        {"type": "join", "value": {}},
        {"type": "wait", "value": {"duration": "", "until": ""}},
        {"type": "end"},
        {"type": "mystery", "value": None},
        {},
    ]

    steps = graph_from_stream(raw, slug="s", title=TITLE)["steps"]

    blank = {"it": "", "en": ""}
    assert steps == [
        {
            "key": "a",
            "kind": "task",
            "title": {"it": "A", "en": ""},
            "form": None,
            "assignee": {"rule": "role", "role": "", "within": "zone"},
            "queue": False,
            "deadline": None,
            "next": "",
        },
        {
            "key": "",
            "kind": "task",
            "title": blank,
            "form": None,
            "assignee": {"rule": "performer", "step": ""},
            "queue": False,
            "deadline": {"duration": "P1D", "working_days": False, "escalation": "notify"},
            "next": "",
        },
        {
            "key": "",
            "kind": "decision",
            "title": blank,
            "branches": [{"when": None, "next": "", "label": blank}] * 2,
            "default": "",
        },
        {"key": "", "kind": "action", "title": blank, "action": "", "params": {}, "next": ""},
        {"key": "", "kind": "split", "title": blank, "next": ["", "b"]},
        {"key": "", "kind": "join", "title": blank, "next": ""},
        {"key": "", "kind": "wait", "title": blank, "duration": None, "until": None, "next": ""},
        {"key": "", "kind": "end", "title": blank},
        {"key": "", "kind": "mystery", "title": blank},
        {"key": "", "kind": "", "title": blank},
    ]
    assert graph_from_stream([], slug="s", title=TITLE) == {
        "slug": "s",
        "title": TITLE,
        "steps": [],
    }


def test_a_partial_graph_gives_a_stream():
    graph = {"steps": [{"kind": "task"}, {"kind": "decision", "branches": [{}]}, {}]}

    stream = stream_from_graph(graph)

    assert [item["type"] for item in stream] == ["task", "decision", ""]
    assert stream[1]["value"]["branches"] == [
        {"when": None, "next": "", "label": "", "label_en": ""}
    ]
