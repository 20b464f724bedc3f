"""Three-way merge of a zone variant with its template's new version: a pure function.

base = the template version the variant was based on, theirs = the template's newest version,
ours = the variant's current draft. Steps and fields are matched by key (field keys are unique
in a form); each one's content and its place (which step or group holds it) merge on their own:
a change made on one side only is taken, the same change on both sides is taken once, and
different changes to the same step or field are a `Conflict`, left for a person to decide;
choosing a side takes that step or field as it is there (content and place).
Procedures use the same function: their steps have no `fields`.

Order inside a step follows the variant, unless only the template reordered it; what one side
added goes after the item it followed there.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

STEP, FIELD = "step", "field"
OURS, THEIRS = "ours", "theirs"
ROOT = ("root", "")
CHILDREN = "fields"


@dataclass(frozen=True)
class Conflict:
    what: str  # "step" or "field"
    key: str
    base: dict | None  # the item in each version (None: absent there), with its place
    theirs: dict | None
    ours: dict | None

    @property
    def id(self) -> str:
        return f"{self.what}:{self.key}"


@dataclass
class Merge:
    conflicts: list[Conflict]
    _merged: dict = field(repr=False)  # (what, key) -> item; conflicts left out
    _orders: tuple = field(repr=False)  # each side's order of every container
    _top: dict = field(repr=False)  # the variant's own top-level attributes (slug, title)

    def resolve(self, choices: dict[str, str] | None = None) -> dict:
        """The merged schema, each conflict settled by `choices[conflict.id]` ("ours" or
        "theirs"); an unsettled conflict keeps the variant's side."""
        choices = choices or {}
        items = dict(self._merged)
        for conflict in self.conflicts:
            chosen = conflict.theirs if choices.get(conflict.id) == THEIRS else conflict.ours
            if chosen is not None:
                items[(conflict.what, conflict.key)] = chosen
        return _build(self._top, items, self._orders)


def merge(base: dict, theirs: dict, ours: dict) -> Merge:
    flat = [_flatten(schema) for schema in (base, theirs, ours)]
    merged: dict = {}
    conflicts = []
    idents = set().union(*(items for items, _orders in flat))
    for ident in sorted(idents, key=lambda i: (i[0] != STEP, i[1])):
        b, t, o = (items.get(ident) for items, _orders in flat)
        item, clash = _merge_item(b, t, o)
        if clash:
            conflicts.append(Conflict(ident[0], ident[1], b, t, o))
        elif item is not None:
            merged[ident] = item
    top = {name: value for name, value in ours.items() if name != "steps"}
    return Merge(conflicts, merged, tuple(orders for _items, orders in flat), top)


def items_of(schema: dict) -> dict[tuple[str, str], dict]:
    """Every step and field of `schema` by ("step"|"field", key), without its children and
    with its `place`: ("root", ""), ("step", key) or ("field", group key)."""
    return _flatten(schema)[0]


def orders_of(schema: dict) -> dict:
    """The keys each place holds, in order (as `items_of` names places and items)."""
    return _flatten(schema)[1]


def _merge_item(b, t, o) -> tuple[dict | None, bool]:
    """One step or field: (the merged item or None when removed, whether it conflicts)."""
    if o == t:
        return o, False
    if o is None or t is None or b is None:
        # Removed on one side, changed on the other; or added on both, differently.
        return _three(b, t, o)
    content, clash = _three(_content(b), _content(t), _content(o))
    place, place_clash = _three(b["place"], t["place"], o["place"])
    if clash or place_clash:
        return None, True
    return {**content, "place": place}, False


def _three(b, t, o):
    if o == t:
        return o, False
    if o == b:
        return t, False
    if t == b:
        return o, False
    return None, True


def _content(item: dict) -> dict:
    return {name: value for name, value in item.items() if name != "place"}


def _flatten(schema: dict) -> tuple[dict, dict]:
    """Every step and field by (what, key): its attributes without children, its place
    (the container it is in) and its position there."""
    items = {}

    def fields(container, specs):
        for position, spec in enumerate(specs or ()):
            items[(FIELD, spec.get("key") or "")] = {
                **{name: value for name, value in spec.items() if name != CHILDREN},
                "place": container,
                "position": position,
                **({"has_children": True} if CHILDREN in spec else {}),
            }
            if CHILDREN in spec:
                fields((FIELD, spec.get("key") or ""), spec[CHILDREN])

    for position, step in enumerate(schema.get("steps") or ()):
        items[(STEP, step.get("key") or "")] = {
            **{name: value for name, value in step.items() if name != CHILDREN},
            "place": ROOT,
            "position": position,
            **({"has_children": True} if CHILDREN in step else {}),
        }
        fields((STEP, step.get("key") or ""), step.get(CHILDREN))
    orders: dict = {}
    for ident, item in sorted(items.items(), key=lambda pair: pair[1]["position"]):
        orders.setdefault(item["place"], []).append(ident)
    # Positions decide the order only (in `_build`), never a conflict.
    return {ident: _without_position(item) for ident, item in items.items()}, orders


def _without_position(item: dict) -> dict:
    return {name: value for name, value in item.items() if name != "position"}


def _build(top: dict, items: dict, orders: tuple) -> dict:
    base_orders, their_orders, our_orders = orders
    children: dict = {}
    for ident, item in items.items():
        children.setdefault(_existing_place(item["place"], items, our_orders), []).append(ident)
    ordered = {
        place: _order(
            set(idents),
            base_orders.get(place, []),
            their_orders.get(place, []),
            our_orders.get(place, []),
        )
        for place, idents in children.items()
    }

    def node(ident) -> dict:
        item = items[ident]
        built = {
            name: copy.deepcopy(value)
            for name, value in item.items()
            if name not in ("place", "has_children")
        }
        if item.get("has_children") or ident in ordered:
            built[CHILDREN] = [node(child) for child in ordered.get(ident, [])]
        return built

    result = copy.deepcopy(top)
    result["steps"] = [node(ident) for ident in ordered.get(ROOT, [])]
    return result


def _existing_place(place, items, our_orders):
    """A field whose step or group no longer exists goes to the last step (never lost)."""
    if place == ROOT or place in items:
        return place
    steps = [ident for ident in our_orders.get(ROOT, []) if ident in items]
    steps = steps or [ident for ident in items if ident[0] == STEP]
    return steps[-1] if steps else ROOT


def _order(keep: set, base: list, theirs: list, ours: list) -> list:
    """The variant's order, or the template's where only the template reordered; then what is
    missing inserted after the item it follows on the side that has it."""
    common_ours = [i for i in ours if i in base]
    common_base = [i for i in base if i in ours]
    skeleton = theirs if common_ours == common_base else ours
    result = [i for i in skeleton if i in keep]
    for source in (ours, theirs, base):
        for index, ident in enumerate(source):
            if ident in keep and ident not in result:
                before = next((p for p in reversed(source[:index]) if p in result), None)
                result.insert(result.index(before) + 1 if before is not None else 0, ident)
    result += sorted(i for i in keep if i not in result)
    return result
