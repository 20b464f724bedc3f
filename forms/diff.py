"""What a zone variant changes from its regional template: a pure comparison of two schemas."""

from __future__ import annotations

from dataclasses import dataclass

from .schema import iter_fields

ADDED, REMOVED, CHANGED, MOVED = "added", "removed", "changed", "moved"


@dataclass(frozen=True)
class Change:
    change: str  # added, removed, changed, moved
    key: str  # step or field key
    what: str  # "step" or "field"
    attributes: tuple[str, ...] = ()


def differences(template: dict, variant: dict) -> list[Change]:
    changes = []
    old_steps = {step["key"]: step for step in template.get("steps") or ()}
    new_steps = {step["key"]: step for step in variant.get("steps") or ()}
    for key in new_steps.keys() - old_steps.keys():
        changes.append(Change(ADDED, key, "step"))
    for key in old_steps.keys() - new_steps.keys():
        changes.append(Change(REMOVED, key, "step"))
    for key in old_steps.keys() & new_steps.keys():
        attributes = _changed(old_steps[key], new_steps[key], skip={"fields"})
        if attributes:
            changes.append(Change(CHANGED, key, "step", attributes))

    old_fields = _fields(template)
    new_fields = _fields(variant)
    for key in new_fields.keys() - old_fields.keys():
        changes.append(Change(ADDED, key, "field"))
    for key in old_fields.keys() - new_fields.keys():
        changes.append(Change(REMOVED, key, "field"))
    for key in old_fields.keys() & new_fields.keys():
        (old_place, old), (new_place, new) = old_fields[key], new_fields[key]
        attributes = _changed(old, new, skip={"fields"})
        if attributes:
            changes.append(Change(CHANGED, key, "field", attributes))
        if old_place != new_place:
            changes.append(Change(MOVED, key, "field", (f"{old_place} → {new_place}",)))
    order = {ADDED: 0, REMOVED: 1, CHANGED: 2, MOVED: 3}
    return sorted(changes, key=lambda c: (c.what != "step", order[c.change], c.key))


def _fields(schema: dict) -> dict[str, tuple[str, dict]]:
    return {
        spec.get("key"): (group["key"] if group else step["key"], spec)
        for step, spec, group in iter_fields(schema)
    }


def _changed(old: dict, new: dict, skip: set[str]) -> tuple[str, ...]:
    names = (old.keys() | new.keys()) - skip
    return tuple(sorted(name for name in names if old.get(name) != new.get(name)))
