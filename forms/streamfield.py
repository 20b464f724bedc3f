"""Pure conversion between the admin's stored stream of steps and the canonical schema."""

from __future__ import annotations

import json
import uuid

from .schema import GROUP, HIDDEN, NOTE, RANGE, SELECTS, WITH_CHOICES, with_other, without_other

_PAIRS = ("label", "help")


def schema_from_stream(stream: list[dict], *, slug: str, title: dict) -> dict:
    """The canonical schema of a definition's body (its raw StreamField JSON)."""
    steps, metadata = [], {}
    for block in stream:
        value = block["value"]
        if block["type"] == "metadata":
            metadata[value.get("key", "")] = value.get("type", "")
            continue
        step = {
            "key": value.get("key", ""),
            "title": _pair(value, "title"),
            "visible_if": value.get("visible_if"),
            "fields": with_other([_field(child) for child in value.get("fields") or ()]),
        }
        steps.append(step)
    schema = {"slug": slug, "title": title, "steps": steps}
    if metadata:
        schema["metadata"] = metadata
    return schema


def _field(block: dict) -> dict:
    kind, value = block["type"], block["value"]
    spec: dict = {"key": value.get("key", ""), "kind": kind, "label": _pair(value, "label")}
    if kind == NOTE:
        spec["visible_if"] = value.get("visible_if")
        return spec
    if kind == HIDDEN:
        spec["computed"] = value.get("computed")
        if value.get("default") not in (None, ""):
            spec["default"] = _default(value["default"])
        return spec
    spec["help"] = _pair(value, "help")
    required = value.get("required", "no")
    spec["required"] = value.get("required_if") if required == "when" else required == "yes"
    for name in ("visible_if", "computed"):
        spec[name] = value.get(name)
    spec["prefill"] = value.get("prefill") or None
    if value.get("fact"):
        spec["fact"] = value["fact"]
    spec["validations"] = _validations(value.get("validations") or {}, value)
    if value.get("default") not in (None, ""):
        spec["default"] = _default(value["default"])
    for name in ("required_message", "constraint_message"):
        if any(_pair(value, name).values()):
            spec[name] = _pair(value, name)
    if kind in WITH_CHOICES:
        spec["choices"] = [_choice(choice) for choice in _items(value.get("choices"))]
    if kind in SELECTS:
        if value.get("or_other"):
            spec["or_other"] = True
        if value.get("choice_filter") is not None:
            spec["choice_filter"] = value["choice_filter"]
    if kind == RANGE:
        for name in ("start", "end", "step"):
            if value.get(name) not in (None, ""):
                spec[name] = _number_or_text(value[name])
    if kind == "decimal":
        spec["decimal_places"] = value.get("decimal_places", 2)
    if kind == GROUP:
        spec["min_rows"] = value.get("min_rows")
        spec["max_rows"] = value.get("max_rows")
        spec["fields"] = with_other([_field(child) for child in value.get("fields") or ()])
    return spec


def _choice(choice: dict) -> dict:
    out = {"value": choice["value"], "label": _pair(choice, "label")}
    columns = _columns(choice.get("columns") or "")
    if columns:
        out["columns"] = columns
    return out


def _columns(typed: str) -> dict:
    """`province=PG; zone=2` as {"province": "PG", "zone": "2"}."""
    columns = {}
    for part in str(typed).split(";"):
        name, sep, value = part.partition("=")
        if sep and name.strip():
            columns[name.strip()] = value.strip()
    return columns


def _validations(raw: dict, value: dict) -> dict:
    checks = {
        name: raw[name]
        for name in ("min", "max", "min_length", "max_length", "pattern")
        if raw.get(name) not in (None, "")
    }
    for name in ("min", "max"):  # typed as text in the admin, numbers when they are numbers
        if name in checks:
            checks[name] = _number_or_text(checks[name])
    rules = [
        {"rule": rule["rule"], "message": _pair(rule, "message")}
        for rule in _items(raw.get("rules"))
    ]
    if rules:
        checks["rules"] = rules
    if value.get("extensions"):
        checks["extensions"] = [e.strip() for e in value["extensions"].split(",") if e.strip()]
    if value.get("max_size_kb"):
        checks["max_size"] = int(value["max_size_kb"]) * 1024
    return checks


def _number_or_text(value):
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def _pair(value: dict, name: str) -> dict:
    return {"it": value.get(f"{name}_it") or "", "en": value.get(f"{name}_en") or ""}


def _items(values) -> list[dict]:
    """ListBlock values, stored either as plain values or as {"type": "item", "value": ...}."""
    return [
        item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
        for item in values or ()
    ]


def stream_from_schema(schema: dict) -> list[dict]:
    """The inverse: the raw stream a definition's body gets when a schema is imported."""
    return [
        _block(
            "step",
            {
                "key": step["key"],
                **_unpair(step.get("title"), "title"),
                "visible_if": step.get("visible_if"),
                "fields": [_field_block(spec) for spec in without_other(step.get("fields") or [])],
            },
        )
        for step in schema.get("steps") or ()
    ] + [
        _block("metadata", {"key": key, "type": type_})
        for key, type_ in (schema.get("metadata") or {}).items()
    ]


def _field_block(spec: dict) -> dict:
    kind = spec["kind"]
    value: dict = {"key": spec["key"], **_unpair(spec.get("label"), "label")}
    if kind == NOTE:
        value["visible_if"] = spec.get("visible_if")
        return _block(kind, value)
    if kind == HIDDEN:
        value["default"] = _default_text(spec.get("default"))
        value["computed"] = spec.get("computed")
        return _block(kind, value)
    required = spec.get("required", False)
    value.update(_unpair(spec.get("help"), "help"))
    value["required"] = "yes" if required is True else "no" if not required else "when"
    value["required_if"] = None if isinstance(required, bool) else required
    value["visible_if"] = spec.get("visible_if")
    value["computed"] = spec.get("computed")
    value["prefill"] = spec.get("prefill") or ""
    value["fact"] = spec.get("fact") or ""
    checks = dict(spec.get("validations") or {})
    extensions, max_size = checks.pop("extensions", None), checks.pop("max_size", None)
    rules = checks.pop("rules", [])
    value["validations"] = {
        "min": _text(checks.get("min")),
        "max": _text(checks.get("max")),
        "min_length": checks.get("min_length"),
        "max_length": checks.get("max_length"),
        "pattern": checks.get("pattern") or "",
        "rules": [
            _item({"rule": rule["rule"], **_unpair(rule.get("message"), "message")})
            for rule in rules
        ],
    }
    value["default"] = _default_text(spec.get("default"))
    for name in ("required_message", "constraint_message"):
        value.update(_unpair(spec.get(name), name))
    if kind in WITH_CHOICES:
        value["choices"] = [
            _item(
                {
                    "value": str(c["value"]),
                    **_unpair(c.get("label"), "label"),
                    "columns": "; ".join(f"{k}={v}" for k, v in (c.get("columns") or {}).items()),
                }
            )
            for c in spec.get("choices") or ()
        ]
    if kind in SELECTS:
        value["or_other"] = bool(spec.get("or_other"))
        value["choice_filter"] = spec.get("choice_filter")
    if kind == RANGE:
        for name in ("start", "end", "step"):
            value[name] = spec.get(name)
    if kind == "decimal":
        value["decimal_places"] = spec.get("decimal_places", 2)
    if kind in ("file", "image"):
        value["extensions"] = ", ".join(extensions or ())
        value["max_size_kb"] = max_size // 1024 if max_size else None
    if kind == GROUP:
        value["min_rows"] = spec.get("min_rows")
        value["max_rows"] = spec.get("max_rows")
        value["fields"] = [_field_block(child) for child in without_other(spec.get("fields") or [])]
    return _block(kind, value)


def _default(typed: str):
    """A default answer as typed in the admin: text, or JSON Logic written as a JSON object
    (`{"today": []}`), computed when the question is first shown."""
    text_ = str(typed)
    if text_.lstrip().startswith("{"):
        try:
            logic = json.loads(text_)
        except ValueError:
            return typed
        if isinstance(logic, dict) and len(logic) == 1:
            return logic
    return typed


def _default_text(value) -> str:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return _text(value)


def _text(value) -> str:
    return "" if value is None else str(value)


def _unpair(value, name: str) -> dict:
    if not isinstance(value, dict):
        value = {"it": value or "", "en": ""}
    return {f"{name}_it": value.get("it") or "", f"{name}_en": value.get("en") or ""}


def _block(kind: str, value: dict) -> dict:
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def _item(value: dict) -> dict:
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}
