"""Publish-time checks of a form schema: what would make a version unusable is refused here.

`problems(schema)` returns a list of `Problem(path, message)`; publishing is refused while it
is not empty. Paths name the step or field (`housing.rent`, `members.birth_date`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import logic, registry
from .schema import (
    ADDRESS,
    CHOICE_SCOPE,
    FILE,
    GEOPOINT,
    GROUP,
    IMAGE,
    KEY_PATTERN,
    KINDS,
    RANGE,
    ROW,
    ROW_INDEX,
    WITH_CHOICES,
    CycleError,
    compile_form,
    iter_fields,
)


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def problems(schema: dict) -> list[Problem]:
    found = _structure(schema)
    if found:  # logic checks need sound keys and kinds
        return found
    found += _logic(schema)
    if not found:
        try:
            compile_form(schema)
        except CycleError as error:
            cycle = " → ".join(error.args[1])
            found.append(Problem(cycle, _("Fields depend on each other in a cycle: %s.") % cycle))
    return found


def _structure(schema: dict) -> list[Problem]:
    found = []
    steps = schema.get("steps") or []
    if not steps:
        found.append(Problem("steps", _("The form has no steps.")))
    seen: set[str] = set()
    for step in steps:
        key = step.get("key") or ""
        if not KEY_PATTERN.match(key):
            found.append(Problem(key or "?", _("“%s” is not a valid step key.") % key))
        if not step.get("fields"):
            found.append(Problem(key, _("The step has no fields.")))
    for step, spec, group in iter_fields(schema):
        key, kind = spec.get("key") or "", spec.get("kind")
        path = f"{group['key']}.{key}" if group else f"{step.get('key')}.{key}"
        if not KEY_PATTERN.match(key):
            found.append(Problem(path, _("“%s” is not a valid field key.") % key))
        elif key in seen:
            found.append(Problem(path, _("The key “%s” is used twice.") % key))
        seen.add(key)
        if kind not in KINDS:
            found.append(Problem(path, _("Unknown field kind “%s”.") % kind))
        elif kind in WITH_CHOICES and not spec.get("choices"):
            found.append(Problem(path, _("A choice field needs at least one choice.")))
        elif kind == GROUP and group is not None:
            found.append(Problem(path, _("A group cannot contain another group.")))
        elif kind == GROUP and not spec.get("fields"):
            found.append(Problem(path, _("A group needs at least one field.")))
        elif kind == RANGE and not _range_ok(spec):
            found.append(
                Problem(path, _("A range needs a start and an end, and a step above zero."))
            )
        fact = spec.get("fact")
        if fact and (group is not None or fact not in registry.fact_sinks):
            found.append(Problem(path, _("The answer cannot be recorded as “%s”.") % fact))
        pattern = (spec.get("validations") or {}).get("pattern")
        if pattern:
            try:
                re.compile(pattern)
            except re.error as error:
                found.append(Problem(path, _("Invalid pattern: %s.") % error))
    return found


def _logic(schema: dict) -> list[Problem]:
    found = []
    top = {spec["key"]: spec for step in schema["steps"] for spec in step["fields"]}
    groups = {key: spec for key, spec in top.items() if spec["kind"] == GROUP}

    def check(path: str, expression, group: dict | None, choices: bool = False) -> None:
        for message in logic.check(expression):
            found.append(Problem(path, message))
        for name in sorted(logic.variables(expression)):
            if choices and name.partition(".")[0] == CHOICE_SCOPE:
                continue  # a choice filter reads the choice's own columns
            if not _known(name, top, groups, group):
                found.append(
                    Problem(
                        path, _("The logic names “%s”, which is not a field of the form.") % name
                    )
                )

    for step in schema["steps"]:
        if step.get("visible_if") is not None:
            check(f"{step['key']}.visible_if", step["visible_if"], None)
    for step, spec, group in iter_fields(schema):
        base = f"{group['key']}.{spec['key']}" if group else f"{step['key']}.{spec['key']}"
        for attribute in ("visible_if", "computed"):
            if spec.get(attribute) is not None:
                check(f"{base}.{attribute}", spec[attribute], group)
        if spec.get("choice_filter") is not None:
            check(f"{base}.choice_filter", spec["choice_filter"], group, choices=True)
        if isinstance(spec.get("default"), dict):  # a default computed when shown
            check(f"{base}.default", spec["default"], group)
        required = spec.get("required", False)
        if not isinstance(required, bool) and required is not None:
            check(f"{base}.required", required, group)
        for index, rule in enumerate((spec.get("validations") or {}).get("rules") or ()):
            check(f"{base}.rules[{index}]", rule.get("rule"), group)
    return found


def _known(name: str, top: dict, groups: dict, group: dict | None) -> bool:
    head, _dot, rest = name.partition(".")
    if group is not None and head == ROW:
        child = rest.partition(".")[0]
        return any(field["key"] == child for field in group["fields"])
    if group is not None and name == ROW_INDEX:
        return True
    if head not in top:
        return False
    if not rest:
        return True
    kind = top[head]["kind"]
    # Parts of structured values and rows of groups may be read: address.municipality,
    # members.0.birth_date.
    return kind in (ADDRESS, FILE, IMAGE, GEOPOINT) or (kind == GROUP and head in groups)


def _range_ok(spec: dict) -> bool:
    try:
        start, end = float(spec["start"]), float(spec["end"])
        step = float(spec.get("step") or 1)
    except (KeyError, TypeError, ValueError):
        return False
    return start != end and step > 0
