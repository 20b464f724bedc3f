"""The JSON Schema (2020-12) of a version's cleaned answers, for the phone app.

Types, choices, limits and unconditional requirements are JSON Schema; conditions and
computed values are JSON Logic, which the app evaluates from the layout served beside it.
"""

from __future__ import annotations

from .schema import (
    ADDRESS,
    ADDRESS_PARTS,
    BOOLEAN,
    CHOICE,
    DATE,
    DATETIME,
    DECIMAL,
    EMAIL,
    FILE,
    GEOPOINT,
    GROUP,
    HIDDEN,
    IMAGE,
    INTEGER,
    MULTICHOICE,
    NOTE,
    PHONE,
    RANGE,
    RANK,
    TAX_CODE,
    TIME,
    Field,
    text,
)
from .validation import (
    PHONE_PATTERN,
    POSTCODE_PATTERN,
    TAX_CODE_PATTERN,
    TIME_PATTERN,
    default_answer,
)

METADATA_FORMATS = {"start": "date-time", "end": "date-time", "today": "date"}

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(schema: dict, *, language: str = "it", id_: str | None = None) -> dict:
    properties, required = _object(
        [spec for step in schema.get("steps") or () for spec in step.get("fields") or ()],
        language,
        # A field hidden by its step cannot be unconditionally required.
        {
            spec["key"]
            for step in schema.get("steps") or ()
            if step.get("visible_if") is None
            for spec in step.get("fields") or ()
        },
    )
    for key, type_ in (schema.get("metadata") or {}).items():  # recorded by the platform
        properties[key] = {"type": "string", "format": METADATA_FORMATS[type_], "readOnly": True}
    document = {
        "$schema": DIALECT,
        "title": text(schema.get("title"), language),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if id_:
        document["$id"] = id_
    return document


def _object(specs: list[dict], language: str, requirable: set[str] | None = None):
    properties, required = {}, []
    for spec in specs:
        if spec["kind"] == NOTE:
            continue
        properties[spec["key"]] = _property(spec, language)
        if (
            spec.get("required") is True
            and spec.get("visible_if") is None
            and spec.get("computed") is None
            and (requirable is None or spec["key"] in requirable)
        ):
            required.append(spec["key"])
    return properties, required


def _property(spec: dict, language: str) -> dict:
    kind, checks = spec["kind"], spec.get("validations") or {}
    prop: dict = {"title": text(spec.get("label"), language)}
    description = text(spec.get("help"), language)
    if description:
        prop["description"] = description
    if spec.get("computed") is not None or kind == HIDDEN:
        prop["readOnly"] = True
    default = spec.get("default")
    if default not in (None, "") and not isinstance(default, dict):
        # As the answer is stored: a number, a list of choices for a multichoice or a rank.
        # A default computed when the question is shown (JSON Logic) is no constant.
        value = default if kind == HIDDEN else default_answer(Field(spec["key"], kind, spec, ""))
        if value is not None:
            prop["default"] = value
    if kind == HIDDEN:
        if spec.get("computed") is None:  # a computed value may be of any type
            prop["type"] = ["string", "number"]
    elif kind == RANGE:
        prop.update(type="number", minimum=min(spec["start"], spec["end"]))
        prop["maximum"] = max(spec["start"], spec["end"])
        prop["multipleOf"] = spec.get("step") or 1
    elif kind == RANK:
        values = [str(choice["value"]) for choice in spec["choices"]]
        prop.update(type="array", items={"enum": values}, uniqueItems=True)
        prop.update(minItems=len(values), maxItems=len(values))
    elif kind == GEOPOINT:
        prop.update(
            type="object",
            properties={
                "lat": {"type": "number", "minimum": -90, "maximum": 90},
                "lon": {"type": "number", "minimum": -180, "maximum": 180},
                "alt": {"type": "number"},
                "accuracy": {"type": "number", "minimum": 0},
            },
            required=["lat", "lon"],
            additionalProperties=False,
        )
    elif kind in (INTEGER, DECIMAL):
        prop["type"] = "integer" if kind == INTEGER else "number"
        if checks.get("min") not in (None, ""):
            prop["minimum"] = float(checks["min"]) if kind == DECIMAL else int(checks["min"])
        if checks.get("max") not in (None, ""):
            prop["maximum"] = float(checks["max"]) if kind == DECIMAL else int(checks["max"])
    elif kind == BOOLEAN:
        prop["type"] = "boolean"
    elif kind == CHOICE:
        prop.update(type="string", enum=[str(choice["value"]) for choice in spec["choices"]])
    elif kind == MULTICHOICE:
        values = [str(choice["value"]) for choice in spec["choices"]]
        prop.update(type="array", items={"enum": values}, uniqueItems=True)
    elif kind == ADDRESS:
        parts = {part: {"type": "string"} for part in ADDRESS_PARTS}
        parts["postcode"]["pattern"] = POSTCODE_PATTERN.pattern
        prop.update(
            type="object",
            properties=parts,
            required=["street", "municipality"],
            additionalProperties=False,
        )
    elif kind in (FILE, IMAGE):
        prop.update(
            type="object",
            properties={
                "name": {"type": "string"},
                "size": {"type": "integer"},
                "content_type": {"type": "string"},
                "path": {"type": "string"},
            },
            required=["name", "path"],
        )
    elif kind == GROUP:
        row_properties, row_required = _object(spec.get("fields") or [], language)
        prop.update(
            type="array",
            items={
                "type": "object",
                "properties": row_properties,
                "required": row_required,
                "additionalProperties": False,
            },
        )
        if spec.get("min_rows"):
            prop["minItems"] = int(spec["min_rows"])
        if spec.get("max_rows"):
            prop["maxItems"] = int(spec["max_rows"])
    else:
        prop["type"] = "string"
        if kind == DATE:
            prop["format"] = "date"
        elif kind == TIME:
            prop["pattern"] = TIME_PATTERN.pattern
        elif kind == DATETIME:
            prop["pattern"] = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"
        elif kind == EMAIL:
            prop["format"] = "email"
        elif kind == TAX_CODE:
            prop["pattern"] = TAX_CODE_PATTERN.pattern
        elif kind == PHONE:
            prop["pattern"] = PHONE_PATTERN.pattern
        if checks.get("min_length"):
            prop["minLength"] = int(checks["min_length"])
        if checks.get("max_length"):
            prop["maxLength"] = int(checks["max_length"])
        if checks.get("pattern"):
            prop["pattern"] = f"^(?:{checks['pattern']})$"
    return prop
