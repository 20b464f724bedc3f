"""Pure conversion between the admin's stored stream of steps and the canonical graph.

The graph is described in docs/workflows.md; the blocks are in `workflows.blocks`. Reading a
stream never raises on missing or empty values: the publish check reports them. Text the
graph needs (keys, `next`, roles...) reads as "" when missing; `form`, `deadline` and a
wait's `duration` and `until` read as null.
"""

from __future__ import annotations

TASK, ACTION, DECISION, SPLIT, JOIN, WAIT, END = (
    "task",
    "action",
    "decision",
    "split",
    "join",
    "wait",
    "end",
)


def graph_from_stream(raw: list, *, slug: str, title: dict) -> dict:
    """The canonical graph of a definition's body (its raw StreamField JSON)."""
    return {"slug": slug, "title": title, "steps": [_step(block) for block in raw or ()]}


def _step(block) -> dict:
    block = _dict(block)
    kind, value = block.get("type") or "", _dict(block.get("value"))
    step = {"key": _text(value.get("key")), "kind": kind, "title": _pair(value, "title")}
    convert = _FROM_STREAM.get(kind)
    if convert:
        step.update(convert(value))
    return step


def _task(value: dict) -> dict:
    rule = value.get("assignee_rule") or "role"
    assignee: dict = {"rule": rule}
    if rule == "role":
        assignee["role"] = _text(value.get("role"))
        assignee["within"] = value.get("within") or "zone"
    elif rule == "performer":
        assignee["step"] = _text(value.get("performer_step"))
    elif rule == "group":
        assignee["group"] = _text(value.get("group"))
    duration = value.get("deadline")
    deadline = (
        {
            "duration": duration,
            "working_days": bool(value.get("working_days")),
            "escalation": value.get("escalation") or "notify",
        }
        if duration
        else None
    )
    return {
        "form": value.get("form") or None,
        "assignee": assignee,
        "queue": bool(value.get("queue")),
        "deadline": deadline,
        "next": _text(value.get("next")),
    }


def _action(value: dict) -> dict:
    params = value.get("params")
    return {
        "action": _text(value.get("action")),
        "params": {} if params in (None, "") else params,
        "next": _text(value.get("next")),
    }


def _decision(value: dict) -> dict:
    branches = [
        {
            "when": _none_if_empty(branch.get("when")),
            "next": _text(branch.get("next")),
            "label": {"it": _text(branch.get("label")), "en": _text(branch.get("label_en"))},
        }
        for branch in map(_dict, _items(value.get("branches")))
    ]
    return {"branches": branches, "default": _text(value.get("default"))}


def _split(value: dict) -> dict:
    return {"next": [_text(key) for key in _items(value.get("next"))]}


def _join(value: dict) -> dict:
    return {"next": _text(value.get("next"))}


def _wait(value: dict) -> dict:
    return {
        "duration": value.get("duration") or None,
        "until": _none_if_empty(value.get("until")),
        "next": _text(value.get("next")),
    }


def _end(value: dict) -> dict:
    return {}


_FROM_STREAM = {
    TASK: _task,
    ACTION: _action,
    DECISION: _decision,
    SPLIT: _split,
    JOIN: _join,
    WAIT: _wait,
    END: _end,
}


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value) -> str:
    return "" if value is None else value


def _none_if_empty(value):
    return None if value == "" else value


def _pair(value: dict, name: str) -> dict:
    return {"it": _text(value.get(name)), "en": _text(value.get(f"{name}_en"))}


def _items(values) -> list:
    """ListBlock values, stored either as plain values or as {"type": "item", "value": ...}."""
    if not isinstance(values, list):
        return []
    return [
        item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
        for item in values
    ]


def stream_from_graph(graph: dict) -> list[dict]:
    """The inverse: the raw stream (no ids; plain lists) a definition's body gets on import."""
    stream = []
    for step in graph.get("steps") or ():
        kind = step.get("kind") or ""
        value = {"key": step.get("key") or "", **_unpair(step.get("title"), "title")}
        convert = _TO_STREAM.get(kind)
        if convert:
            value.update(convert(step))
        stream.append({"type": kind, "value": value})
    return stream


def _task_value(step: dict) -> dict:
    assignee = _dict(step.get("assignee"))
    deadline = _dict(step.get("deadline"))
    return {
        "form": step.get("form") or "",
        "assignee_rule": assignee.get("rule") or "role",
        "role": assignee.get("role") or "",
        "within": assignee.get("within") or "zone",
        "performer_step": assignee.get("step") or "",
        "group": assignee.get("group") or "",
        "queue": bool(step.get("queue")),
        "deadline": deadline.get("duration") or "",
        "working_days": bool(deadline.get("working_days")),
        "escalation": deadline.get("escalation") or "",
        "next": step.get("next") or "",
    }


def _action_value(step: dict) -> dict:
    params = step.get("params")
    return {
        "action": step.get("action") or "",
        "params": {} if params is None else params,
        "next": step.get("next") or "",
    }


def _decision_value(step: dict) -> dict:
    return {
        "branches": [
            {
                "when": branch.get("when"),
                "next": branch.get("next") or "",
                **_unpair(branch.get("label"), "label"),
            }
            for branch in map(_dict, step.get("branches") or ())
        ],
        "default": step.get("default") or "",
    }


def _split_value(step: dict) -> dict:
    following = step.get("next")
    return {"next": list(following) if isinstance(following, (list, tuple)) else []}


def _join_value(step: dict) -> dict:
    return {"next": step.get("next") or ""}


def _wait_value(step: dict) -> dict:
    return {
        "duration": step.get("duration") or "",
        "until": step.get("until"),
        "next": step.get("next") or "",
    }


def _end_value(step: dict) -> dict:
    return {}


_TO_STREAM = {
    TASK: _task_value,
    ACTION: _action_value,
    DECISION: _decision_value,
    SPLIT: _split_value,
    JOIN: _join_value,
    WAIT: _wait_value,
    END: _end_value,
}


def _unpair(value, name: str) -> dict:
    if not isinstance(value, dict):
        value = {"it": value or "", "en": ""}
    return {name: value.get("it") or "", f"{name}_en": value.get("en") or ""}
