"""Pure checks of a schema sent by the questionnaire designer, before anything is saved.

`refusals(schema, clean_stream)` returns a list of `{"step", "field", "message"}`: the step
and field keys the designer shows the message beside, and an Italian message naming the step
and the field by their labels. `clean_stream` is the snippet form's own check of the stream
(the StreamField's block validation, passed in so this module stays free of wagtail); the
publish checks (`forms.checks.problems`) run on the schema the stream will hold.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .checks import problems
from .schema import (
    CHOICE_SCOPE,
    GROUP,
    KINDS,
    MULTICHOICE,
    NOTE,
    OTHER,
    RANGE,
    RANK,
    SELECTS,
    WITH_CHOICES,
    Field,
    text,
)
from .streamfield import schema_from_stream, stream_from_schema
from .validation import COERCERS, Invalid


class Refused(Exception):
    def __init__(self, found: list[dict]):
        self.found = found
        super().__init__("; ".join(item["message"] for item in found))


def normalised(schema: dict) -> tuple[list[dict], dict]:
    """The stream a definition's body gets, and the schema it then holds (what is checked)."""
    stream = stream_from_schema(schema)
    return stream, schema_from_stream(stream, slug=schema.get("slug", ""), title=schema["title"])


def refusals(schema, clean_stream=None) -> list[dict]:
    """Why `schema` may not be saved (empty when it may). Never raises on odd input."""
    shape = _shape(schema)
    if shape:
        return shape
    found = _labels(schema)
    stream, saved = normalised(schema)
    settings = _settings(saved)
    # A field whose settings are refused here is named once, with what to correct, not again
    # by the generic block and publish messages about the same settings.
    precise = {(item["step"], item["field"]) for item in settings}
    later = []
    if clean_stream is not None:
        later += _block_errors(clean_stream(stream), saved)
    later += [_problem(problem, saved) for problem in problems(saved)]
    found += settings + [item for item in later if (item["step"], item["field"]) not in precise]
    return _unique(found)


def refusals_of_problems(found, schema: dict) -> list[dict]:
    """Publish refusals (`forms.checks.Problem`) in the designer's shape."""
    return _unique([_problem(problem, schema) for problem in found])


def _shape(schema) -> list[dict]:
    """The JSON's shape: lists and objects where the conversion expects them."""
    unreadable = [entry(None, None, _("The questionnaire sent cannot be read: reload the page."))]
    if not isinstance(schema, dict) or not isinstance(schema.get("title"), dict):
        return unreadable
    steps = schema.get("steps")
    if not isinstance(steps, list):
        return unreadable
    for step in steps:
        if not isinstance(step, dict) or not isinstance(step.get("fields", []), list):
            return unreadable
        if not isinstance(step.get("title"), dict | str | None):
            return unreadable
        for spec in step.get("fields", []):
            children = spec.get("fields", []) if isinstance(spec, dict) else None
            if not _field_shape(spec) or not isinstance(children, list):
                return unreadable
            if not all(_field_shape(child) for child in children):
                return unreadable
    return []


def _field_shape(spec) -> bool:
    if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
        return False
    if not isinstance(spec.get("key", ""), str):
        return False
    choices = spec.get("choices", [])
    if not isinstance(choices, list) or not all(
        isinstance(c, dict) and isinstance(c.get("value", ""), str | int) for c in choices
    ):
        return False
    if not all(isinstance(spec.get(name), dict | str | None) for name in ("label", "help")):
        return False
    checks = spec.get("validations") or {}
    if not isinstance(checks, dict) or not isinstance(checks.get("rules") or [], list):
        return False
    if not all(isinstance(rule, dict) for rule in checks.get("rules") or ()):
        return False
    extensions = checks.get("extensions") or []
    if not isinstance(extensions, list) or not all(isinstance(e, str) for e in extensions):
        return False
    if not isinstance(checks.get("max_size") or 0, int):
        return False
    for name in ("min_rows", "max_rows", "min_length", "max_length", "decimal_places"):
        if spec.get(name) is not None and not isinstance(spec.get(name), int):
            return False
    return True


def _labels(schema: dict) -> list[dict]:
    """What the snippet form requires and the publish checks do not: labels and choices."""
    found = []
    for step in schema["steps"]:
        if not text(step.get("title")).strip():
            found.append(entry(step, None, _("The step needs a title.")))
        for spec in _all_fields(step):
            if not text(spec.get("label")).strip():
                message = _("The text to show is empty.") if spec["kind"] == NOTE else None
                found.append(entry(step, spec, message or _("The field needs a label.")))
            if spec["kind"] in WITH_CHOICES:
                values = [str(choice.get("value", "")).strip() for choice in spec["choices"]]
                labels = [text(choice.get("label")).strip() for choice in spec["choices"]]
                if "" in values or "" in labels:
                    found.append(entry(step, spec, _("Every choice needs a text.")))
                elif len(set(values)) < len(values):
                    found.append(entry(step, spec, _("Two choices have the same value.")))
    return found


def _settings(schema: dict) -> list[dict]:
    """What the designer's side panel sets and must make sense before it is saved: a range's
    numbers, each validation rule's condition and message, the answer each choice of a
    cascading select goes with, and the default answer."""
    top = {spec.get("key"): spec for step in schema["steps"] for spec in step["fields"]}
    found = []
    for step in schema["steps"]:
        for spec in _all_fields(step):
            for message in _field_settings(spec, step, top):
                found.append(entry(step, spec, message))
    return found


def _field_settings(spec: dict, step: dict, top: dict):
    if spec.get("kind") == RANGE:
        yield from _range_settings(spec)
    for index, rule in enumerate((spec.get("validations") or {}).get("rules") or (), start=1):
        if rule.get("rule") in (None, "", {}, []):
            yield _("Validation rule %(n)s has no condition: build it or remove the rule.") % {
                "n": index
            }
        if not text(rule.get("message")).strip():
            yield _("Validation rule %(n)s needs a message to show when it does not hold.") % {
                "n": index
            }
    if spec.get("or_other") and spec.get("choice_filter") is not None:
        # as pyxform: the choice "other" has no columns, so a filter would never offer it
        yield _("“Other” cannot be offered when the choices depend on another answer.")
    parent = cascade_parent(spec)
    if parent is not None and parent in top:
        for choice in spec.get("choices") or ():
            if spec.get("or_other") and str(choice.get("value")) == OTHER:
                continue  # added by `or_other`, named above
            if str((choice.get("columns") or {}).get(parent, "")).strip() == "":
                yield _(
                    "The choice “%(choice)s” is never offered: pick the answer to “%(field)s” "
                    "it goes with."
                ) % {
                    "choice": text(choice.get("label")) or choice.get("value"),
                    "field": text(top[parent].get("label")) or parent,
                }
    message = _default_problem(spec, step)
    if message:
        yield message


def _range_settings(spec: dict):
    try:
        start, end = float(spec["start"]), float(spec["end"])
    except (KeyError, TypeError, ValueError):
        yield _("Enter the start and the end of the range as numbers.")
        return
    if start == end:  # a descending range is ODK's too: only an empty one is refused
        yield _("The start and the end of the range must differ.")
    try:
        step = float(spec.get("step") if spec.get("step") not in (None, "") else 1)
    except (TypeError, ValueError):
        step = 0
    if not step > 0:
        yield _("The increment of the range must be a number greater than zero.")


def cascade_parent(spec: dict) -> str | None:
    """The field a select's choices depend on, when its filter is the designer's (and
    XLSForm's) plain cascade `{"==": [{"var": "choice.P"}, {"var": "P"}]}`; else None."""
    rule = spec.get("choice_filter") if spec.get("kind") in SELECTS else None
    if not isinstance(rule, dict) or list(rule) != ["=="] or not isinstance(rule["=="], list):
        return None
    if len(rule["=="]) != 2 or not all(isinstance(x, dict) for x in rule["=="]):
        return None
    column, answer = (side.get("var") for side in rule["=="])
    if not isinstance(column, str) or not isinstance(answer, str):
        return None
    prefix = CHOICE_SCOPE + "."
    if column != prefix + answer:
        return None
    return answer


def _default_problem(spec: dict, step: dict) -> str | None:
    """Why the default answer is not an answer the field accepts (None when it is)."""
    raw = spec.get("default")
    kind = spec.get("kind")
    if raw in (None, "") or isinstance(raw, dict) or kind not in COERCERS:
        return None  # none, or JSON Logic computed when the question is first shown
    if kind in (MULTICHOICE, RANK) and isinstance(raw, str):
        raw = raw.split()
    try:
        COERCERS[kind](Field(spec.get("key", ""), kind, spec, step.get("key", "")), raw)
    except Invalid as error:
        return _("The default answer is not valid: %s") % error
    return None


def _block_errors(error, schema: dict) -> list[dict]:
    """The snippet form's block errors (a StreamBlockValidationError or None), by step/field."""
    if error is None:
        return []
    found = []
    steps = schema["steps"]
    for step_index, step_error in _children(error).items():
        step = steps[int(step_index)] if int(step_index) < len(steps) else None
        fields_error = _children(step_error).get("fields")
        if fields_error is None:
            found.append(entry(step, None, _messages(step_error)))
            continue
        for field_index, field_error in _children(fields_error).items():
            fields = step["fields"] if step else []
            spec = fields[int(field_index)] if int(field_index) < len(fields) else None
            for name, child in (_children(field_error) or {"": field_error}).items():
                if name == "fields" and spec is not None:  # a group's own fields
                    for row_index, row_error in _children(child).items():
                        row = spec["fields"][int(row_index)]
                        found.append(entry(step, row, _messages(row_error)))
                else:
                    found.append(entry(step, spec, _messages(child)))
    return found


def _children(error) -> dict:
    children = getattr(error, "block_errors", None)
    if isinstance(children, list):
        return {index: child for index, child in enumerate(children) if child is not None}
    return dict(children or {})


def _messages(error) -> str:
    nested = _children(error)
    if nested:
        return "; ".join(_messages(child) for child in nested.values())
    return "; ".join(str(message) for message in getattr(error, "messages", [str(error)]))


def _problem(problem, schema: dict) -> dict:
    """Place a `Problem` (path `step.field[.attribute]` or `group.field`) on its step/field."""
    head, _dot, rest = problem.path.partition(".")
    key = rest.partition(".")[0]
    for step in schema.get("steps") or ():
        for spec in step.get("fields") or ():
            if spec.get("kind") == GROUP and spec.get("key") == head:
                for child in spec.get("fields") or ():
                    if child.get("key") == key:
                        return entry(step, child, problem.message, problem.path)
        if step.get("key") != head:
            continue
        # The last field with the key: a key used twice is reported on its second use.
        matches = [spec for spec in _all_fields(step) if key and spec.get("key") == key]
        return entry(step, matches[-1] if matches else None, problem.message, problem.path)
    return entry(None, None, problem.message, problem.path)


def _all_fields(step: dict):
    for spec in step.get("fields") or ():
        yield spec
        if spec.get("kind") == GROUP:
            yield from spec.get("fields") or ()


def entry(step, spec, message: str, path: str = "") -> dict:
    where = []
    if step is not None:
        where.append(_("step “%s”") % _short(text(step.get("title")) or step.get("key")))
    if spec is not None:
        where.append(_("field “%s”") % _short(text(spec.get("label")) or spec.get("key")))
    if not where and path:
        where.append(path)
    return {
        "step": step.get("key") if step else None,
        "field": spec.get("key") if spec else None,
        "message": f"{', '.join(where)}: {message}" if where else message,
    }


def _short(name) -> str:
    name = str(name or "?")
    return name if len(name) <= 60 else name[:59] + "…"


def _unique(found: list[dict]) -> list[dict]:
    seen, kept = set(), []
    for item in found:
        marker = (item["step"], item["field"], item["message"])
        if marker not in seen:
            seen.add(marker)
            kept.append(item)
    return kept
