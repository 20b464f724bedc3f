"""JSON Logic -> ODK XPath, the inverse of `forms.xpath` for what it produces.

`to_xpath(logic, fields)` writes `${name}` for `{"var": "name"}` (and for `row.name`), the
shapes `forms.xpath` builds for count(), sum(), string-length(), int(), round(), coalesce(),
date arithmetic... back as those functions, and the platform's own operations as the
nearest XPath (`age` as whole years of days); an operation with no XPath form raises
`NoXPath`. Whether a translation is exact is decided by the caller, by reading it back with
`forms.xpath` (see `forms.xlsform_export`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from . import xpath as odk
from .xpath import FieldRef

NUMBER_KINDS = ("integer", "decimal", "range")
COMPARE = {"==": "=", "===": "=", "!=": "!=", "!==": "!=", "<": "<", "<=": "<=", ">": ">"}
COMPARE[">="] = ">="
ARITHMETIC = {"+": "+", "-": "-", "*": "*", "/": "div", "%": "mod"}
COUNT_STEP = {"+": [{"var": "accumulator"}, 1]}


class NoXPath(ValueError):
    """The expression has no XPath form."""


def _is_op(logic, op: str) -> bool:
    return isinstance(logic, dict) and len(logic) == 1 and op in logic


def _args(logic: dict, op: str) -> list:
    args = logic[op]
    return args if isinstance(args, list) else [args]


class Writer:
    def __init__(self, fields: Mapping[str, FieldRef] | None, choice_columns=frozenset()):
        self.fields = fields or {}
        self.choice_columns = choice_columns

    def kind(self, logic) -> str | None:
        if _is_op(logic, "var"):
            name = self.var_name(logic)
            if name is not None:
                info = self.fields.get(name.removeprefix("row."))
                return info.kind if info else None
        return None

    @staticmethod
    def var_name(logic) -> str | None:
        name = logic["var"]
        if isinstance(name, list):
            if len(name) != 1:
                return None
            name = name[0]
        return name if isinstance(name, str) else None

    def atom(self, logic) -> str:
        """An operand: parenthesised unless it is a single token or a call."""
        text = self.write(logic)
        simple = not isinstance(logic, dict) or any(
            _is_op(logic, op) for op in ("var", "today", "now", "reduce", "if", "!", "!!", "cat")
        )
        if isinstance(logic, int | float) and not isinstance(logic, bool) and logic < 0:
            simple = False
        return text if simple else f"({text})"

    def literal(self, value) -> str:
        if value is True:
            return "true()"
        if value is False:
            return "false()"
        if value is None or isinstance(value, list | dict):
            raise NoXPath(repr(value))
        if isinstance(value, int | float):
            return odk._number_text(value)
        text = str(value)
        if "'" not in text:
            return f"'{text}'"
        if '"' not in text:
            return f'"{text}"'
        raise NoXPath(text)

    def ref(self, logic) -> str:
        name = self.var_name(logic)
        if name is None or not name:
            raise NoXPath(repr(logic))
        if name.startswith("choice.") and name[7:] in self.choice_columns | {"name"}:
            return name[7:]
        return "${" + name.removeprefix("row.") + "}"

    def write(self, logic) -> str:
        if not isinstance(logic, dict):
            return self.literal(logic)
        if len(logic) != 1:
            raise NoXPath(repr(logic))
        ((op, raw),) = logic.items()
        args = raw if isinstance(raw, list) else [raw]
        if op == "var":
            return self.ref(logic)
        if self.empty_test(logic) is not None:
            return f"{self.atom(self.empty_test(logic))} = ''"
        if op in ("and", "or"):
            if not args:
                raise NoXPath(op)
            if len(args) == 1:
                return self.write(args[0])
            return f" {op} ".join(self.atom(arg) for arg in self.empty_pairs(op, args))
        if op == "!" and len(args) == 1:
            inner = args[0]
            if self.empty_test(inner) is not None:
                return f"{self.atom(self.empty_test(inner))} != ''"
            return f"not({self.write(inner)})"
        if op == "!!" and len(args) == 1:
            return f"boolean({self.write(args[0])})"
        if op in COMPARE:
            return self.compare(op, args)
        if op == "in" and len(args) == 2:
            return self.contains(*args)
        if op in ARITHMETIC:
            return self.arithmetic(op, args)
        if op == "reduce" and len(args) == 3:
            return self.reduce(*args)
        if op == "if":
            return self.if_(args)
        if op == "today" and not args:
            return "today()"
        if op == "now" and not args:
            return "now()"
        if op == "cat":
            if len(args) == 1:
                return f"string({self.write(args[0])})"
            return f"concat({', '.join(self.write(arg) for arg in args)})"
        if op in ("min", "max") and args:
            return f"{op}({', '.join(self.write(arg) for arg in args)})"
        if op == "days_between" and len(args) == 2:
            return f"{self.date(args[1])} - {self.date(args[0])}"
        if op == "add_days" and len(args) == 2:
            days = args[1]
            if isinstance(days, int | float) and not isinstance(days, bool) and days < 0:
                return f"{self.date(args[0])} - {odk._number_text(-days)}"
            return f"{self.date(args[0])} + {self.atom(days)}"
        if op == "age" and 1 <= len(args) <= 2:  # nearest: whole years of 365.25 days
            on = self.date(args[1]) if len(args) == 2 else "today()"
            return f"int(({on} - {self.date(args[0])}) div 365.25)"
        if op == "months_between" and len(args) == 2:
            return f"int(({self.date(args[1])} - {self.date(args[0])}) div 30.4375)"
        raise NoXPath(op)

    def date(self, logic) -> str:
        if isinstance(logic, str):
            return f"date({self.literal(logic)})"
        return self.atom(logic)

    def empty_pairs(self, op: str, args: list) -> list:
        """`X = '' or Y` comes flattened from xpath: its two halves are paired again."""
        if op != "or":
            return args
        out, index = [], 0
        while index < len(args):
            pair = {"or": args[index : index + 2]}
            if index + 1 < len(args) and self.empty_test(pair) is not None:
                out.append(pair)
                index += 2
            else:
                out.append(args[index])
                index += 1
        return out

    @staticmethod
    def empty_test(logic):
        """X of `{"or": [{"==": [X, null]}, {"===": [X, ""]}]}` (xpath's `X = ''`)."""
        if not _is_op(logic, "or") or len(_args(logic, "or")) != 2:
            return None
        first, second = _args(logic, "or")
        if _is_op(first, "==") and _is_op(second, "==="):
            (x1, none), (x2, empty) = first["=="], second["==="]
            if none is None and empty == "" and x1 == x2:
                return x1
        return None

    def compare(self, op: str, args: list) -> str:
        if len(args) == 3 and op in ("<", "<="):  # between
            low, middle, high = args
            return f"{self.compare(op, [low, middle])} and {self.compare(op, [middle, high])}"
        if len(args) != 2:
            raise NoXPath(op)
        left, right = (self.operand(arg, other) for arg, other in (args, args[::-1]))
        return f"{left} {COMPARE[op]} {right}"

    def operand(self, logic, other) -> str:
        """One side of a comparison: `{"+": [${n}]}` is how xpath reads a number field there;
        `true` against an acknowledge is ODK's 'OK'."""
        if _is_op(logic, "+") and len(_args(logic, "+")) == 1:
            inner = _args(logic, "+")[0]
            if _is_op(inner, "var") and self.kind(inner) in NUMBER_KINDS:
                return self.ref(inner)
        if logic is True and self.kind(other) == "boolean":
            return "'OK'"
        return self.atom(logic)

    def contains(self, needle, haystack) -> str:
        if isinstance(haystack, list):  # one of several values
            if not haystack:
                raise NoXPath("in")
            return " or ".join(f"{self.atom(needle)} = {self.literal(v)}" for v in haystack)
        if self.kind(haystack) in ("multichoice", "rank"):
            return f"selected({self.write(haystack)}, {self.write(needle)})"
        return f"contains({self.write(haystack)}, {self.write(needle)})"

    def arithmetic(self, op: str, args: list) -> str:
        if op == "+" and len(args) == 1:
            return f"number({self.write(args[0])})"
        if op == "-" and len(args) == 1:
            return f"-{self.atom(args[0])}"
        if op == "-" and len(args) == 2:
            value, rest = args
            if rest == {"%": [value, 1]}:
                return f"int({self.write(value)})"
        rounded = self.round(op, args)
        if rounded is not None:
            return rounded
        if op == "+" and len(args) == 2 and args[1] == 1 and args[0] == {"var": "row_index"}:
            return "position(..)"
        if len(args) < 2 or (op not in ("+", "*") and len(args) != 2):
            raise NoXPath(op)
        return f" {ARITHMETIC[op]} ".join(self.atom(arg) for arg in args)

    def round(self, op: str, args: list) -> str | None:
        """round(x, places) from the shape `forms.xpath._round` builds."""
        if op != "/" or len(args) != 2 or not isinstance(args[1], int):
            return None
        places = len(str(args[1])) - 1
        if args[1] != 10**places or not _is_op(args[0], "if"):
            return None
        condition = _args(args[0], "if")[0]
        if not _is_op(condition, "<"):
            return None
        scaled = condition["<"][0]
        if not (_is_op(scaled, "*") and len(scaled["*"]) == 2 and scaled["*"][1] == args[1]):
            return None
        value = scaled["*"][0]
        if odk._round(value, places) != {"/": args}:
            return None
        return f"round({self.write(value)}, {places})"

    def if_(self, args: list) -> str:
        if len(args) == 3:
            condition, then, otherwise = args
            tested = self.empty_test(condition)
            if tested is not None and otherwise == tested:
                return f"coalesce({self.write(tested)}, {self.write(then)})"
            if _is_op(condition, "<") and odk._round(condition["<"][0], 0) == {"if": args}:
                return f"round({self.write(condition['<'][0])})"
            return f"if({self.write(condition)}, {self.write(then)}, {self.write(otherwise)})"
        if len(args) > 3 and len(args) % 2 == 1:  # else-if chain
            return self.if_([args[0], args[1], {"if": args[2:]}])
        if len(args) == 2:
            return f"if({self.write(args[0])}, {self.write(args[1])}, '')"
        raise NoXPath("if")

    def reduce(self, items, step, initial) -> str:
        if initial != 0:
            raise NoXPath("reduce")
        if step == COUNT_STEP:
            if _is_op(items, "var") and self.kind(items) == "group":
                return f"count({self.ref(items)})"
            return f"count-selected({self.write(items)})"
        if isinstance(items, list) and len(items) == 1 and step == {"var": ["current.length", 0]}:
            return f"string-length({self.write(items[0])})"
        if _is_op(step, "+") and len(step["+"]) == 2 and step["+"][0] == {"var": "accumulator"}:
            item = step["+"][1]
            if _is_op(item, "var") and isinstance(item["var"], list) and len(item["var"]) == 2:
                name, default = item["var"]
                if default == 0 and isinstance(name, str) and name.startswith("current."):
                    return "sum(${" + name[8:] + "})"
        raise NoXPath("reduce")


def to_xpath(logic, fields: Mapping[str, FieldRef] | None = None, *, choice_columns=frozenset()):
    """ODK XPath for a JSON Logic expression; raises `NoXPath` when there is none."""
    return Writer(fields, frozenset(choice_columns)).write(logic)


def validations_xpath(spec: dict, fields: Mapping[str, FieldRef] | None = None) -> str:
    """What ODK can check of a field's `validations`, as one constraint ('' when nothing)."""
    checks = spec.get("validations") or {}
    kind = spec.get("kind")
    writer = Writer(fields)
    parts = []
    value = "count-selected(.)" if kind in ("multichoice", "rank") else "."
    for name, op in (("min", ">="), ("max", "<=")):
        bound = checks.get(name)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            parts.append(f"{value} {op} {odk._number_text(bound)}")
        elif isinstance(bound, str) and kind == "date":
            parts.append(f". {op} date({writer.literal(bound)})")
    for name, op in (("min_length", ">="), ("max_length", "<=")):
        if isinstance(checks.get(name), int):
            parts.append(f"string-length(.) {op} {checks[name]}")
    if isinstance(checks.get("pattern"), str):
        with contextlib.suppress(NoXPath):
            parts.append(f"regex(., {writer.literal(checks['pattern'])})")
    for rule in checks.get("rules") or ():
        with contextlib.suppress(NoXPath):
            parts.append(writer.atom(rule.get("rule")))
    return " and ".join(f"({part})" if len(parts) > 1 else part for part in parts)


__all__ = ["NoXPath", "to_xpath", "validations_xpath"]
