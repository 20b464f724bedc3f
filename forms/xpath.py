"""Translate ODK XPath expressions (XLSForm `relevant`, `constraint`, `required`, `calculation`)
into the JSON Logic of the canonical form schema (see docs/forms.md).

A small tokenizer and recursive-descent parser build a syntax tree; a translator walks it.
Nothing is evaluated. Anything outside the supported subset raises `XPathError` naming the
token or function and its position (counted from 1).

References: `${name}` becomes `{"var": "name"}`, or `{"var": "row.name"}` when `name` lives in
the same repeat as the field the expression belongs to; `.` is that field's own value.
Fields inside a repeat can be read from elsewhere only through `count()` and `sum()`.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

GROUP = "group"
DATE, NUMBER, STRING, BOOLEAN, LIST = "date", "number", "string", "boolean", "list"
KIND_TYPES = {
    "date": DATE,
    "integer": NUMBER,
    "decimal": NUMBER,
    "boolean": BOOLEAN,
    "multichoice": LIST,
    "text": STRING,
    "textarea": STRING,
    "choice": STRING,
}
ACKNOWLEDGED = "OK"  # the value ODK stores for an acknowledge question; here it is `true`


class XPathError(ValueError):
    """An expression outside the supported subset; the message names the token and position."""

    def __init__(self, message: str, position: int | None = None):
        self.position = position
        if position is not None:
            # Translators: a problem in an XLSForm expression, then where it is (from 1).
            message = _("%(message)s (at position %(position)s)") % {
                "message": message,
                "position": position,
            }
        super().__init__(message)


@dataclass(frozen=True)
class FieldRef:
    """What the translator needs to know about a field a reference may name."""

    group: str | None = None  # key of the repeat (group field) the field lives in
    kind: str | None = None  # canonical kind, for choices, dates and repeats


# Tokens ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # num, str, ref, dot, dotdot, name, op, end
    value: Any
    pos: int  # 1-based


TOKEN_PATTERN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<num>\d+(?:\.\d*)?|\.\d+)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<ref>\$\{\s*(?P<refname>[^}\s]*)\s*\})
  | (?P<dotdot>\.\.)
  | (?P<dot>\.)
  | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
  | (?P<name>[A-Za-z_][A-Za-z0-9_:.\-]*)
    """,
    re.VERBOSE,
)
KEYWORD_OPERATORS = ("and", "or", "div", "mod")


def tokenize(expression: str) -> list[Token]:
    tokens, index = [], 0
    while index < len(expression):
        match = TOKEN_PATTERN.match(expression, index)
        if match is None:
            char = expression[index]
            if char in "'\"":
                raise XPathError(_("unterminated string"), index + 1)
            if char == "$":
                raise XPathError(_("malformed reference (write ${name})"), index + 1)
            if char in "/@[":
                message = _("unsupported token %(token)s (refer to fields as ${name})")
            else:
                message = _("unsupported token %(token)s")
            raise XPathError(message % {"token": repr(char)}, index + 1)
        kind = match.lastgroup
        if kind == "refname":  # the named group inside `ref`
            kind = "ref"
        text = match.group()
        if kind == "num":
            value: Any = float(text) if "." in text else int(text)
        elif kind == "str":
            value = text[1:-1]
        elif kind == "ref":
            value = match.group("refname")
            if not value:
                raise XPathError(_("empty reference ${}"), index + 1)
        else:
            value = text
        if kind != "space":
            tokens.append(Token(kind, value, index + 1))
        index = match.end()
    tokens.append(Token("end", None, len(expression) + 1))
    return tokens


# Syntax tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: Any
    pos: int


@dataclass(frozen=True)
class Ref:
    name: str
    pos: int


@dataclass(frozen=True)
class Name:
    """A bare name: in a choice_filter, a column of the choices sheet."""

    name: str
    pos: int


@dataclass(frozen=True)
class Dot:
    pos: int


@dataclass(frozen=True)
class DotDot:
    pos: int


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Any
    pos: int


@dataclass(frozen=True)
class Binary:
    op: str
    left: Any
    right: Any
    pos: int


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple
    pos: int


class Parser:
    """or > and > = != > < <= > >= > + - > * div mod > unary - > primary (loosest first)."""

    LEVELS = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"))
    LEVELS += (("*", "div", "mod"),)

    def __init__(self, expression: str):
        self.tokens = tokenize(expression)
        self.index = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.token
        self.index += 1
        return token

    def is_operator(self, token: Token, operators: tuple[str, ...]) -> bool:
        if token.kind == "op":
            return token.value in operators
        return (
            token.kind == "name" and token.value in KEYWORD_OPERATORS and token.value in operators
        )

    def expect(self, value: str) -> Token:
        if self.token.kind == "op" and self.token.value == value:
            return self.advance()
        if self.token.kind == "end":
            message = _("expected %(expected)s, found end of expression")
        else:
            message = _("expected %(expected)s, found %(found)s")
        found = self.describe(self.token)
        raise XPathError(message % {"expected": repr(value), "found": found}, self.token.pos)

    @staticmethod
    def describe(token: Token) -> str:
        """The token as written (the end of the expression has its own messages)."""
        if token.kind == "ref":
            return f"${{{token.value}}}"
        return repr(token.value if token.kind != "str" else f"'{token.value}'")

    @classmethod
    def unexpected(cls, token: Token) -> XPathError:
        if token.kind == "end":
            return XPathError(_("unexpected end of expression"), token.pos)
        message = _("unexpected %(token)s") % {"token": cls.describe(token)}
        return XPathError(message, token.pos)

    def parse(self):
        if self.token.kind == "end":
            raise XPathError(_("empty expression"), 1)
        node = self.binary(0)
        if self.token.kind != "end":
            raise self.unexpected(self.token)
        return node

    def binary(self, level: int):
        if level == len(self.LEVELS):
            return self.unary()
        operators = self.LEVELS[level]
        node = self.binary(level + 1)
        while self.is_operator(self.token, operators):
            token = self.advance()
            node = Binary(token.value, node, self.binary(level + 1), token.pos)
        return node

    def unary(self):
        if self.token.kind == "op" and self.token.value == "-":
            token = self.advance()
            return Unary("-", self.unary(), token.pos)
        return self.primary()

    def primary(self):
        token = self.advance()
        if token.kind in ("num", "str"):
            return Literal(token.value, token.pos)
        if token.kind == "ref":
            return Ref(token.value, token.pos)
        if token.kind == "dot":
            return Dot(token.pos)
        if token.kind == "dotdot":
            return DotDot(token.pos)
        if token.kind == "op" and token.value == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        if token.kind == "name" and self.token.kind == "op" and self.token.value == "(":
            self.advance()
            args = []
            if not (self.token.kind == "op" and self.token.value == ")"):
                args.append(self.binary(0))
                while self.token.kind == "op" and self.token.value == ",":
                    self.advance()
                    args.append(self.binary(0))
            self.expect(")")
            return Call(token.value, tuple(args), token.pos)
        if token.kind == "name" and token.value not in KEYWORD_OPERATORS:
            return Name(token.value, token.pos)
        raise self.unexpected(token)


def parse(expression: str):
    """The syntax tree of `expression`; raises `XPathError` on a syntax error."""
    return Parser(str(expression)).parse()


# Translation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Out:
    logic: Any
    type: str | None = None


def _is_empty_string(node) -> bool:
    return isinstance(node, Literal) and node.value == ""


# JSON Logic has no length, truncation or rounding: they are built from standard operations
# (`reduce` reads each item as "current"), so any JSON Logic engine evaluates them.


def _empty(logic) -> dict:
    """True when a value is unanswered: `null` (the engine's empty answer) or ''.

    `===` for '': with `==`, 0 would equal '' (JavaScript's loose equality)."""
    return {"or": [{"==": [logic, None]}, {"===": [logic, ""]}]}


def _count(logic) -> dict:
    """The length of a list (rows of a group, options of a multichoice); 0 when empty."""
    return {"reduce": [logic, {"+": [{"var": "accumulator"}, 1]}, 0]}


def _length(logic) -> dict:
    """The length of a string (0 when empty): `"length"` of the one item of `[value]`."""
    return {"reduce": [[logic], {"var": ["current.length", 0]}, 0]}


def _trunc(logic) -> dict:
    """The integer part (towards zero, like ODK's int()): x - x % 1 (% keeps x's sign)."""
    return {"-": [logic, {"%": [logic, 1]}]}


def _round(logic, places: int) -> Any:
    """Half away from zero, to `places` decimals."""
    scale = 10**places
    scaled = logic if scale == 1 else {"*": [logic, scale]}
    up = _trunc({"+": [scaled, 0.5]})
    down = {"-": [_trunc({"+": [{"-": [scaled]}, 0.5]})]}
    rounded = {"if": [{"<": [scaled, 0]}, down, up]}
    return rounded if scale == 1 else {"/": [rounded, scale]}


def _flatten(op: str, left, right) -> dict:
    args = []
    for side in (left, right):
        if isinstance(side, dict) and list(side) == [op] and isinstance(side[op], list):
            args.extend(side[op])
        else:
            args.append(side)
    return {op: args}


def _nan_if_empty(out: Out) -> Out:
    """A number field read in `<`, `>`... : ODK's XPath reads an unanswered one as NaN, so
    `${age} > 5` and `${age} < 5` are both false. JSON Logic's `+` (parseFloat) gives NaN
    for `null` and '' and keeps numbers, in Python (forms.logic) as in the browser."""
    if out.type == NUMBER and isinstance(out.logic, dict) and "var" in out.logic:
        return Out({"+": [out.logic]}, NUMBER)
    return out


COMPARISONS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
ARITHMETIC = {"+": "+", "-": "-", "*": "*", "div": "/", "mod": "%"}


class Translator:
    def __init__(
        self,
        fields: Mapping[str, FieldRef] | None = None,
        current: str | None = None,
        group: str | None = None,
        choice_columns: frozenset[str] | None = None,
    ):
        self.fields = fields
        self.current = current
        self.group = group
        self.choice_columns = choice_columns
        self.lowered = {key.lower(): key for key in fields or ()}
        if fields is not None and current is not None and current in fields:
            self.group = fields[current].group if group is None else group

    # references

    def key(self, name: str) -> str:
        """The field a reference names: as in ODK, exactly as written (names keep their case)."""
        return name

    def info(self, name: str, pos: int) -> FieldRef | None:
        if self.fields is None:
            return None
        info = self.fields.get(self.key(name))
        if info is None:
            near = self.lowered.get(name.lower())
            if near is not None:  # ODK names are case-sensitive; say which one was meant
                message = _("unknown field %(field)s (names are case-sensitive: %(near)s)")
                values = {"field": f"${{{name}}}", "near": f"${{{near}}}"}
                raise XPathError(message % values, pos)
            raise XPathError(_("unknown field %(field)s") % {"field": f"${{{name}}}"}, pos)
        return info

    def var(self, name: str, pos: int) -> Out:
        info = self.info(name, pos)
        name = self.key(name)
        if info is None:
            return Out({"var": name})
        if info.kind == GROUP:
            message = _("%(field)s is a repeat: use count(%(field)s)")
            raise XPathError(message % {"field": f"${{{name}}}"}, pos)
        kind = KIND_TYPES.get(info.kind or "")
        if info.group is None:
            return Out({"var": name}, kind)
        if info.group == self.group:
            return Out({"var": f"row.{name}"}, kind)
        message = _(
            "%(field)s is inside the repeat %(repeat)s: use it there, or in count() or sum()"
        )
        raise XPathError(message % {"field": f"${{{name}}}", "repeat": repr(info.group)}, pos)

    def self_var(self, pos: int) -> Out:
        if self.current is None:
            raise XPathError(_("'.' has no field here"), pos)
        if self.fields is None or self.current not in self.fields:
            name = f"row.{self.current}" if self.group else self.current
            return Out({"var": name})
        return self.var(self.current, pos)

    # nodes

    def emit(self, node) -> Out:
        if isinstance(node, Literal):
            return Out(node.value, NUMBER if isinstance(node.value, int | float) else STRING)
        if isinstance(node, Ref):
            return self.var(node.name, node.pos)
        if isinstance(node, Dot):
            return self.self_var(node.pos)
        if isinstance(node, DotDot):
            raise XPathError(_("unsupported token '..'"), node.pos)
        if isinstance(node, Name):
            if self.choice_columns is not None and node.name in self.choice_columns:
                return Out({"var": f"choice.{node.name}"}, STRING)
            if self.choice_columns is not None:
                message = _("the choices sheet has no column %(word)s")
            else:
                message = _("unsupported name %(word)s (refer to fields as ${name})")
            raise XPathError(message % {"word": repr(node.name)}, node.pos)
        if isinstance(node, Unary):
            operand = self.emit(node.operand)
            if isinstance(operand.logic, int | float) and not isinstance(operand.logic, bool):
                return Out(-operand.logic, NUMBER)
            return Out({"-": [operand.logic]}, NUMBER)
        if isinstance(node, Binary):
            return self.binary(node)
        return self.call(node)

    def binary(self, node: Binary) -> Out:
        if node.op in ("and", "or"):
            left, right = self.emit(node.left), self.emit(node.right)
            return Out(_flatten(node.op, left.logic, right.logic), BOOLEAN)
        if node.op in COMPARISONS:
            return self.compare(node)
        left, right = self.emit(node.left), self.emit(node.right)
        if node.op == "-" and left.type == DATE and right.type == DATE:
            return Out({"days_between": [right.logic, left.logic]}, NUMBER)
        if node.op in ("+", "-") and DATE in (left.type, right.type):
            date, days = (left, right) if left.type == DATE else (right, left)
            if days.type == DATE or (node.op == "-" and date is right):
                message = _("cannot apply %(operator)s to these dates")
                raise XPathError(message % {"operator": repr(node.op)}, node.pos)
            if node.op == "-":
                days = self.emit(Unary("-", node.right, node.pos))
            return Out({"add_days": [date.logic, days.logic]}, DATE)
        op = ARITHMETIC[node.op]
        if op in ("+", "*"):
            return Out(_flatten(op, left.logic, right.logic), NUMBER)
        return Out({op: [left.logic, right.logic]}, NUMBER)

    def compare(self, node: Binary) -> Out:
        op = COMPARISONS[node.op]
        if op in ("==", "!=") and (_is_empty_string(node.left) or _is_empty_string(node.right)):
            other = self.emit(node.right if _is_empty_string(node.left) else node.left)
            empty = _empty(other.logic)
            return Out(empty if op == "==" else {"!": [empty]}, BOOLEAN)
        left, right = self.emit(node.left), self.emit(node.right)
        right, left = self.align(left, node.right, right), self.align(right, node.left, left)
        if op not in ("==", "!="):
            left, right = _nan_if_empty(left), _nan_if_empty(right)
        return Out({op: [left.logic, right.logic]}, BOOLEAN)

    @staticmethod
    def align(other: Out, node, out: Out) -> Out:
        """Literal compared with a field: 'OK' against an acknowledge is `true`, a number
        against a choice is the option's (string) value."""
        if not isinstance(node, Literal):
            return out
        if other.type == BOOLEAN and node.value == ACKNOWLEDGED:
            return Out(True, BOOLEAN)
        if other.type in (STRING, LIST) and isinstance(node.value, int | float):
            return Out(_number_text(node.value), STRING)
        return out

    def call(self, node: Call) -> Out:
        handler = getattr(self, "fn_" + node.name.replace("-", "_"), None)
        if handler is None or not re.fullmatch(r"[a-z][a-z\-]*", node.name):
            message = _("unsupported function %(function)s()")
            raise XPathError(message % {"function": node.name}, node.pos)
        arity = FUNCTION_ARITY[node.name]
        low, high = arity if isinstance(arity, tuple) else (arity, arity)
        if len(node.args) < low or (high is not None and len(node.args) > high):
            values = {"function": node.name, "low": low, "high": high}
            if low == high:
                message = ngettext(
                    "%(function)s() takes %(low)s argument",
                    "%(function)s() takes %(low)s arguments",
                    low,
                )
            elif high:
                message = _("%(function)s() takes %(low)s to %(high)s arguments")
            else:
                message = ngettext(
                    "%(function)s() takes at least %(low)s argument",
                    "%(function)s() takes at least %(low)s arguments",
                    low,
                )
            raise XPathError(message % values, node.pos)
        return handler(node)

    def args(self, node: Call) -> list[Out]:
        return [self.emit(arg) for arg in node.args]

    # functions (arity in FUNCTION_ARITY)

    def fn_selected(self, node: Call) -> Out:
        field, value = node.args
        choices = self.emit(field)
        if isinstance(value, Literal):
            option = Out(_number_text(value.value), STRING)
        else:
            option = self.emit(value)
        if choices.type == STRING:  # selected() on a single choice: equality, not substring
            return Out({"==": [choices.logic, option.logic]}, BOOLEAN)
        return Out({"in": [option.logic, choices.logic]}, BOOLEAN)

    def fn_count_selected(self, node: Call) -> Out:
        return Out(_count(self.emit(node.args[0]).logic), NUMBER)

    def fn_count(self, node: Call) -> Out:
        group = self.repeat_of(node, "count")
        return Out(_count({"var": group}), NUMBER)

    def fn_sum(self, node: Call) -> Out:
        group = self.repeat_of(node, "sum")
        name = self.key(node.args[0].name)
        if name == group:
            message = _("sum() needs a field inside a repeat, not %(field)s")
            raise XPathError(message % {"field": f"${{{name}}}"}, node.pos)
        total = {"+": [{"var": "accumulator"}, {"var": [f"current.{name}", 0]}]}
        return Out({"reduce": [{"var": group}, total, 0]}, NUMBER)

    def repeat_of(self, node: Call, function: str) -> str:
        """The repeat a count()/sum() argument names (the repeat itself or one of its fields)."""
        arg = node.args[0]
        if not isinstance(arg, Ref):
            message = _("%(function)s() needs a ${field} of a repeat")
            raise XPathError(message % {"function": function}, node.pos)
        info = self.info(arg.name, arg.pos)
        if info is None:  # no field list: a plain name is taken as the repeat
            return arg.name
        group = self.key(arg.name) if info.kind == GROUP else info.group
        if group is None:
            message = _("%(function)s() needs a repeat, %(field)s is not in one")
            raise XPathError(message % {"function": function, "field": f"${{{arg.name}}}"}, arg.pos)
        if group == self.group:
            message = _("%(function)s() over the repeat %(repeat)s from inside it")
            raise XPathError(message % {"function": function, "repeat": repr(group)}, node.pos)
        return group

    def fn_today(self, node: Call) -> Out:
        return Out({"today": []}, DATE)

    def fn_now(self, node: Call) -> Out:
        return Out({"now": []}, STRING)  # a date and time: compared as text, as ISO strings

    def fn_date(self, node: Call) -> Out:
        value = self.emit(node.args[0])
        if isinstance(value.logic, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.logic):
            message = _("date() needs a YYYY-MM-DD date, not %(value)s")
            raise XPathError(message % {"value": repr(value.logic)}, node.pos)
        return Out(value.logic, DATE)

    def fn_if(self, node: Call) -> Out:
        condition, then, otherwise = self.args(node)
        kind = then.type if then.type == otherwise.type else None
        return Out({"if": [condition.logic, then.logic, otherwise.logic]}, kind)

    def fn_not(self, node: Call) -> Out:
        return Out({"!": [self.emit(node.args[0]).logic]}, BOOLEAN)

    def fn_boolean(self, node: Call) -> Out:
        return Out({"!!": [self.emit(node.args[0]).logic]}, BOOLEAN)

    def fn_true(self, node: Call) -> Out:
        return Out(True, BOOLEAN)

    def fn_false(self, node: Call) -> Out:
        return Out(False, BOOLEAN)

    def fn_number(self, node: Call) -> Out:
        return Out({"+": [self.emit(node.args[0]).logic]}, NUMBER)

    def fn_int(self, node: Call) -> Out:
        return Out(_trunc(self.emit(node.args[0]).logic), NUMBER)

    def fn_round(self, node: Call) -> Out:
        places = 0
        if len(node.args) == 2:
            digits = node.args[1]
            if not (isinstance(digits, Literal) and isinstance(digits.value, int)):
                raise XPathError(_("round() needs a whole number of decimal places"), digits.pos)
            places = digits.value
        return Out(_round(self.emit(node.args[0]).logic, places), NUMBER)

    def fn_string_length(self, node: Call) -> Out:
        return Out(_length(self.emit(node.args[0]).logic), NUMBER)

    def fn_string(self, node: Call) -> Out:
        return Out({"cat": [self.emit(node.args[0]).logic]}, STRING)

    def fn_concat(self, node: Call) -> Out:
        return Out({"cat": [arg.logic for arg in self.args(node)]}, STRING)

    def fn_coalesce(self, node: Call) -> Out:
        first, second = self.args(node)
        kind = first.type if first.type == second.type else None
        return Out({"if": [_empty(first.logic), second.logic, first.logic]}, kind)

    def fn_contains(self, node: Call) -> Out:
        haystack, needle = self.args(node)
        return Out({"in": [needle.logic, haystack.logic]}, BOOLEAN)

    def fn_min(self, node: Call) -> Out:
        return Out({"min": [arg.logic for arg in self.args(node)]}, NUMBER)

    def fn_max(self, node: Call) -> Out:
        return Out({"max": [arg.logic for arg in self.args(node)]}, NUMBER)

    def fn_position(self, node: Call) -> Out:
        if not isinstance(node.args[0], DotDot) or self.group is None:
            raise XPathError(_("only position(..) inside a repeat is supported"), node.pos)
        return Out({"+": [{"var": "row_index"}, 1]}, NUMBER)

    def fn_regex(self, node: Call) -> Out:
        raise XPathError(
            _("regex() is only supported as the whole constraint, as regex(., 'pattern')"), node.pos
        )


FUNCTION_ARITY: dict[str, int | tuple[int, int | None]] = {
    "selected": 2,
    "count-selected": 1,
    "count": 1,
    "sum": 1,
    "today": 0,
    "now": 0,
    "date": 1,
    "if": 3,
    "not": 1,
    "boolean": 1,
    "true": 0,
    "false": 0,
    "number": 1,
    "int": 1,
    "round": (1, 2),
    "string-length": 1,
    "string": 1,
    "concat": (1, None),
    "coalesce": 2,
    "contains": 2,
    "min": (1, None),
    "max": (1, None),
    "position": 1,
    "regex": 2,
}


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


# Public API -----------------------------------------------------------------------------------


def to_json_logic(
    expression: str,
    *,
    fields: Mapping[str, FieldRef] | None = None,
    current: str | None = None,
    group: str | None = None,
) -> Any:
    """JSON Logic for an ODK XPath expression.

    `fields` maps every field name a reference may use to its `FieldRef`; without it any
    `${name}` is taken as a top-level field. `current` is the field the expression belongs to
    (what `.` means); `group` is the repeat the expression is evaluated in (by default the
    repeat of `current`), whose fields are read as `row.<name>`.
    """
    return Translator(fields, current, group).emit(parse(expression)).logic


def choice_filter_to_json_logic(
    expression: str,
    *,
    columns: frozenset[str],
    fields: Mapping[str, FieldRef] | None = None,
    current: str | None = None,
    group: str | None = None,
) -> Any:
    """JSON Logic for a `choice_filter`: bare names are columns of the choice being offered
    (`name` is its value), read as `{"var": "choice.<column>"}`; `${name}` are answers."""
    translator = Translator(fields, current, group, choice_columns=frozenset(columns))
    return translator.emit(parse(expression)).logic


def constraint_to_validation(
    expression: str,
    *,
    fields: Mapping[str, FieldRef] | None = None,
    current: str | None = None,
    group: str | None = None,
) -> dict:
    """A constraint as `{"pattern": regex}` when it is exactly `regex(., 'pattern')`,
    otherwise as `{"rule": <JSON Logic>}`."""
    tree = parse(expression)
    if isinstance(tree, Call) and tree.name == "regex" and len(tree.args) == 2:
        value, pattern = tree.args
        if isinstance(value, Dot) and isinstance(pattern, Literal) and current is not None:
            if not isinstance(pattern.value, str):
                raise XPathError(_("regex() needs a quoted pattern"), pattern.pos)
            return {"pattern": full_match_pattern(pattern.value, pattern.pos)}
    return {"rule": Translator(fields, current, group).emit(tree).logic}


def full_match_pattern(pattern: str, pos: int | None = None) -> str:
    """ODK's regex() matches anywhere in the value, the schema's `pattern` the whole value:
    a pattern already anchored at both ends is kept, any other is wrapped to match anywhere."""
    pattern = java_classes(pattern, pos)
    try:
        re.compile(pattern)
    except re.error as error:
        message = _("invalid regular expression %(pattern)s: %(error)s")
        raise XPathError(message % {"pattern": repr(pattern), "error": error}, pos) from None
    if _anchored(pattern):
        return pattern
    return rf"[\s\S]*(?:{pattern})[\s\S]*"


# ODK evaluates regex() with Java's regular expressions, which name character classes as
# `\p{L}` (Unicode categories) or `\p{Alpha}` (POSIX, ASCII in Java); Python's `re` has
# neither, so they are written out as the characters they stand for.
_POSIX = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Space": " \\t\\n\\x0b\\f\\r",
    "XDigit": "0-9a-fA-F",
}
_CATEGORIES = frozenset(
    "L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So "
    "Z Zs Zl Zp C Cc Cf Co Cn".split()
)
_JAVA_CLASS = re.compile(r"\\\\|\\([pP])(?:\{(\w+)\}|([A-Za-z]))")


@functools.cache
def _category_ranges(category: str) -> str:
    """The characters of a Unicode general category (`L`, `Lu`...) as class ranges."""
    ranges, start, last = [], None, None
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)).startswith(category):
            if start is None:
                start = code
            last = code
        elif start is not None:
            ranges.append((start, last))
            start = None
    if start is not None:
        ranges.append((start, last))

    def escaped(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return "".join(escaped(a) if a == b else f"{escaped(a)}-{escaped(b)}" for a, b in ranges)


def java_classes(pattern: str, pos: int | None = None) -> str:
    """`pattern` with Java's `\\p{..}` / `\\P{..}` classes written as Python ranges."""
    if "\\p" not in pattern and "\\P" not in pattern:
        return pattern
    out, index, in_class = [], 0, False
    for match in _JAVA_CLASS.finditer(pattern):
        before = pattern[index : match.start()]
        in_class = _inside_class(before, in_class)
        out.append(before)
        index = match.end()
        if match.group() == "\\\\":
            out.append(match.group())
            continue
        negated, name = match.group(1) == "P", match.group(2) or match.group(3)
        name = name[2:] if name.startswith("Is") and name[2:] in _CATEGORIES else name
        if name in _POSIX:
            chars = _POSIX[name]
        elif name in _CATEGORIES:
            chars = _category_ranges(name)
        else:
            message = _("unsupported character class %(class)s in a regular expression")
            raise XPathError(message % {"class": repr(match.group())}, pos)
        if in_class and negated:
            message = _("%(class)s inside [...] is not supported: use [^...] instead")
            raise XPathError(message % {"class": repr(match.group())}, pos)
        out.append(chars if in_class else f"[{'^' if negated else ''}{chars}]")
    out.append(pattern[index:])
    return "".join(out)


def _inside_class(text: str, in_class: bool) -> bool:
    """Whether a regular expression is inside `[...]` after `text` (from `in_class`)."""
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
    return in_class


def _anchored(pattern: str) -> bool:
    """`^...$` with no alternative `|` outside brackets or parentheses."""
    if not (pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith(r"\$")):
        return False
    depth, in_class, escaped = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
    return True


__all__ = ["FieldRef", "XPathError", "constraint_to_validation", "parse", "to_json_logic"]
