"""What differs between two versions of a questionnaire or procedure, in words, side by side.

Rows name steps and fields by their label (not their key) and each changed attribute by its
Italian name, with the value on the left (the template) and on the right (the variant, or the
template's new version). Pure functions over canonical schemas or graphs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .merge import FIELD, ROOT, STEP, items_of, orders_of

ADDED, REMOVED, CHANGED, MOVED = "added", "removed", "changed", "moved"

ATTRIBUTES = {
    "title": gettext_lazy("title"),
    "label": gettext_lazy("label"),
    "help": gettext_lazy("help text"),
    "kind": gettext_lazy("kind"),
    "required": gettext_lazy("required"),
    "visible_if": gettext_lazy("shown when"),
    "computed": gettext_lazy("computed value"),
    "prefill": gettext_lazy("prefilled from"),
    "fact": gettext_lazy("recorded as"),
    "validations": gettext_lazy("checks"),
    "choices": gettext_lazy("choices"),
    "decimal_places": gettext_lazy("decimal places"),
    "min_rows": gettext_lazy("fewest rows"),
    "max_rows": gettext_lazy("most rows"),
    "place": gettext_lazy("position"),
    "next": gettext_lazy("next step"),
    "assignee": gettext_lazy("assigned to"),
    "queue": gettext_lazy("shared queue"),
    "deadline": gettext_lazy("deadline"),
    "form": gettext_lazy("questionnaire"),
    "branches": gettext_lazy("branches"),
    "default": gettext_lazy("otherwise"),
    "action": gettext_lazy("action"),
    "params": gettext_lazy("parameters"),
    "duration": gettext_lazy("wait"),
    "until": gettext_lazy("until"),
}
CHANGES = {
    (ADDED, STEP): gettext_lazy("step added"),
    (REMOVED, STEP): gettext_lazy("step removed"),
    (CHANGED, STEP): gettext_lazy("step changed"),
    (MOVED, STEP): gettext_lazy("step moved"),
    (ADDED, FIELD): gettext_lazy("field added"),
    (REMOVED, FIELD): gettext_lazy("field removed"),
    (CHANGED, FIELD): gettext_lazy("field changed"),
    (MOVED, FIELD): gettext_lazy("field moved"),
}
# A procedure's steps are "fasi", a questionnaire's "sezioni".
PROCEDURE_STEPS = {
    ADDED: pgettext_lazy("procedure", "step added"),
    REMOVED: pgettext_lazy("procedure", "step removed"),
    CHANGED: pgettext_lazy("procedure", "step changed"),
    MOVED: pgettext_lazy("procedure", "step moved"),
}
_HIDDEN = {"key", "has_children"}


@dataclass
class Row:
    what: str  # "step" or "field"
    key: str
    name: str  # the label, in Italian
    change: str
    # (attribute, left, right); the side an item is absent from is ""
    details: list[tuple[str, str, str]] = field(default_factory=list)
    procedure: bool = False

    @property
    def id(self) -> str:
        return f"{self.what}:{self.key}"

    @property
    def change_label(self) -> str:
        if self.procedure and self.what == STEP:
            return str(PROCEDURE_STEPS[self.change])
        return str(CHANGES[self.change, self.what])


def compare(left: dict, right: dict, *, procedure: bool = False) -> list[Row]:
    """The steps and fields `right` adds, removes, changes or moves from `left`."""
    old, new = items_of(left), items_of(right)
    names = {**_names(left, old), **_names(right, new)}
    rows = []
    for ident in _ordered(left, right):
        before, after = old.get(ident), new.get(ident)
        if before == after:
            continue
        name = names.get(ident) or ident[1]
        if before is None:
            rows.append(Row(*ident, name, ADDED, describe(after, names), procedure))
        elif after is None:
            details = describe(before, names, left_side=True)
            rows.append(Row(*ident, name, REMOVED, details, procedure))
        else:
            details = changed_details(before, after, names)
            moved = before["place"] != after["place"]
            place = str(ATTRIBUTES["place"])
            only_moved = moved and all(attribute == place for attribute, *_rest in details)
            rows.append(Row(*ident, name, MOVED if only_moved else CHANGED, details, procedure))
    return rows


def describe(item: dict | None, names: dict, *, left_side: bool = False) -> list:
    """An item's attributes, in words, on one side of the table."""
    if item is None:
        return []
    details = []
    for attribute, value in item.items():
        if attribute in _HIDDEN or _empty(value):
            continue
        text = _value(attribute, value, names)
        details.append((_label(attribute), *((text, "") if left_side else ("", text))))
    return details


def changed_details(before: dict | None, after: dict | None, names: dict) -> list:
    before, after = before or {}, after or {}
    details = []
    for attribute in _attribute_order(before, after):
        if attribute in _HIDDEN or before.get(attribute) == after.get(attribute):
            continue
        details.append(
            (
                _label(attribute),
                _value(attribute, before.get(attribute), names),
                _value(attribute, after.get(attribute), names),
            )
        )
    return details


def names_of(*schemas: dict) -> dict:
    """Each step's title and field's label (Italian, else English, else the key)."""
    names: dict = {}
    for schema in schemas:
        names.update(_names(schema, items_of(schema)))
    return names


def _names(schema: dict, items: dict) -> dict:
    return {
        ident: _text(item.get("label") or item.get("title")) or ident[1]
        for ident, item in items.items()
    }


def _ordered(left: dict, right: dict) -> list:
    """Steps first, then fields, each in the order of `right`, then what only `left` has."""
    seen: list = []
    for schema in (right, left):
        for ident in _walk(orders_of(schema), ROOT):
            if ident not in seen:
                seen.append(ident)
    return sorted(seen, key=lambda ident: ident[0] != STEP)


def _walk(orders: dict, place) -> list:
    found = []
    for ident in orders.get(place, []):
        found.append(ident)
        found += _walk(orders, ident)
    return found


def _attribute_order(before: dict, after: dict) -> list[str]:
    names = list(after) + [name for name in before if name not in after]
    known = list(ATTRIBUTES)
    return sorted(names, key=lambda name: known.index(name) if name in known else len(known))


def _label(attribute: str) -> str:
    return str(ATTRIBUTES.get(attribute, attribute))


def _empty(value) -> bool:
    return value in (None, "", [], {}, False) or value == {"it": "", "en": ""}


def _value(attribute: str, value, names: dict) -> str:
    if attribute == "place":
        if value is None:
            return "—"
        place = tuple(value)
        if place == ROOT:
            return "—"
        return names.get(place) or place[1]
    if _empty(value):
        return "—" if value is not False else _("no")
    if value is True:
        return _("yes")
    if isinstance(value, dict) and set(value) <= {"it", "en"}:
        return _text(value)
    if attribute == "choices" and isinstance(value, list):
        return "; ".join(
            _text(choice.get("label")) or str(choice.get("value"))
            for choice in value
            if isinstance(choice, dict)
        )
    if isinstance(value, (str, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _text(value) -> str:
    if isinstance(value, dict):
        return value.get("it") or value.get("en") or ""
    return "" if value is None else str(value)
