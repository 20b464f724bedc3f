"""The canonical form schema (see docs/forms.md): field kinds, defaults and a compiled view.

A published version stores the schema as JSON; `compile_form` turns it once into the
ordered structure the validation engine walks, so validating many submissions of one
version does not re-read the JSON each time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter

from . import logic

# Keys keep the case they were given (ODK names are case-sensitive: `Age` and `age` differ);
# the admin's own keys have always been lower case, which this still accepts.
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

TEXT, TEXTAREA, INTEGER, DECIMAL, DATE = "text", "textarea", "integer", "decimal", "date"
CHOICE, MULTICHOICE, BOOLEAN, TAX_CODE = "choice", "multichoice", "boolean", "tax_code"
EMAIL, PHONE, ADDRESS, FILE, GROUP, NOTE = "email", "phone", "address", "file", "group", "note"
TIME, DATETIME, GEOPOINT, IMAGE = "time", "datetime", "geopoint", "image"
RANGE, RANK, HIDDEN = "range", "rank", "hidden"
KINDS = (
    TEXT,
    TEXTAREA,
    INTEGER,
    DECIMAL,
    DATE,
    CHOICE,
    MULTICHOICE,
    BOOLEAN,
    TAX_CODE,
    EMAIL,
    PHONE,
    ADDRESS,
    FILE,
    GROUP,
    NOTE,
    TIME,
    DATETIME,
    GEOPOINT,
    IMAGE,
    RANGE,
    RANK,
    HIDDEN,
)
WITH_CHOICES = (CHOICE, MULTICHOICE, RANK)
SELECTS = (CHOICE, MULTICHOICE)  # may have `or_other` and `choice_filter`
FILES = (FILE, IMAGE)
GEOPOINT_PARTS = ("lat", "lon", "alt", "accuracy")
# What `or_other` adds, as ODK does: the choice `other` and a text `<key>_other` shown with it.
OTHER = "other"
OTHER_LABEL = {"it": "Altro", "en": "Other"}
OTHER_TEXT_LABEL = {"it": "Specificare altro", "en": "Specify other"}
# The name a `choice_filter` reads the choice's own columns by: {"var": "choice.province"}.
CHOICE_SCOPE = "choice"
ADDRESS_PARTS = ("street", "number", "postcode", "municipality", "locality")
FILE_PARTS = ("name", "size", "content_type", "path")
# Names logic may read inside a group besides the form's own fields.
ROW, ROW_INDEX = "row", "row_index"


def text(value, language: str = "it") -> str:
    """The text of a `{"it": ..., "en": ...}` value in `language`, falling back to Italian."""
    if isinstance(value, dict):
        return value.get(language) or value.get("it") or value.get("en") or ""
    return value or ""


@dataclass(eq=False)
class Field:
    key: str
    kind: str
    spec: dict
    step: str
    group: str | None = None  # key of the enclosing group field, if any
    fields: list[Field] = field(default_factory=list)  # a group's row fields

    @property
    def required(self):
        return self.spec.get("required", False)

    @property
    def visible_if(self):
        return self.spec.get("visible_if")

    @property
    def computed(self):
        return self.spec.get("computed")

    @property
    def validations(self) -> dict:
        return self.spec.get("validations") or {}

    @property
    def default(self):
        return self.spec.get("default")

    @property
    def choice_filter(self):
        return self.spec.get("choice_filter")

    @property
    def choice_values(self) -> frozenset[str]:
        return frozenset(str(choice["value"]) for choice in self.spec.get("choices") or ())

    def label(self, language: str = "it") -> str:
        return text(self.spec.get("label"), language) or self.key

    def logic_items(self) -> Iterator[tuple[str, object]]:
        """(attribute, expression) for every JSON Logic expression of this field."""
        for name in ("visible_if", "computed", "choice_filter"):
            if self.spec.get(name) is not None:
                yield name, self.spec[name]
        if not isinstance(self.required, bool) and self.required is not None:
            yield "required", self.required
        for index, rule in enumerate(self.validations.get("rules") or ()):
            yield f"validations.rules[{index}]", rule.get("rule")


@dataclass(eq=False)
class Step:
    key: str
    spec: dict
    fields: list[Field]

    @property
    def visible_if(self):
        return self.spec.get("visible_if")

    def title(self, language: str = "it") -> str:
        return text(self.spec.get("title"), language) or self.key


@dataclass(eq=False)
class CompiledForm:
    schema: dict
    steps: list[Step]
    fields: dict[str, Field]  # every top-level field by key
    order: list[Field]  # top-level fields, dependencies first

    def step_of(self, key: str) -> Step:
        return next(step for step in self.steps if step.key == key)


def iter_fields(schema: dict) -> Iterator[tuple[dict, dict, dict | None]]:
    """(step, field, enclosing group or None) for every field, groups' rows included."""
    for step in schema.get("steps") or ():
        for spec in step.get("fields") or ():
            yield step, spec, None
            if spec.get("kind") == GROUP:
                for child in spec.get("fields") or ():
                    yield step, child, spec


def other_field(spec: dict) -> dict:
    """The text field `or_other` adds after a select: shown, and required, when "other" is
    picked (ODK's `<name>_other`)."""
    picked = (
        {"in": [OTHER, {"var": spec["key"]}]}
        if spec["kind"] == MULTICHOICE
        else {"==": [{"var": spec["key"]}, OTHER]}
    )
    visible = picked if spec.get("visible_if") is None else {"and": [spec["visible_if"], picked]}
    return {
        "key": f"{spec['key']}_other",
        "kind": TEXT,
        "label": dict(OTHER_TEXT_LABEL),
        "help": {"it": "", "en": ""},
        "required": True,
        "visible_if": visible,
        "validations": {},
        "computed": None,
        "prefill": None,
        "other_of": spec["key"],
    }


def with_other(fields: list[dict]) -> list[dict]:
    """Fields with each `or_other` select given its "other" choice and its text field."""
    out = []
    for spec in fields:
        out.append(spec)
        if spec.get("or_other") and spec.get("kind") in SELECTS:
            if not any(str(c.get("value")) == OTHER for c in spec.get("choices") or ()):
                spec["choices"] = [
                    *(spec.get("choices") or []),
                    {"value": OTHER, "label": dict(OTHER_LABEL)},
                ]
            out.append(other_field(spec))
    return out


def without_other(fields: list[dict]) -> list[dict]:
    """The inverse, for editing and export: the flag alone says what `or_other` adds."""
    out = []
    for spec in fields:
        if spec.get("other_of"):
            continue
        if spec.get("or_other"):
            spec = dict(spec)
            spec["choices"] = [c for c in spec.get("choices") or () if c["value"] != OTHER]
        out.append(spec)
    return out


def dependencies(expression) -> set[str]:
    """The field keys an expression reads (first segment of each dotted var name)."""
    return {name.split(".", 1)[0] for name in logic.variables(expression)}


def choice_scope(data: dict, choice: dict) -> dict:
    """What a `choice_filter` is evaluated over: the answers, and the choice's columns (its
    value as `name`, as in the XLSForm choices sheet) under `choice`."""
    return {**data, CHOICE_SCOPE: {**(choice.get("columns") or {}), "name": str(choice["value"])}}


def compile_form(schema: dict) -> CompiledForm:
    """Index a (checked) schema; top-level fields are ordered so dependencies come first.

    Raises `CycleError` when fields depend on each other in a circle; `checks.problems`
    reports that as a publish error before a version can exist.
    """
    steps, by_key = [], {}
    for step_spec in schema.get("steps") or ():
        fields = []
        for spec in step_spec.get("fields") or ():
            item = Field(spec["key"], spec["kind"], spec, step_spec["key"])
            item.fields = [
                Field(child["key"], child["kind"], child, step_spec["key"], group=spec["key"])
                for child in spec.get("fields") or ()
            ]
            fields.append(item)
            by_key[item.key] = item
        steps.append(Step(step_spec["key"], step_spec, fields))
    return CompiledForm(schema, steps, by_key, evaluation_order(steps, by_key))


def evaluation_order(steps: list[Step], by_key: dict[str, Field]) -> list[Field]:
    graph: dict[str, set[str]] = {}
    for step in steps:
        step_deps = dependencies(step.visible_if) if step.visible_if is not None else set()
        for item in step.fields:
            deps = set(step_deps)
            for _name, expression in item.logic_items():
                if _name in ("visible_if", "computed", "choice_filter"):
                    deps |= dependencies(expression)
            if item.kind == HIDDEN and isinstance(item.default, dict):  # computed when sent
                deps |= dependencies(item.default)
            for child in item.fields:  # a row's logic reads form fields too
                for _name, expression in child.logic_items():
                    if _name in ("visible_if", "computed", "choice_filter"):
                        deps |= dependencies(expression)
            graph[item.key] = {dep for dep in deps if dep in by_key and dep != item.key}
    order = TopologicalSorter(graph).static_order()
    return [by_key[key] for key in order]


__all__ = ["CompiledForm", "CycleError", "Field", "Step", "compile_form", "iter_fields", "text"]
