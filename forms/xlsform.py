"""Import an XLSForm (the ODK / KoboToolbox spreadsheet standard) as a canonical form schema.

`schema_from_xlsform(file)` reads the `survey`, `choices` and `settings` sheets of an .xlsx
workbook (through pyxform's reader, which returns each sheet as row dicts in sheet order) and
returns the schema described in docs/forms.md. Every problem found is collected and raised
together as one `XLSFormError` whose messages name the sheet and row.

Mapping:

- top-level `begin group` ... `end group` is a step (its `relevant` the step's `visible_if`);
  questions outside any group form a step named after the form; a group nested in a step (or
  in a repeat) adds no level: its `relevant` is and-ed into the `visible_if` of its questions;
- `begin repeat` ... `end repeat` is a `group` field whose `fields` are the repeat's questions
  (a literal `repeat_count` is its `max_rows`); repeats inside repeats are refused;
- columns `label`, `hint`, `constraint_message` may be per language (`label::Italian (it)`,
  `label::English (en)`, `label::it`); a plain column fills the languages not given;
- `relevant`, `required`, `constraint` and `calculation` are translated by `forms.xpath`;
- `siso::` columns (written by `forms.xlsform_export`, ignored by pyxform and ODK) keep what
  XLSForm cannot say: `siso::kind` (tax code, email...), the exact JSON of a rule ODK computes
  differently (`siso::visible_if`, `siso::required`, `siso::computed`, `siso::choice_filter`,
  `siso::validations`, read instead of their XPath column) and `siso::extra` (prefill, fact...).
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from pyxform.errors import PyXFormError
from pyxform.utils import default_is_dynamic
from pyxform.xls2json_backends import xlsx_to_dict

from .schema import KEY_PATTERN, KINDS, SELECTS, with_other
from .xpath import (
    FieldRef,
    XPathError,
    choice_filter_to_json_logic,
    constraint_to_validation,
    to_json_logic,
)

LANGUAGES = ("it", "en")
LANGUAGE_NAMES = {
    "it": "it",
    "italian": "it",
    "italiano": "it",
    "en": "en",
    "english": "en",
    "inglese": "en",
}
COLUMN_ALIASES = {
    "caption": "label",
    "relevance": "relevant",
    "constraining_message": "constraint_message",
    "calculate": "calculation",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "value": "name",
    "list_name": "list_name",
    "set_form_id": "form_id",
    "id_string": "form_id",
    "set_form_title": "form_title",
}
SIMPLE_TYPES = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "datetime-local": "datetime",
    "geopoint": "geopoint",
    "image": "image",
    "photo": "image",
    "file": "file",
    "range": "range",
    "hidden": "hidden",
    "note": "note",
    "acknowledge": "boolean",
    "trigger": "boolean",
    "calculate": "decimal",
}
SELECT_TYPES = {
    "select_one": "choice",
    "select one": "choice",
    "select1": "choice",
    "select_multiple": "multichoice",
    "select multiple": "multichoice",
    "select all that apply": "multichoice",
    "rank": "rank",
    "odk:rank": "rank",
}
# Metadata the phone records by itself; there is no question to ask. The platform records
# the times (forms.submitting.metadata); the others describe a phone and are skipped.
RECORDED_METADATA = ("start", "end", "today")
METADATA_TYPES = frozenset(
    "start end today deviceid subscriberid simserial phonenumber username email audit "
    "start-geopoint background-geopoint".split()
)
# Choices-sheet columns that are not the choice's own data (a choice_filter reads the rest).
CHOICE_BASICS = frozenset({"list_name", "name", "label", "image", "audio", "video", "media"})
YES = frozenset({"yes", "true", "true()", "1"})
NO = frozenset({"no", "false", "false()", "0"})
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
TOO_MANY_ROWS = {
    "it": "Ci sono più righe del numero indicato.",
    "en": "There are more rows than the number given.",
}
# siso:: column -> the XPath column it replaces (see forms.xlsform_export).
SISO = "siso::"
SISO_OVERRIDES = {
    "visible_if": "relevant",
    "required": "required",
    "computed": "calculation",
    "choice_filter": "choice_filter",
    "validations": "constraint",
    "default": "default",
}
# pyxform's type names for the kinds whose literal defaults may hold a "-" (see
# pyxform.utils.default_is_dynamic): a date is a value, not a subtraction.
PYXFORM_TYPES = {"date": "date", "datetime": "dateTime", "geopoint": "geopoint"}
SHEETS = ("settings", "choices", "survey")  # the order problems are listed in
FIRST_ROW = 2  # sheet row number of the first data row (row 1 holds the headers)


class XLSFormError(ValueError):
    """The workbook cannot be imported; `problems` lists every problem, one per row."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class Row:
    sheet: str
    number: int
    cells: dict  # (column, language or None) -> text

    def get(self, column: str, default: str = "") -> str:
        return self.cells.get((column, None), default)

    def text(self, column: str) -> dict[str, str]:
        """`{"it": ..., "en": ...}` from `column::<language>` cells, the plain column filling
        a missing language, then the other language."""
        plain = self.cells.get((column, None), "")
        given = {lang: self.cells.get((column, lang), "") for lang in LANGUAGES}
        return {
            lang: given[lang] or plain or next((v for v in given.values() if v), "")
            for lang in LANGUAGES
        }

    def where(self, column: str | None = None) -> str:
        """Where the row is, for a problem: sheet and row number, the survey row's name, the
        column. Sheet and column names are the workbook's own (not translated)."""
        name = self.get("name") if self.sheet == "survey" else ""
        values = {"sheet": self.sheet, "row": self.number, "name": name, "column": column}
        if name and column:
            # Translators: where a problem is in an XLSForm workbook; keep sheet and column.
            return _("%(sheet)s row %(row)s (%(name)s), %(column)s") % values
        if name:
            # Translators: where a problem is in an XLSForm workbook; keep the sheet.
            return _("%(sheet)s row %(row)s (%(name)s)") % values
        if column:
            # Translators: where a problem is in an XLSForm workbook; keep sheet and column.
            return _("%(sheet)s row %(row)s, %(column)s") % values
        # Translators: where a problem is in an XLSForm workbook; keep the sheet.
        return _("%(sheet)s row %(row)s") % values


@dataclass
class Pending:
    """An expression to translate once every field name is known."""

    row: Row
    column: str
    expression: str
    current: str | None
    group: str | None


@dataclass
class Context:
    """An open `begin group` / `begin repeat`."""

    kind: str  # "step", "group" (nested, flattened), "repeat" or "skipped" (a refused repeat)
    row: Row
    conditions: list[Pending] = field(default_factory=list)  # inherited relevant
    spec: dict | None = None  # the step, or the repeat's group field


class Importer:
    def __init__(self, book: dict, fallback_id: str | None = None):
        self.book = book
        self.fallback_id = fallback_id
        self.problems: list[tuple[int, int, str]] = []  # (sheet, row, message), sorted later
        self.notes: list[str] = []  # what was imported differently, for the import report
        self.metadata: dict[str, str] = {}  # key -> start / end / today
        self.choice_columns: dict[str, frozenset[str]] = {}  # list name -> its extra columns
        self.steps: list[dict] = []
        self.fields: dict[str, FieldRef] = {}
        self.rows_of: dict[str, Row] = {}  # name -> the row that defined it
        self.jobs: list[tuple[dict, str, Any]] = []  # (spec, attribute, how to fill it)
        self.overrides: list[tuple[dict, Row]] = []  # specs with siso:: columns to apply
        self.form_extra: dict = {}

    def problem(self, row: Row | None, message: str, column: str | None = None) -> None:
        if row is None:
            self.problems.append((-1, 0, message))
        else:
            sheet = SHEETS.index(row.sheet) if row.sheet in SHEETS else len(SHEETS)
            # Translators: a problem in an XLSForm workbook, after where it is.
            line = _("%(where)s: %(problem)s") % {"where": row.where(column), "problem": message}
            self.problems.append((sheet, row.number, line))

    # sheets

    def sheet(self, name: str) -> list[Row]:
        rows = []
        for index, raw in enumerate(self.book.get(name) or ()):
            cells = {}
            for header, value in raw.items():
                column, language = split_header(header)
                if column and language is not False:
                    cells[(column, language)] = str(value).strip()
            if any(cells.values()):
                rows.append(Row(name, index + FIRST_ROW, cells))
        return rows

    def run(self) -> dict:
        if "survey" not in self.book:
            raise XLSFormError([_("The workbook has no “survey” sheet.")])
        slug, title = self.settings()
        choices = self.choices()
        self.survey(self.sheet("survey"), choices, title)
        self.translate()
        self.apply_overrides()
        self.name_loose_steps(slug, title)
        if not self.steps and not self.problems:
            self.problem(None, _("survey: the form has no questions."))
        if self.problems:
            ordered = sorted(self.problems, key=lambda problem: problem[:2])
            raise XLSFormError([message for *_where, message in ordered])
        for step in self.steps:
            step["fields"] = with_other(step["fields"])
            for spec in step["fields"]:
                if spec.get("fields"):
                    spec["fields"] = with_other(spec["fields"])
        schema = {"slug": slug, "title": title, "steps": self.steps}
        if self.metadata:
            schema["metadata"] = self.metadata
        return {**schema, **self.form_extra}

    def settings(self) -> tuple[str, dict]:
        rows = self.sheet("settings")
        row = rows[0] if rows else None
        form_id = (row.get("form_id") if row else "") or self.fallback_id or ""
        slug = form_id.strip().lower()
        if not slug:
            self.problem(None, _("settings: form_id is missing (it becomes the form's slug)."))
        elif not SLUG_PATTERN.match(slug):
            where = row if row and row.get("form_id") else None
            self.problem(
                where,
                _("form_id %(form_id)s is not a valid slug: use letters, digits, _ and -.")
                % {"form_id": repr(form_id)},
                "form_id",
            )
        if row and row.get(SISO + "extra"):
            extra = self.siso_json(row, "extra")
            self.form_extra = extra if isinstance(extra, dict) else {}
        title = row.text("form_title") if row else {lang: "" for lang in LANGUAGES}
        if not any(title.values()):
            title = {lang: form_id for lang in LANGUAGES}
        return slug, title

    def choices(self) -> dict[str, list[dict]]:
        lists: dict[str, list[dict]] = {}
        seen: dict[tuple[str, str], int] = {}
        for row in self.sheet("choices"):
            list_name, value = row.get("list_name"), row.get("name")
            if not list_name or not value:
                missing = "list_name" if not list_name else "name"
                self.problem(row, _("%(column)s is missing.") % {"column": missing})
                continue
            if (list_name, value) in seen:
                first = seen[(list_name, value)]
                self.problem(
                    row,
                    _("choice %(choice)s is already in list %(list)s (row %(row)s).")
                    % {"choice": repr(value), "list": repr(list_name), "row": first},
                )
                continue
            seen[(list_name, value)] = row.number
            label = row.text("label")
            if not any(label.values()):
                label = {lang: value for lang in LANGUAGES}
            choice = {"value": value, "label": label}
            columns = {
                column: text
                for (column, language), text in row.cells.items()
                if language is None and column not in CHOICE_BASICS and text
            }
            if columns:
                choice["columns"] = columns
            self.choice_columns[list_name] = self.choice_columns.get(
                list_name, frozenset()
            ) | frozenset(columns)
            lists.setdefault(list_name, []).append(choice)
        return lists

    # survey

    def survey(self, rows: list[Row], choices: dict[str, list[dict]], title: dict) -> None:
        stack: list[Context] = []
        loose: dict | None = None  # the step collecting questions outside any group
        for row in rows:
            for attribute, column in SISO_OVERRIDES.items():
                if row.get(SISO + attribute):  # the exact rule wins over ODK's approximation
                    row.cells[(column, None)] = ""
            type_ = " ".join(row.get("type").split())
            word = type_.lower()
            if not word:
                self.problem(row, _("type is missing."), "type")
            elif word in ("begin group", "begin_group"):
                stack.append(self.begin_group(row, stack))
                if stack[-1].spec is not None:
                    self.overrides.append((stack[-1].spec, row))
            elif word in ("begin repeat", "begin_repeat"):
                if any(context.kind == "repeat" for context in stack):
                    self.problem(
                        row,
                        _("type %(type)s: repeats inside repeats are not supported.")
                        % {"type": repr(type_)},
                    )
                    stack.append(Context("skipped", row))  # still closed by its `end repeat`
                    continue
                context = self.begin_repeat(row, stack)
                self.overrides.append((context.spec, row))
                if context.kind == "repeat" and not stack:
                    loose = self.loose_step(loose)
                    loose["fields"].append(context.spec)
                stack.append(context)
            elif word in ("end group", "end_group", "end repeat", "end_repeat"):
                closed = self.end(row, word.replace("_", " ").split()[1], stack)
                if closed is not None and closed.kind == "step":
                    loose = None  # questions after a group start a new step
            elif word in METADATA_TYPES or word.startswith("uri:"):
                self.metadata_row(row, word)
            else:
                spec = self.question(row, type_, choices, stack)
                if spec is None:
                    continue
                self.overrides.append((spec, row))
                repeat = self.repeat_of(stack)
                if repeat is not None:
                    repeat.spec["fields"].append(spec)
                elif stack:
                    stack[0].spec["fields"].append(spec)
                else:
                    loose = self.loose_step(loose)
                    loose["fields"].append(spec)
        for context in reversed(stack):
            kind = "repeat" if context.kind in ("repeat", "skipped") else "group"
            # Translators: "begin group", "end repeat"... are XLSForm types: keep them.
            message = _("%(begin)s has no matching %(end)s.")
            self.problem(
                context.row, message % {"begin": f"begin {kind}", "end": f"end {kind}"}, "type"
            )

    @staticmethod
    def repeat_of(stack: list[Context]) -> Context | None:
        return next((context for context in stack if context.kind == "repeat"), None)

    def loose_step(self, step: dict | None) -> dict:
        if step is None:
            step = {"key": "", "title": {}, "visible_if": None, "fields": []}
            self.steps.append(step)
        return step

    def name_loose_steps(self, slug: str, title: dict) -> None:
        """Questions outside any group form a step named after the form (`<form>_2`, ... if
        there are several)."""
        taken = {step["key"] for step in self.steps if step["key"]}
        base = re.sub(r"[^a-z0-9_]+", "_", slug).strip("_") or "form"
        if not base[0].isalpha():
            base = f"form_{base}"
        counter = 1
        for step in self.steps:
            if step["key"]:
                continue
            key = base if counter == 1 else f"{base}_{counter}"
            while key in taken:
                counter += 1
                key = f"{base}_{counter}"
            taken.add(key)
            counter += 1
            step["key"], step["title"] = key, dict(title)

    def metadata_row(self, row: Row, word: str) -> None:
        """start / end / today are recorded with each submission; the others describe the
        phone, which a web form has not: they are left out, and the report says so."""
        if word in RECORDED_METADATA:
            name = self.name(row) if row.get("name") else word
            if name is not None:
                self.metadata[name] = word
                return
        # Translators: an XLSForm metadata row left out; keep the type as written.
        message = _("%(where)s: the metadata %(type)s is not recorded by the platform.")
        self.notes.append(message % {"where": row.where(), "type": repr(word)})

    def name(self, row: Row) -> str | None:
        """The row's key: its `name` as written (ODK names are case-sensitive); refused when
        invalid or already used."""
        raw = row.get("name")
        if not raw:
            self.problem(row, _("name is missing."), "name")
            return None
        name = raw
        if not KEY_PATTERN.match(name):
            self.problem(
                row,
                _("name %(name)s is not valid: use letters, digits and _, starting with a letter.")
                % {"name": repr(raw)},
                "name",
            )
            return None
        if name in self.rows_of:
            first = self.rows_of[name]
            self.problem(
                row,
                _("name %(name)s is already used in %(sheet)s row %(row)s.")
                % {"name": repr(raw), "sheet": first.sheet, "row": first.number},
            )
            return None
        self.rows_of[name] = row
        return name

    def inherited(self, stack: list[Context]) -> list[Pending]:
        """Conditions of the nested groups a question sits in (below its step or repeat)."""
        conditions = []
        for context in stack:
            if context.kind in ("step", "repeat"):
                conditions = []
            else:
                conditions.extend(context.conditions)
        return conditions

    def pending(self, row: Row, column: str, current: str | None, stack) -> Pending | None:
        expression = row.get(column)
        if not expression:
            return None
        repeat = self.repeat_of(stack)
        group = repeat.spec["key"] if repeat is not None and repeat.spec else None
        return Pending(row, column, expression, current, group)

    def begin_group(self, row: Row, stack: list[Context]) -> Context:
        name = self.name(row)
        relevant = self.pending(row, "relevant", None, stack)
        if stack:  # nested: flattened into the step (or repeat)
            return Context("group", row, [relevant] if relevant else [])
        label = row.text("label")
        step = {
            "key": name or "",
            "title": label
            if any(label.values())
            else {lang: row.get("name") for lang in LANGUAGES},
            "visible_if": None,
            "fields": [],
        }
        if name is None:  # keep going to find more problems, under a placeholder key
            step["key"] = f"row_{row.number}"
        self.steps.append(step)
        if relevant:
            self.jobs.append((step, "visible_if", [relevant]))
        return Context("step", row, spec=step)

    def begin_repeat(self, row: Row, stack: list[Context]) -> Context:
        name = self.name(row) or f"row_{row.number}"
        self.fields[name] = FieldRef(None, "group")
        spec = self.base_spec(name, "group", row)
        spec["fields"] = []
        count = row.get("repeat_count")
        if re.fullmatch(r"\d+", count):
            spec["max_rows"] = int(count)
        elif count:  # a number given by an answer: at most that many rows
            self.jobs.append((spec, "max_rows", self.pending(row, "repeat_count", None, stack)))
        conditions = self.inherited(stack)
        relevant = self.pending(row, "relevant", None, stack)
        if conditions or relevant:
            self.jobs.append((spec, "visible_if", [*conditions, *([relevant] if relevant else [])]))
        if stack:
            stack[0].spec["fields"].append(spec)
        return Context("repeat", row, spec=spec)

    def end(self, row: Row, kind: str, stack: list[Context]) -> Context | None:
        if not stack:
            # Translators: "begin group", "end repeat"... are XLSForm types: keep them.
            message = _("%(end)s without a %(begin)s.")
            self.problem(row, message % {"end": f"end {kind}", "begin": f"begin {kind}"}, "type")
            return None
        context = stack.pop()
        opened = "repeat" if context.kind in ("repeat", "skipped") else "group"
        if opened != kind:
            # Translators: "begin group", "end repeat"... are XLSForm types: keep them.
            message = _("%(end)s closes the %(begin)s of row %(row)s.")
            values = {"end": f"end {kind}", "begin": f"begin {opened}", "row": context.row.number}
            self.problem(row, message % values, "type")
        if context.spec is not None and not context.spec["fields"]:
            if opened == "repeat":
                self.problem(context.row, _("the repeat has no questions."))
            else:
                self.problem(context.row, _("the group has no questions."))
        return context

    def base_spec(self, key: str, kind: str, row: Row) -> dict:
        label = row.text("label")
        if not any(label.values()):
            label = {lang: row.get("name") for lang in LANGUAGES}
        return {
            "key": key,
            "kind": kind,
            "label": label,
            "help": row.text("hint"),
            "required": False,
            "visible_if": None,
            "validations": {"rules": []},
            "computed": None,
            "prefill": None,
        }

    def question(self, row, type_: str, choices, stack: list[Context]) -> dict | None:
        type_, or_other = self.or_other(type_)
        kind, list_name = self.kind(row, type_, choices)
        if kind is not None and row.get(SISO + "kind"):
            if row.get(SISO + "kind") in KINDS:
                kind = row.get(SISO + "kind")
            else:
                message = _("%(kind)s is not a kind of question.") % {
                    "kind": repr(row.get(SISO + "kind"))
                }
                self.problem(row, message, SISO + "kind")
        name = self.name(row)
        if kind is None or name is None:
            return None
        repeat = self.repeat_of(stack)
        self.fields[name] = FieldRef(repeat.spec["key"] if repeat else None, kind)
        if or_other:
            if kind not in SELECTS:
                self.problem(row, _("or_other goes with select_one and select_multiple."), "type")
            else:  # its text box, named as ODK names it
                self.fields[f"{name}_other"] = FieldRef(self.fields[name].group, "text")
        if kind == "text" and "multiline" in row.get("appearance").lower().split():
            kind = "textarea"
        spec = self.base_spec(name, kind, row)
        self.extras(row, spec, stack)
        if or_other and kind in SELECTS:
            spec["or_other"] = True
        if list_name is not None:
            spec["choices"] = [
                {key: dict(value) for key, value in choice.items() if key != "value"}
                | {"value": choice["value"]}
                for choice in choices[list_name]
            ]
        if kind == "range" and not self.range_parameters(row, spec):
            return None
        if kind == "hidden":  # a constant: only its value is kept
            keep = ("key", "kind", "label", "computed", "default")
            for key in [key for key in spec if key not in keep]:  # in place: a job fills it
                del spec[key]
            return spec
        if row.get("choice_filter"):
            if kind not in SELECTS or list_name is None:
                self.problem(row, _("only a select may have a choice_filter."), "choice_filter")
            else:
                job = self.pending(row, "choice_filter", name, stack)
                self.jobs.append((spec, "choice_filter", (job, self.choice_columns[list_name])))
        conditions = self.inherited(stack)
        relevant = self.pending(row, "relevant", name, stack)
        if conditions or relevant:
            self.jobs.append((spec, "visible_if", [*conditions, *([relevant] if relevant else [])]))
        if row.get("calculation"):
            self.jobs.append((spec, "computed", self.pending(row, "calculation", name, stack)))
        elif type_.lower() == "calculate" and not row.get(SISO + "computed"):
            self.problem(row, _("a calculate needs a calculation."), "calculation")
        if type_.lower() in ("note", "calculate"):
            return spec  # nothing is typed in: no requirement, no constraint
        required = row.get("required")
        if required.lower() in YES:
            spec["required"] = True
        elif required and required.lower() not in NO:
            self.jobs.append((spec, "required", self.pending(row, "required", name, stack)))
        if row.get("constraint"):
            job = self.pending(row, "constraint", name, stack)
            self.jobs.append((spec, "constraint", (job, row.text("constraint_message"))))
        return spec

    @staticmethod
    def or_other(type_: str) -> tuple[str, bool]:
        words = type_.split()
        if len(words) > 2 and words[-1].lower() == "or_other":
            return " ".join(words[:-1]), True
        return type_, False

    def extras(self, row: Row, spec: dict, stack: list[Context]) -> None:
        """`default`, `required_message` and `constraint_message`, kept when given.

        A default pyxform deems dynamic (`today()`, `now()`, `${other}`, an expression: see
        https://xlsform.org/en/#default and https://docs.getodk.org/form-logic/#default-values)
        is not a value: it becomes JSON Logic computed when the question is first shown, or,
        when it cannot be translated, is left out with a note in the import report."""
        default = row.get("default")
        if default and default_is_dynamic(default, PYXFORM_TYPES.get(spec["kind"])):
            job = self.pending(row, "default", spec["key"], stack)
            self.jobs.append((spec, "dynamic_default", job))
        elif default:
            spec["default"] = default
        for column in ("required_message", "constraint_message"):
            message = row.text(column)
            if any(message.values()):
                spec[column] = message

    def range_parameters(self, row: Row, spec: dict) -> bool:
        """`parameters` of a range: `start=1 end=10 step=1` (defaults 0, 10, 1 as in ODK)."""
        values = {"start": 0, "end": 10, "step": 1}
        for part in row.get("parameters").replace(";", " ").replace(",", " ").split():
            name, _sep, number = part.partition("=")
            name = name.strip().lower()
            try:
                value = float(number)
            except ValueError:
                value = None
            if name not in values or value is None:
                message = _("parameters: %(part)s is not start=, end= or step= with a number.")
                self.problem(row, message % {"part": repr(part)}, "parameters")
                return False
            values[name] = int(value) if value.is_integer() else value
        if values["start"] == values["end"] or values["step"] <= 0:
            message = _("a range needs a start different from its end, and a step above zero.")
            self.problem(row, message, "parameters")
            return False
        spec.update(values)
        return True

    def kind(self, row: Row, type_: str, choices) -> tuple[str | None, str | None]:
        word = type_.lower()
        if word in SIMPLE_TYPES:
            return SIMPLE_TYPES[word], None
        for prefix, kind in SELECT_TYPES.items():
            if word.startswith(prefix + " "):
                rest = type_[len(prefix) + 1 :].split()
                if len(rest) == 2 and rest[0].lower() == "from":  # pyxform's `select one from X`
                    rest = rest[1:]
                if len(rest) == 1:
                    if rest[0] not in choices:
                        self.problem(
                            row,
                            _("type %(type)s: the choices sheet has no list %(list)s.")
                            % {"type": repr(type_), "list": repr(rest[0])},
                        )
                        return None, None
                    return kind, rest[0]
                break
        self.problem(row, _("type %(type)s is not supported.") % {"type": repr(type_)}, "type")
        return None, None

    # siso:: columns

    def siso_json(self, row: Row, attribute: str):
        try:
            return json.loads(row.get(SISO + attribute))
        except ValueError as error:
            message = _("the column is not valid JSON: %(error)s") % {"error": error}
            self.problem(row, message, SISO + attribute)
            return None

    def apply_overrides(self) -> None:
        """What the siso:: columns say, over what the XPath columns gave."""
        for spec, row in self.overrides:
            for attribute in SISO_OVERRIDES:
                if row.get(SISO + attribute):
                    spec[attribute] = self.siso_json(row, attribute)
            if row.get(SISO + "extra"):
                extra = self.siso_json(row, "extra")
                if isinstance(extra, dict):
                    spec.update(extra)
                elif extra is not None:
                    self.problem(row, _("the column must hold a JSON object."), SISO + "extra")

    # expressions

    def expression(self, job: Pending, mode: str = "logic", columns=frozenset(), skip=False):
        """The JSON Logic of `job`, or None after recording why: a problem of the workbook, or
        (`skip`) a note of the import report, when the form can do without it."""
        try:
            if mode == "choices":
                return choice_filter_to_json_logic(
                    job.expression,
                    columns=columns,
                    fields=self.fields,
                    current=job.current,
                    group=job.group,
                )
            if mode == "constraint":
                return constraint_to_validation(
                    job.expression, fields=self.fields, current=job.current, group=job.group
                )
            return to_json_logic(
                job.expression, fields=self.fields, current=job.current, group=job.group
            )
        except XPathError as error:
            if skip:
                # Translators: an XLSForm default the import leaves out (ODK computes it when
                # the form opens); then why. Keep "default" as written (a column's name).
                note = _("%(where)s: the default %(expression)s is left out: %(error)s.")
                values = {"where": job.row.where(job.column), "expression": repr(job.expression)}
                self.notes.append(note % {**values, "error": error})
                return None
            # Translators: an expression's problem (see forms/xpath.py), then the expression.
            message = _("%(error)s in %(expression)s.")
            self.problem(
                job.row, message % {"error": error, "expression": repr(job.expression)}, job.column
            )
            return None

    def translate(self) -> None:
        for spec, attribute, how in self.jobs:
            if attribute == "visible_if":
                parts = [self.expression(job) for job in how]
                if any(part is None for part in parts):
                    continue
                spec["visible_if"] = parts[0] if len(parts) == 1 else {"and": parts}
            elif attribute == "constraint":
                job, message = how
                result = self.expression(job, "constraint")
                if result is None:
                    continue
                if "pattern" in result:
                    spec["validations"]["pattern"] = result["pattern"]
                else:
                    spec["validations"]["rules"].append(
                        {"rule": result["rule"], "message": message}
                    )
            elif attribute == "choice_filter":
                job, columns = how
                result = self.expression(job, "choices", columns | {"name"})
                if result is not None:
                    spec["choice_filter"] = result
            elif attribute == "dynamic_default":
                result = self.expression(how, skip=True)
                if result is not None:
                    spec["default"] = result  # JSON Logic: a value computed, not a text
            elif attribute == "max_rows":
                result = self.expression(how)
                if result is not None:
                    rows = {"reduce": [{"var": spec["key"]}, {"+": [{"var": "accumulator"}, 1]}, 0]}
                    rule = {"<=": [rows, result]}
                    spec["validations"]["rules"].append({"rule": rule, "message": TOO_MANY_ROWS})
            else:
                result = self.expression(how)
                if result is not None:
                    spec[attribute] = result


def split_header(header: str) -> tuple[str, str | bool | None]:
    """(column, language) of a header: `label::English (en)` -> ("label", "en"); language is
    None for a plain column and False for a language other than Italian and English."""
    column, sep, language = str(header).partition("::")
    column = column.strip().lower().replace(" ", "_")
    if column == "siso" and sep:  # the platform's own columns: not a language
        return f"{SISO}{language.strip().lower()}", None
    column = COLUMN_ALIASES.get(column, column)
    if not sep:
        return column, None
    code = re.search(r"\(\s*([A-Za-z_-]+)\s*\)\s*$", language)
    name = (code.group(1) if code else language).strip().lower()
    return column, LANGUAGE_NAMES.get(name, LANGUAGE_NAMES.get(name.split("-")[0], False))


def read_workbook(file: str | os.PathLike | BinaryIO) -> tuple[dict, str | None]:
    """The workbook's sheets as row dicts (pyxform's reader) and the file name's stem."""
    stem = None
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        stem = path.stem
        data = io.BytesIO(path.read_bytes())
    else:
        content = file.read()
        data = io.BytesIO(content if isinstance(content, bytes) else content.encode())
    try:
        return xlsx_to_dict(data), stem
    except PyXFormError as error:
        message = _("The file cannot be read as an .xlsx workbook: %(error)s") % {"error": error}
        raise XLSFormError([message]) from error


def import_xlsform(file: str | os.PathLike | BinaryIO) -> tuple[dict, list[str]]:
    """The canonical schema of an XLSForm workbook and the notes of the import report (what
    was left out, such as metadata a web form cannot record).

    Raises `XLSFormError` listing every problem found, each naming its sheet and row.
    """
    book, stem = read_workbook(file)
    importer = Importer(book, fallback_id=stem)
    schema = importer.run()
    return schema, importer.notes


def schema_from_xlsform(file: str | os.PathLike | BinaryIO) -> dict:
    """The canonical form schema of an XLSForm workbook (a path or a binary file object)."""
    return import_xlsform(file)[0]


__all__ = ["XLSFormError", "import_xlsform", "schema_from_xlsform"]
