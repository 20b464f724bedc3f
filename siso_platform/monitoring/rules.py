"""Judging a household's fact sheet against a rule, with the explanation a social worker reads.

Pure functions over JSON Logic (the form builder's evaluator). A rule is split at its `and`,
`or` and `!` into conditions; each condition is evaluated on its own and reported with the
values it read. A condition that reads a fact the sheet does not have (`null`) is unknown,
and unknowns combine as in three-valued logic: `and` is false as soon as one condition is
false, whatever is unknown, and true only when all are true; `or` the other way round. So a
household is undetermined only when the missing facts could change the outcome, and the
explanation names them.

The same holds inside `some`, `all` and `none`: each item is judged three-valued, so an item
that lacks a fact the condition reads (a rental with no end, for `days_to_end`) makes the
quantified condition unknown unless another item decides it; the item that decides is named
in the explanation ("contract no. 2"). Inside `map`, `filter` and `reduce` an item that lacks
a fact the applied logic reads makes the whole condition unknown (a sum or a filtered list
with a hole in it is no number). A condition that tests for the null itself (`== null`,
`!= null`, `missing`) is the rule saying what a missing fact means: it is evaluated as
written.
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
    # some/all/none decided by one item: {"list", "index", "values"} (the item's facts read)
    decided_by: dict | None = None

    def as_json(self) -> dict:
        found = {
            "condition": self.text,
            "result": self.result,
            "values": self.values,
            "missing": list(self.missing),
            "logic": self.logic,
        }
        if self.decided_by is not None:
            found["decided_by"] = self.decided_by
        return found


@dataclass
class Judgement:
    result: bool | None
    conditions: list[Condition] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        return _OUTCOME[self.result]

    @property
    def missing(self) -> list[str]:
        """The facts whose absence left a condition unknown."""
        names: dict[str, None] = {}
        for condition in self.conditions:
            if condition.result is None:
                names.update(dict.fromkeys(condition.missing))
        return list(names)

    def explanation(self) -> list[dict]:
        return [condition.as_json() for condition in self.conditions]


@dataclass(frozen=True)
class _Node:
    """A rule split once at its `and`, `or` and `!`; leaves keep what they read and their
    text, so evaluating many sheets repeats neither."""

    op: str  # "and", "or", "!", "leaf", or a quantifier ("some", "all", "none")
    children: tuple = ()
    logic: object = None
    names: tuple[str, ...] = ()
    text: str = ""


QUANTIFIERS = ("some", "all", "none")
_ITEM_LOGIC = ("map", "filter", "reduce", *QUANTIFIERS)
_NULL_TESTS = ("==", "!=", "===", "!==")


def _tests_null(node) -> bool:
    """`x == null`, `x != null`, `missing`: the rule says what a missing fact means."""
    op, values = _op(node)
    if op in ("missing", "missing_some"):
        return True
    return op in _NULL_TESTS and len(values) == 2 and None in values


def _any_null_test(node) -> bool:
    if isinstance(node, list):
        return any(_any_null_test(item) for item in node)
    op, values = _op(node)
    return op is not None and (_tests_null(node) or _any_null_test(values))


def _walks_items(node) -> bool:
    """The logic applies something to each item of a list (map, filter, reduce...)."""
    if isinstance(node, list):
        return any(_walks_items(item) for item in node)
    op, values = _op(node)
    return op is not None and (op in _ITEM_LOGIC or _walks_items(values))


def _items_missing(node, data, today, prefix: str = "") -> list[str]:
    """The items' facts that `map`, `filter`, `reduce` (or a quantifier inside a condition)
    in `node` read and their items lack (`rentals.1.days_to_end`). Logic applied to items
    that tests for null itself says what a missing fact means: its items are not checked."""
    if isinstance(node, list):
        return [name for item in node for name in _items_missing(item, data, today, prefix)]
    op, values = _op(node)
    if op is None:
        return []
    if op not in _ITEM_LOGIC or len(values) < 2:
        return _items_missing(values, data, today, prefix)
    found = _items_missing([values[0], *values[2:]], data, today, prefix)
    applied = values[1]
    if _any_null_test(applied):
        return found
    items = logic.evaluate(values[0], data, today=today)
    if not isinstance(items, list):
        return found
    listed = _op(values[0])[1][0] if _op(values[0])[0] == "var" else ""
    base = ".".join(str(part) for part in (prefix, listed) if part != "")
    names = logic.variables(applied)
    for index, item in enumerate(items):
        at = f"{base}.{index}" if base else str(index)
        scope = {"current": item, "accumulator": None} if op == "reduce" else item
        for name in sorted(names):
            if name == "accumulator" or name.startswith("accumulator."):
                continue
            if name == "current" and not listed:
                continue  # an item of computed values: the logic that computed them says
            if lookup(scope, name) is None:
                read = name.removeprefix("current.") if op == "reduce" else name
                found.append(f"{at}.{read}" if read != "current" else at)
        found += _items_missing(applied, scope, today, at)
    return found


def _compile(node) -> _Node:
    op, values = _op(node)
    if op in ("and", "or"):
        return _Node(op, tuple(_compile(v) for v in values))
    if op == "!" and values and _op(values[0])[0] in ("and", "or", "!", *QUANTIFIERS):
        return _Node("!", (_compile(values[0]),))
    if op in QUANTIFIERS and len(values) == 2:
        # children: the condition on each item, judged on its own
        return _Node(
            op,
            (_compile(values[1]),),
            logic=node,
            names=tuple(sorted(logic.variables(values[0]))),
            text=describe(node),
        )
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
        self.quantified = _quantified(self.tree) or _walks_items(logic_rule)

    def judge(self, sheet: dict, *, today: datetime.date | None = None) -> Judgement:
        conditions: list[Condition] = []
        result = _judge(self.tree, sheet, today, conditions)
        return Judgement(result, conditions)

    def applies(self, sheet: dict, *, today: datetime.date | None = None) -> bool | None:
        """True, False, or None when facts it needs are missing (`missing` says which)."""
        if self.quantified or any(lookup(sheet, name) is None for name in self.names):
            return _judge(self.tree, sheet, today, None)
        return logic.truthy(logic.evaluate(self.logic, sheet, today=today))

    def missing(self, sheet: dict, *, today: datetime.date | None = None) -> list[str]:
        """The facts the rule reads that the sheet lacks (an item's as `rentals.0.end`)."""
        if self.quantified:
            return self.judge(sheet, today=today).missing
        return [name for name in self.names if lookup(sheet, name) is None]


def _quantified(node: _Node) -> bool:
    return node.op in QUANTIFIERS or any(_quantified(child) for child in node.children)


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
    if node.op in QUANTIFIERS:
        return _judge_items(node, sheet, today, conditions)
    values = {name: lookup(sheet, name) for name in node.names}
    missing = tuple(name for name, value in values.items() if value is None)
    if not missing and _walks_items(node.logic):
        missing = tuple(dict.fromkeys(_items_missing(node.logic, sheet, today)))
    if missing and not _tests_null(node.logic):
        result = None
    else:
        result = logic.truthy(logic.evaluate(node.logic, sheet, today=today))
    if conditions is not None:
        shown = {name: _shown(value) for name, value in values.items()}
        conditions.append(Condition(node.text, result, shown, missing, node.logic))
    return result


def _judge_items(node: _Node, sheet, today, conditions: list | None) -> bool | None:
    """`some`, `all`, `none` judged item by item, three-valued; reported as one condition
    whose `missing` names the items' facts that were absent (`rentals.0.days_to_end`) when
    they left it unknown or false."""
    values = {name: lookup(sheet, name) for name in node.names}
    within = node.names[0] if len(node.names) == 1 else ""
    walked = _op(node.logic)[1][0]
    items = None if None in values.values() else logic.evaluate(walked, sheet, today=today)
    missing: dict[str, None] = {}
    found_true = False
    decided_by = None
    holes = _items_missing(walked, sheet, today) if items is not None else ()
    if items is None or holes:
        # the list itself is unknown: a fact is missing, or a filter/map over it lacks one
        result = None
        missing.update(dict.fromkeys(name for name, value in values.items() if value is None))
        missing.update(dict.fromkeys(holes))
    else:
        results, read = [], []
        for index, item in enumerate(items if isinstance(items, list) else ()):
            found: list[Condition] = []
            results.append(_judge(node.children[0], item, today, found))
            read.append({name: v for condition in found for name, v in condition.values.items()})
            for condition in found:
                prefix = f"{within}.{index}" if within else str(index)
                missing.update(dict.fromkeys(f"{prefix}.{name}" for name in condition.missing))
        # The item that settles it alone: one that holds (some, none), one that fails (all).
        deciding = node.op != "all"
        if deciding in results:
            index = results.index(deciding)
            decided_by = {"list": within, "index": index, "values": read[index]}
        if node.op == "all":
            # JSON Logic: all of nothing is false
            result = False if not results or False in results else None if None in results else True
        else:
            found_true = True in results
            result = True if found_true else None if None in results else False
            if node.op == "none":
                result = None if result is None else not result
    if conditions is not None:
        shown = {name: _shown(value) for name, value in values.items()}
        why = () if decided_by else tuple(missing)  # an item that decides decides alone
        conditions.append(Condition(node.text, result, shown, why, node.logic, decided_by))
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


# --- the publish check: the names a rule reads ---------------------------------------------


def unknown_names(rule, fields: list[dict] | None = None) -> list[str]:
    """The names `rule` reads that the household fact sheet does not have, sorted.

    `members.3.age` is the documented `members.N.age`. Below a documented object
    (`income.total`, `members.N.income.2025`) or an item of a documented list
    (`rentals.0.yearly_rent`) any name is accepted: the fact sheet describes their keys only
    in words. Names read inside `some`/`all`/`map`... belong to the items and are not seen.
    """
    if fields is None:
        from .fact_sheet import FIELDS as fields
    types = {field["name"]: field["type"] for field in fields}
    found = []
    for name in logic.variables(rule):
        parts = name.split(".")
        if len(parts) > 2 and parts[0] == "members" and parts[1].isdigit():
            parts[1] = "N"
        if not _documented(parts, types):
            found.append(name)
    return sorted(found)


def _documented(parts: list[str], types: dict[str, str]) -> bool:
    if ".".join(parts) in types:
        return True
    for end in range(1, len(parts)):
        kind = types.get(".".join(parts[:end]))
        if kind == "object" or (kind == "list" and parts[end].isdigit()):
            return True
    return False
