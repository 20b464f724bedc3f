"""The canonical graph and the publish check: each refusal names the step at fault."""

import copy

import pytest

from workflows import graph as g
from workflows.graph import Known, logic_data, normalise, problems, successors

# The messages are read in English (Italian is the default language).
pytestmark = pytest.mark.usefixtures("english")

KNOWN = Known(
    forms={"valutazione-sociale"},
    roles={"social_worker"},
    groups={"ufficio-di-piano"},
    actions={"create_case"},
)

VALID = {
    "slug": "presa-in-carico",
    "title": {"it": "Presa in carico", "en": "Taking in charge"},
    "steps": [
        {"key": "assess", "kind": "task", "title": {"it": "Valutazione", "en": "Assessment"},
         "form": "valutazione-sociale",
         "assignee": {"rule": "role", "role": "social_worker", "within": "zone"},
         "queue": True,
         "deadline": {"duration": "P10D", "working_days": True, "escalation": "notify"},
         "next": "route"},
        {"key": "route", "kind": "decision", "title": {"it": "Esito", "en": "Outcome"},
         "branches": [{"when": {"==": [{"var": "assess.outcome"}, "charge"]}, "next": "both",
                       "label": {"it": "Presa in carico", "en": "Taking in charge"}}],
         "default": "done"},
        {"key": "both", "kind": "split", "title": {"it": "In parallelo"}, "next": ["open", "ok"]},
        {"key": "open", "kind": "action", "title": {"it": "Apri cartella"},
         "action": "create_case", "params": {}, "next": "joined"},
        {"key": "ok", "kind": "task", "title": {"it": "Approvazione"}, "form": None,
         "assignee": {"rule": "performer", "step": "assess"}, "next": "pause"},
        {"key": "pause", "kind": "wait", "title": {"it": "Attesa"},
         "until": {"add_days": [{"var": "vars.opened"}, 7]}, "next": "joined"},
        {"key": "joined", "kind": "join", "title": {"it": "Riunione"}, "next": "done"},
        {"key": "done", "kind": "end", "title": {"it": "Fine", "en": "End"}},
    ],
}  # fmt: skip


def changed(key, /, **values):
    """A copy of the valid graph with step `key` changed (a value of ... removes the key)."""
    graph = copy.deepcopy(VALID)
    step = next(step for step in graph["steps"] if step["key"] == key)
    step.update(values)
    for name in [name for name, value in values.items() if value is ...]:
        del step[name]
    return graph


def paths(graph):
    return [problem.path for problem in problems(graph, KNOWN)]


def only(graph):
    [problem] = problems(graph, KNOWN)
    return problem


def test_the_valid_graph_passes():
    assert problems(VALID, KNOWN) == []
    assert problems(normalise(VALID), KNOWN) == []


def test_successors():
    steps = g.steps_by_key(VALID)
    assert successors(steps["route"]) == ["both", "done"]
    assert successors(steps["both"]) == ["open", "ok"]
    assert successors(steps["assess"]) == ["route"]
    assert successors(steps["done"]) == []


def test_no_steps():
    assert paths({"steps": []}) == ["steps"]
    assert paths({}) == ["steps"]


@pytest.mark.parametrize("key", ["Assess", "2nd", "a-b", "with space", "ok\n"])
def test_malformed_keys(key):
    graph = changed("ok", key=key)
    graph["steps"][1]["branches"][0]["next"] = "done"
    graph["steps"][2]["next"] = ["open", key]
    assert paths(graph) == [key]


@pytest.mark.parametrize("key", ["begin", "vars", "nodes", "lock", "instance"])
def test_reserved_keys(key):
    graph = changed("joined", key=key)
    for step in graph["steps"]:
        if step.get("next") == "joined":
            step["next"] = key
    problem = only(graph)
    assert problem.path == key
    assert "reserved" in problem.message
    assert key in g.RESERVED_KEYS


def test_missing_key_names_the_position():
    graph = copy.deepcopy(VALID)
    graph["steps"].append({"kind": "end", "title": {"it": "Fine bis"}})
    problem = only(graph)
    assert problem.path == "steps"
    assert "9" in problem.message


def test_duplicate_key_is_reported_once():
    graph = copy.deepcopy(VALID)
    graph["steps"].insert(-1, {"key": "done", "kind": "end", "title": {"it": "Fine bis"}})
    problem = only(graph)
    assert problem.path == "done"
    assert "more than one" in problem.message


def test_unknown_kind():
    problem = only(changed("joined", kind="merge"))
    assert problem.path == "joined"
    assert "merge" in problem.message


@pytest.mark.parametrize("title", [None, {"en": "Outcome"}, {"it": "  "}, "Esito"])
def test_italian_title_required(title):
    assert paths(changed("route", title=title)) == ["route"]


def test_next_naming_no_step():
    problem = only(changed("open", next="close"))
    assert problem.path == "open"
    assert "close" in problem.message and "open" in problem.message


def test_step_without_next():
    assert paths(changed("pause", next=...)) == ["pause"]
    assert paths(changed("pause", next="")) == ["pause"]


def test_going_to_itself():
    assert paths(changed("open", next="open")) == ["open"]
    assert paths(changed("route", default="route")) == ["route"]
    # A task may name itself (the check then finds it has no way out, and orphans "pause").
    ok, pause = problems(changed("ok", next="ok"), KNOWN)
    assert (ok.path, pause.path) == ("ok", "pause")
    assert "end" in ok.message and "reached" in pause.message


def test_split_needs_two_targets():
    assert paths(changed("both", next=["open"])) == ["both"]
    assert paths(changed("both", next=["open", "open"])) == ["both"]
    assert paths(changed("both", next=["open", "nowhere"])) == ["both"]


def test_decision_needs_branches_and_default():
    assert paths(changed("route", branches=[])) == ["route"]
    assert paths(changed("route", default=...)) == ["route"]
    graph = changed("route")
    graph["steps"][1]["branches"][0]["next"] = "nowhere"
    assert paths(graph) == ["route"]


def test_invalid_logic():
    graph = changed("route")
    graph["steps"][1]["branches"][0]["when"] = {"similar": [{"var": "assess.name"}, "x"]}
    problem = only(graph)
    assert problem.path == "route"
    assert "similar" in problem.message


@pytest.mark.parametrize("name", ["outcome", "vars", "assessment.outcome", "open.x", "done"])
def test_var_must_read_process_variables_or_a_task(name):
    graph = changed("route")
    graph["steps"][1]["branches"][0]["when"] = {"==": [{"var": name}, 1]}
    problem = only(graph)
    assert problem.path == "route"
    assert name in problem.message


@pytest.mark.parametrize("name", ["assess", "assess.outcome", "ok.approved", "vars.x.y"])
def test_var_reading_a_task_or_vars_passes(name):
    graph = changed("route")
    graph["steps"][1]["branches"][0]["when"] = {"!": {"var": name}}
    assert problems(graph, KNOWN) == []


def test_branch_without_condition():
    graph = changed("route")
    graph["steps"][1]["branches"][0]["when"] = None
    assert paths(graph) == ["route"]


def test_unknown_references():
    assert paths(changed("assess", form="draft-form")) == ["assess"]
    assert paths(changed("open", action="delete_everything")) == ["open"]
    role = {"rule": "role", "role": "astronaut", "within": "zone"}
    assert paths(changed("assess", assignee=role)) == ["assess"]
    group = {"rule": "group", "group": "nobody"}
    assert paths(changed("assess", assignee=group)) == ["assess"]
    assert problems(changed("assess", assignee={"rule": "group", "group": "ufficio-di-piano"}),
                    KNOWN) == []  # fmt: skip


@pytest.mark.parametrize(
    "assignee",
    [None, {}, {"rule": "boss"}, {"rule": "role", "role": "social_worker", "within": "region"},
     {"rule": "performer", "step": "open"}, {"rule": "performer", "step": "ok"},
     {"rule": "performer"}],
)  # fmt: skip
def test_bad_assignees(assignee):
    assert paths(changed("ok", assignee=assignee)) == ["ok"]


@pytest.mark.parametrize("rule", ["social_worker", "starter"])
def test_assignees_needing_nothing_more(rule):
    assert problems(changed("ok", assignee={"rule": rule}), KNOWN) == []


@pytest.mark.parametrize(
    "deadline",
    ["P10D", {"duration": "ten days", "escalation": "notify"},
     {"duration": "P10D", "escalation": "fire"}, {"escalation": "notify"}],
)  # fmt: skip
def test_bad_deadlines(deadline):
    assert paths(changed("assess", deadline=deadline)) == ["assess"]


def test_wait_needs_exactly_one_of_duration_and_until():
    assert paths(changed("pause", until=...)) == ["pause"]
    assert paths(changed("pause", duration="P7D")) == ["pause"]
    assert problems(changed("pause", until=..., duration="P7D"), KNOWN) == []
    assert paths(changed("pause", until=..., duration="7 days")) == ["pause"]
    assert paths(changed("pause", until={"add_days": [{"var": "nothing"}, 7]})) == ["pause"]
    assert paths(changed("pause", until={"later": []})) == ["pause"]


def test_params_must_be_an_object():
    assert paths(changed("open", params=["a"])) == ["open"]
    assert problems(changed("open", params=...), KNOWN) == []


def test_unreachable_steps():
    graph = copy.deepcopy(VALID)
    graph["steps"].insert(3, {"key": "orphan", "kind": "join", "title": {"it": "Orfano"},
                              "next": "done"})  # fmt: skip
    problem = only(graph)
    assert problem.path == "orphan"
    assert "reached" in problem.message


def test_a_loop_with_no_exit_has_no_way_to_the_end():
    graph = changed("pause", next="ok")  # ok → pause → ok → ...
    assert paths(graph) == ["ok", "pause"]
    assert all("end" in problem.message for problem in problems(graph, KNOWN))


def test_a_loop_with_an_exit_passes():
    graph = changed("route", default="assess")
    graph["steps"][1]["branches"].append({"when": True, "next": "done"})
    assert problems(graph, KNOWN) == []


def test_no_end_step():
    graph = changed("joined", next="assess")
    graph["steps"].pop()
    graph["steps"][1]["default"] = "assess"
    assert paths(graph) == ["steps"]


def test_problems_of_unnormalised_or_broken_input_do_not_crash():
    graph = {"steps": ["task", {"kind": "end"}, {"key": "x", "kind": "task", "next": ["a"],
                                                "assignee": "me", "deadline": 3}]}  # fmt: skip
    found = problems(graph, KNOWN)
    assert {problem.path for problem in found} == {"steps", "x"}
    assert len(found) == len(set(found))


def test_logic_data():
    assert logic_data({"opened": "2026-01-01"}, {"assess": {"outcome": "charge"}}) == {
        "vars": {"opened": "2026-01-01"},
        "assess": {"outcome": "charge"},
    }


def test_normalise_fills_defaults_without_touching_the_input():
    graph = copy.deepcopy(VALID)
    del graph["steps"][3]["params"]
    graph["steps"][1]["branches"][0].pop("label")
    graph["steps"][0]["deadline"].pop("working_days")
    result = normalise(graph)
    assert graph["steps"][1]["branches"][0].get("label") is None
    ok = result["steps"][4]
    assert (ok["form"], ok["queue"], ok["deadline"]) == (None, False, None)
    assert ok["title"] == {"it": "Approvazione", "en": ""}
    assert result["steps"][3]["params"] == {}
    assert result["steps"][1]["branches"][0]["label"] == {"it": "", "en": ""}
    assert result["steps"][0]["deadline"] == {
        "duration": "P10D", "working_days": False, "escalation": "notify",
    }  # fmt: skip
    assert normalise(result) == result
