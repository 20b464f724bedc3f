"""Judging a household's fact sheet against a rule, with the explanation a social worker reads.

Pure functions over JSON Logic (the form builder's evaluator). A rule is split at its `and`,
`or` and `!` into conditions; each condition is evaluated on its own and reported with the
values it read. A condition that reads a fact the sheet does not have (`null`) is unknown,
and unknowns combine as in three-valued logic: `and` is false as soon as one condition is
false, whatever is unknown, and true only when all are true; `or` the other way round. So a
household is undetermined only when the missing facts could change the outcome, and the
explanation names them.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from forms import logic

ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED = "eligible", "not_eligible", "undetermined"
_OUTCOME = {True: ELIGIBLE, False: NOT_ELIGIBLE, None: UNDETERMINED}
# JSON Logic's comparisons and their mathematical signs (also `explaining`'s sentences).
COMPARISONS = {
    "==": "=",
    "===": "=",
    "!=": "≠",
    "!==": "≠",
    ">": ">",
    ">=": "≥",
    "<": "<",
    "<=": "≤",
}
_INFIX = {
    **COMPARISONS,
    "+": "+",
    "-": "-",
    "*": "*",
    "/": "/",
    "in": "in",
}


@dataclass(frozen=True)
class Condition:
    text: str
    result: bool | None  # None: unknown, a fact it reads is missing
    values: dict  # the facts it read, by name
    missing: tuple[str, ...] = ()
    logic: object = None  # the condition itself, which `explaining` puts into words

    def as_json(self) -> dict:
        return {
            "condition": self.text,
            "result": self.result,
            "values": self.values,
            "missing": list(self.missing),
            "logic": self.logic,
        }


@dataclass
class Judgement:
    result: bool | None
    conditions: list[Condition] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        return _OUTCOME[self.result]

    @property
    def missing(self) -> list[str]:
        names: dict[str, None] = {}
        for condition in self.conditions:
            names.update(dict.fromkeys(condition.missing))
        return list(names)

    def explanation(self) -> list[dict]:
        return [condition.as_json() for condition in self.conditions]


@dataclass(frozen=True)
class _Node:
    """A rule split once at its `and`, `or` and `!`; leaves keep what they read and their
    text, so evaluating many sheets repeats neither."""

    op: str  # "and", "or", "!", or "leaf"
    children: tuple = ()
    logic: object = None
    names: tuple[str, ...] = ()
    text: str = ""


def _compile(node) -> _Node:
    op, values = _op(node)
    if op in ("and", "or"):
        return _Node(op, tuple(_compile(v) for v in values))
    if op == "!" and values and _op(values[0])[0] in ("and", "or", "!"):
        return _Node("!", (_compile(values[0]),))
    # A negated condition stays one condition, so that its reported result is the negated
    # one ("no home service running: true"), not its inner test's.
    return _Node(
        "leaf", logic=node, names=tuple(sorted(logic.variables(node))), text=describe(node)
    )


class Rule:
    """A rule compiled once for many sheets. `applies` is the fast path (no explanation),
    `judge` explains condition by condition."""

    def __init__(self, logic_rule):
        self.logic = logic_rule
        self.names = sorted(logic.variables(logic_rule))
        self.tree = _compile(logic_rule)

    def judge(self, sheet: dict, *, today: datetime.date | None = None) -> Judgement:
        conditions: list[Condition] = []
        result = _judge(self.tree, sheet, today, conditions)
        return Judgement(result, conditions)

    def applies(self, sheet: dict, *, today: datetime.date | None = None) -> bool | None:
        """True, False, or None when facts it needs are missing (`missing` says which)."""
        if any(lookup(sheet, name) is None for name in self.names):
            return _judge(self.tree, sheet, today, None)
        return logic.truthy(logic.evaluate(self.logic, sheet, today=today))

    def missing(self, sheet: dict) -> list[str]:
        """The facts the rule reads that the sheet lacks."""
        return [name for name in self.names if lookup(sheet, name) is None]


def lookup(data, name: str):
    """The value of a dotted name (`income.total`, `members.0.age`), None when absent."""
    if "." not in name:  # most names: one dictionary lookup
        return data.get(name) if type(data) is dict else None
    value = data
    for part in name.split("."):
        if type(value) is dict:
            value = value.get(part)
        elif type(value) is list and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
        if value is None:
            return None
    return value


def _op(node):
    if isinstance(node, dict) and len(node) == 1:
        ((op, values),) = node.items()
        return op, values if isinstance(values, list) else [values]
    return None, None


def _judge(node: _Node, sheet, today, conditions: list | None) -> bool | None:
    """Three-valued evaluation; with `conditions`, each leaf is reported there too."""
    if node.op == "and":
        results = [_judge(child, sheet, today, conditions) for child in node.children]
        if False in results:
            return False
        return None if None in results else True
    if node.op == "or":
        results = [_judge(child, sheet, today, conditions) for child in node.children]
        if True in results:
            return True
        return None if None in results else False
    if node.op == "!":
        result = _judge(node.children[0], sheet, today, conditions)
        return None if result is None else not result
    values = {name: lookup(sheet, name) for name in node.names}
    missing = tuple(name for name, value in values.items() if value is None)
    result = None if missing else logic.truthy(logic.evaluate(node.logic, sheet, today=today))
    if conditions is not None:
        shown = {name: _shown(value) for name, value in values.items()}
        conditions.append(Condition(node.text, result, shown, missing, node.logic))
    return result


def _shown(value):
    """A read value as the explanation keeps it: lists of records are summarised."""
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return f"[{len(value)}]"
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if not isinstance(v, (list, dict))}
    return value


def describe(node) -> str:
    """A rule written the way people read it: `isee ≤ 15000`, `some of members: age ≥ 75`."""
    op, values = _op(node)
    if op is None:
        if isinstance(node, list):
            return "[" + ", ".join(describe(v) for v in node) + "]"
        return json.dumps(node, ensure_ascii=False)
    if op == "var":
        return str(values[0]) if values and values[0] != "" else "·"
    if op in _INFIX and len(values) == 2:
        return f"{describe(values[0])} {_INFIX[op]} {describe(values[1])}"
    if op in ("<", "<=") and len(values) == 3:
        sign = _INFIX[op]
        return f"{describe(values[0])} {sign} {describe(values[1])} {sign} {describe(values[2])}"
    if op in ("and", "or"):
        return "(" + f" {op} ".join(describe(v) for v in values) + ")"
    if op in ("!", "!!") and values:
        return f"not {describe(values[0])}" if op == "!" else describe(values[0])
    if op in ("some", "all", "none") and len(values) == 2:
        return f"{op} of {describe(values[0])}: {describe(values[1])}"
    return f"{op}(" + ", ".join(describe(v) for v in values) + ")"
