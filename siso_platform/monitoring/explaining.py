"""A rule's conditions as sentences a social worker reads: "ISEE 4.500 € ≤ 6.000 €: soddisfatta".

Pure functions. A condition (JSON Logic) and the facts it read become words: every fact by its
label (`fact_sheet.LABELS`), codes by their names, amounts in euro and numbers as the active
language writes them. A condition whose facts are missing names them: "Canone annuo: non
disponibile: sconosciuta". Explanations stored before conditions kept their JSON Logic are
shown from their text, with the facts' labels in place of their names.
"""

from __future__ import annotations

import datetime
import re

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siso_platform.casework.models import Area, InterventionKind
from siso_platform.people.models import Relation, Sex

from .fact_sheet import AMOUNTS, LABELS, UNITS
from .rules import COMPARISONS

_SIGNS = COMPARISONS
_ARITHMETIC = {"+": "+", "-": "\u2212", "*": "\u00d7", "/": ":"}  # minus, times
# Facts holding codes, and the choices that name them.
_CODES = {
    "members.N.sex": Sex,
    "members.N.relation": Relation,
    "intervention_areas": Area,
    "intervention_kinds": InterventionKind,
    "interventions.N.area": Area,
    "interventions.N.kind": InterventionKind,
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def result_word(result: bool | None) -> str:
    if result is None:
        return _("unknown (facts missing)")
    return _("satisfied") if result else _("not satisfied")


def pattern(name: str) -> str:
    """`members.0.age` -> `members.N.age`: the documented name of an item's fact."""
    return ".".join("N" if part.isdigit() else part for part in str(name).split("."))


def fact_label(name: str, within: str | None = None) -> str:
    """A fact's label; `within` is the list a `some`/`all`/`none` walks (names are relative
    there). An item of a list says which: "Età del componente 1"."""
    full = f"{within}.N.{name}" if within else str(name)
    label = LABELS.get(pattern(full))
    if label is None:
        return str(name)
    numbers = [int(part) + 1 for part in full.split(".") if part.isdigit()]
    if not numbers:
        return str(label)
    if full.startswith("members."):
        return _("%(label)s of member %(number)d") % {"label": label, "number": numbers[0]}
    return _("%(label)s (no. %(number)d)") % {"label": label, "number": numbers[0]}


def number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    return number_format(round(value, 4), use_l10n=True, force_grouping=True)


def amount(value) -> str:
    """Euro as Italians write them: 4.500 €, 4.500,50 € (cents only when there are any)."""
    if float(value).is_integer():
        return f"{number_format(int(value), use_l10n=True, force_grouping=True)} €"
    return f"{number_format(value, 2, use_l10n=True, force_grouping=True)} €"


def is_amount(name: str | None) -> bool:
    return name is not None and pattern(name) in AMOUNTS


def value_text(value, name: str | None = None) -> str:
    """A value as the user reads it; `name` is the fact it belongs to (its codes, its unit)."""
    if value is None:
        return _("not available")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float)):
        return amount(value) if is_amount(name) else number(value)
    if isinstance(value, str):
        choices = _CODES.get(pattern(name)) if name else None
        if choices is not None and value in choices.values:
            return str(choices(value).label)
        if _ISO_DATE.match(value):
            return date_format(datetime.date.fromisoformat(value), "d/m/Y")
        if re.fullmatch(r"\[\d+\]", value):  # a list of records, summarised when stored
            return _("%(count)s on record") % {"count": value[1:-1]}
        return f"«{value}»"
    if isinstance(value, list):
        if not value:
            return _("none")
        return ", ".join(value_text(item, name) for item in value)
    if isinstance(value, dict):
        return ", ".join(
            f"{fact_label(f'{name}.{key}' if name else key)} {value_text(item, f'{name}.{key}')}"
            for key, item in value.items()
        )
    return str(value)


def _op(node):
    if isinstance(node, dict) and len(node) == 1:
        ((op, args),) = node.items()
        return op, args if isinstance(args, list) else [args]
    return None, None


def _var_name(node) -> str | None:
    op, args = _op(node)
    if op == "var" and args and isinstance(args[0], (str, int)) and args[0] != "":
        return str(args[0])
    return None


class _Words:
    """Turns one condition into words, knowing the values it read."""

    def __init__(self, values: dict):
        self.values = values or {}

    def fact(self, name: str, within: str | None) -> str:
        label = fact_label(name, within)
        if within is None and name in self.values:
            return f"{label} {value_text(self.values[name], name)}"
        return label

    def unit_of(self, nodes, within) -> str | None:
        """The fact whose unit and codes the constants beside it take (the first named)."""
        for node in nodes:
            name = _var_name(node)
            if name is not None:
                return f"{within}.N.{name}" if within else name
            op, args = _op(node)
            if op in _ARITHMETIC:
                found = self.unit_of(args, within)
                if found:
                    return found
        return None

    def term(self, node, within=None, unit=None) -> str:
        op, args = _op(node)
        if op is None:
            if isinstance(node, list):
                return ", ".join(self.term(item, within, unit) for item in node)
            if isinstance(node, (int, float)) and not isinstance(node, bool) and is_amount(unit):
                return amount(node)
            return value_text(node, unit)
        if op == "var":
            name = _var_name(node)
            return self.fact(name, within) if name else _("the item")
        if op in _SIGNS and len(args) == 2:
            return self.comparison(op, args, within)
        if op in ("<", "<=") and len(args) == 3:
            unit = self.unit_of(args, within)
            sign = _SIGNS[op]
            a, b, c = (self.term(arg, within, unit) for arg in args)
            return f"{a} {sign} {b} {sign} {c}"
        if op in _ARITHMETIC and args:
            unit = unit or self.unit_of(args, within)
            if op == "*" and len(args) == 2 and any(_is_share(a) for a in args):
                share, other = (args[0], args[1]) if _is_share(args[0]) else (args[1], args[0])
                return _("%(percent)s%% of %(fact)s") % {
                    "percent": number(share * 100),
                    "fact": self.term(other, within, unit),
                }
            parts = [self.term(arg, within, None if op in "*/" else unit) for arg in args]
            return f" {_ARITHMETIC[op]} ".join(parts)
        if op == "in" and len(args) == 2:
            return self.membership(args, within)
        if op == "!" and args:
            inner_op, inner = _op(args[0])
            if inner_op == "in" and len(inner) == 2:
                return self.membership(inner, within, negated=True)
            condition = self.term(args[0], within)
            return _("it is not true that %(condition)s") % {"condition": condition}
        if op == "!!" and args:
            return self.term(args[0], within, unit)
        if op in ("and", "or"):
            joiner = " {} ".format(_("and") if op == "and" else _("or"))
            return "(" + joiner.join(self.term(arg, within) for arg in args) + ")"
        if op == "reduce" and _counts(args):
            # the condition builder's "numero di componenti", with the number on record
            listed = _var_name(args[0])
            text = _("number of %(list)s") % {"list": fact_label(listed, within)}
            seen = self.values.get(listed) if within is None else None
            if isinstance(seen, list):
                return f"{text} {len(seen)}"
            found = re.fullmatch(r"\[(\d+)\]", seen) if isinstance(seen, str) else None
            return f"{text} {found.group(1)}" if found else text
        if op in ("some", "all", "none") and len(args) == 2:
            listed = _var_name(args[0])
            words = {
                "some": _("at least one of %(list)s: %(condition)s"),
                "all": _("each of %(list)s: %(condition)s"),
                "none": _("none of %(list)s: %(condition)s"),
            }[op]
            return words % {
                "list": fact_label(listed) if listed else self.term(args[0], within),
                "condition": self.term(args[1], listed),
            }
        return f"{op}(" + ", ".join(self.term(arg, within) for arg in args) + ")"

    def comparison(self, op, args, within) -> str:
        left, right = args
        if right is None or left is None:  # "is known" / "is not known"
            subject = self.term(left if right is None else right, within)
            known = op in ("!=", "!==")
            words = _("%(fact)s is known") if known else _("%(fact)s is not known")
            return words % {"fact": subject}
        unit = self.unit_of(args, within)
        return f"{self.term(left, within, unit)} {_SIGNS[op]} {self.term(right, within, unit)}"

    def membership(self, args, within, negated=False) -> str:
        item, container = args
        unit = self.unit_of([container, item], within)
        if isinstance(container, list):
            words = _("%(item)s is not among %(list)s") if negated else None
            words = words or _("%(item)s is among %(list)s")
            return words % {
                "item": self.term(item, within, unit),
                "list": self.term(container, within, unit),
            }
        name = _var_name(container)
        if name is not None:
            label = fact_label(name, within)
            words = _("%(list)s do not include %(item)s") if negated else None
            words = words or _("%(list)s include %(item)s")
            text = words % {"list": label, "item": self.term(item, within, unit)}
            if within is None and name in self.values:
                read = value_text(self.values[name], name)
                text += " " + _("(on record: %(values)s)") % {"values": read}
            return text
        words = _("%(item)s is not in %(text)s") if negated else _("%(item)s is in %(text)s")
        return words % {"item": self.term(item, within), "text": self.term(container, within)}


def _counts(args) -> bool:
    """`reduce` that adds one per item: how the condition builder writes a list's count."""
    step = {"+": [{"var": "accumulator"}, 1]}
    return len(args) == 3 and args[1] == step and args[2] == 0 and _var_name(args[0]) is not None


def _is_share(node) -> bool:
    return isinstance(node, float) and 0 < node < 1


# The item of a list that decided a quantified condition, as the sentence names it.
_ITEMS = {
    "rentals": gettext_lazy("contract no. %(number)d"),
    "members": gettext_lazy("member %(number)d"),
    "property": gettext_lazy("property no. %(number)d"),
    "local_taxes": gettext_lazy("tax no. %(number)d"),
    "interventions": gettext_lazy("intervention no. %(number)d"),
    "open_cases": gettext_lazy("case no. %(number)d"),
    "needs": gettext_lazy("need no. %(number)d"),
}


def deciding_item(decided: dict) -> str:
    """ "decided by contract no. 2: Days to the contract's end 40 days"."""
    within = decided.get("list") or ""
    words = _ITEMS.get(within, gettext_lazy("item no. %(number)d"))
    item = str(words) % {"number": int(decided.get("index", 0)) + 1}
    facts = []
    for name, value in (decided.get("values") or {}).items():
        full = f"{within}.N.{name}" if within else str(name)
        unit = UNITS.get(pattern(full)) if value is not None else None
        text = f"{fact_label(name, within or None)} {value_text(value, full)}"
        facts.append(f"{text} {unit}" if unit else text)
    if not facts:
        return _("decided by %(item)s") % {"item": item}
    return _("decided by %(item)s: %(facts)s") % {"item": item, "facts": ", ".join(facts)}


def sentence(
    logic_condition, values: dict, result: bool | None, missing=(), decided_by=None
) -> str:
    """One condition in words, with its outcome. Facts the sheet lacks are named instead: the
    outcome is then unknown whatever the rest says. A quantified condition one item decided
    names that item."""
    if missing:
        facts = "; ".join(
            _("%(fact)s: not available") % {"fact": fact_label(name)} for name in missing
        )
        return f"{facts}: {result_word(result)}"
    text = f"{_Words(values).term(logic_condition)}: {result_word(result)}"
    if decided_by:
        text += f" ({deciding_item(decided_by)})"
    return text


def _relabelled(text: str, values: dict) -> str:
    """An explanation stored as text (`isee ≤ 6000`): the facts' names become their labels
    and values; the rest stays as written."""
    for name in sorted(values, key=len, reverse=True):
        label = f"{fact_label(name)} {value_text(values[name], name)}"
        text = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w.])", label, text)
    return text


def sentences(explanation) -> list[dict]:
    """A stored explanation (`rules.Judgement.explanation()`) as lines: text and result."""
    lines = []
    for item in explanation or ():
        if not isinstance(item, dict):
            continue
        values, result = item.get("values") or {}, item.get("result")
        missing = item.get("missing") or ()
        if "logic" in item:
            text = sentence(item["logic"], values, result, missing, item.get("decided_by"))
        elif missing:
            text = sentence(None, values, result, missing)
        else:
            condition = _relabelled(str(item.get("condition", "")), values)
            text = f"{condition}: {result_word(result)}"
        lines.append({"text": text, "result": result})
    return lines


def fact_labels(names) -> list[str]:
    return [fact_label(name) for name in names or ()]
