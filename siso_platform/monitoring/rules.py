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
_INFIX = {
    "==": "=",
    "===": "=",
    "!=": "≠",
    "!==": "≠",
    ">": ">",
    ">=": "≥",
    "<": "<",
    "<=": "≤",
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

    def as_json(self) -> dict:
        return {
            "condition": self.text,
            "result": self.result,
            "values": self.values,
            "missing": list(self.missing),
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


class Rule:
    """A rule compiled once for many sheets: `applies` is the fast path (no explanation)."""

    def __init__(self, logic_rule):
        self.logic = logic_rule
        self.names = sorted(logic.variables(logic_rule))

    def judge(self, sheet: dict, *, today: datetime.date | None = None) -> Judgement:
        conditions: list[Condition] = []
        result = _judge(self.logic, sheet, conditions, today)
        return Judgement(result, conditions)

    def applies(self, sheet: dict, *, today: datetime.date | None = None) -> bool | None:
        """True, False, or None when facts it needs are missing (then `judge` says which)."""
        if any(lookup(sheet, name) is None for name in self.names):
            return _judge(self.logic, sheet, [], today)
        return logic.truthy(logic.evaluate(self.logic, sheet, today=today))


def lookup(data, name: str):
    """The value of a dotted name (`income.total`, `members.0.age`), None when absent."""
    value = data
    for part in name.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
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


def _judge(node, sheet, conditions, today) -> bool | None:
    op, values = _op(node)
    if op == "and":
        results = [_judge(v, sheet, conditions, today) for v in values]
        if False in results:
            return False
        return None if None in results else True
    if op == "or":
        results = [_judge(v, sheet, conditions, today) for v in values]
        if True in results:
            return True
        return None if None in results else False
    if op == "!" and values:
        result = _judge(values[0], sheet, conditions, today)
        return None if result is None else not result
    names = sorted(logic.variables(node))
    read = {name: _shown(lookup(sheet, name)) for name in names}
    missing = tuple(name for name in names if lookup(sheet, name) is None)
    if missing:
        conditions.append(Condition(describe(node), None, read, missing))
        return None
    result = logic.truthy(logic.evaluate(node, sheet, today=today))
    conditions.append(Condition(describe(node), result, read))
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
