"""Export a canonical form schema as an XLSForm workbook that `forms.xlsform` imports back
to the same schema.

`export_xlsform(schema)` returns the .xlsx bytes and the notes for the administrator. Steps
become `begin_group` ... `end_group` (appearance `field-list`), repeatable groups
`begin_repeat` ... `end_repeat`, each select its own list (named after the field) in the
`choices` sheet. Labels, hints and messages go to `label::Italian (it)` and
`label::English (en)` columns.

Logic is written as ODK XPath (`forms.json_logic_xpath`) and checked by translating it back
with `forms.xpath`: when the XPath does not give the very same JSON Logic (a platform-only
operation such as `age`, or a shape ODK spells differently), the exact rule is also written
in a `siso::<attribute>` column as JSON, which the importer prefers, and the `avvisi` sheet
says what ODK will do instead. What XLSForm has no column for (prefill, "record the answer
as", tax code, address, email and phone kinds, lengths and sizes...) goes to `siso::kind`
and `siso::extra`; pyxform and ODK ignore unknown columns and sheets.
"""

from __future__ import annotations

import io
import json

from django.utils.translation import gettext as _
from openpyxl import Workbook
from pyxform.utils import default_is_dynamic

from . import schema as canonical
from .json_logic_xpath import NoXPath, to_xpath, validations_xpath
from .xlsform import PYXFORM_TYPES
from .xpath import (
    FieldRef,
    XPathError,
    choice_filter_to_json_logic,
    constraint_to_validation,
    to_json_logic,
)

IT, EN = "label::Italian (it)", "label::English (en)"
LANGUAGE_HEADERS = {"it": "Italian (it)", "en": "English (en)"}
SISO = "siso::"
REPORT_SHEET = "avvisi"
# Kinds written as an XLSForm type of the same meaning (selects get their list name).
TYPES = {
    canonical.TEXT: "text",
    canonical.TEXTAREA: "text",
    canonical.INTEGER: "integer",
    canonical.DECIMAL: "decimal",
    canonical.DATE: "date",
    canonical.TIME: "time",
    canonical.DATETIME: "dateTime",
    canonical.GEOPOINT: "geopoint",
    canonical.IMAGE: "image",
    canonical.FILE: "file",
    canonical.RANGE: "range",
    canonical.HIDDEN: "hidden",
    canonical.NOTE: "note",
    canonical.BOOLEAN: "acknowledge",
    canonical.CHOICE: "select_one",
    canonical.MULTICHOICE: "select_multiple",
    canonical.RANK: "rank",
}
# Platform kinds with no XLSForm type: the closest type, the kind kept in `siso::kind`.
CLOSEST = {
    canonical.TAX_CODE: "text",
    canonical.EMAIL: "text",
    canonical.PHONE: "text",
    canonical.ADDRESS: "text",
}
# Field keys the survey's own columns carry; any other key goes to `siso::extra`.
COLUMN_KEYS = frozenset(
    "key kind label help required visible_if validations computed choices or_other "
    "choice_filter default required_message constraint_message start end step".split()
)
# What the importer writes when a column is empty: no need to say it again.
DEFAULTS = {
    "prefill": [None],
    "computed": [None],
    "visible_if": [None],
    "required": [False],
    "validations": [{}, {"rules": []}],
    "help": [{"it": "", "en": ""}],
}
HIDDEN_KEYS = frozenset({"key", "kind", "label", "computed", "default"})
REPEAT_KEYS = frozenset({"key", "kind", "label", "help", "visible_if", "fields"})
STEP_KEYS = frozenset({"key", "title", "visible_if", "fields"})
FORM_KEYS = frozenset({"slug", "title", "steps", "metadata"})
SURVEY_COLUMNS = [
    "type",
    "name",
    IT,
    EN,
    "hint::Italian (it)",
    "hint::English (en)",
    "required",
    "required_message::Italian (it)",
    "required_message::English (en)",
    "relevant",
    "constraint",
    "constraint_message::Italian (it)",
    "constraint_message::English (en)",
    "calculation",
    "default",
    "choice_filter",
    "appearance",
    "parameters",
    "repeat_count",
    "siso::kind",
    "siso::visible_if",
    "siso::required",
    "siso::computed",
    "siso::choice_filter",
    "siso::validations",
    "siso::default",
    "siso::extra",
]
# (survey column, schema attribute): where the importer reads the JSON the XPath cannot hold.
OVERRIDES = {
    "relevant": "visible_if",
    "required": "required",
    "calculation": "computed",
    "choice_filter": "choice_filter",
    "constraint": "validations",
    "default": "default",
}


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def texts(column: str, value) -> dict:
    """`{"it": ..., "en": ...}` as the two language columns of `column`."""
    value = value if isinstance(value, dict) else {"it": value or "", "en": value or ""}
    return {f"{column}::{LANGUAGE_HEADERS[lang]}": value.get(lang) or "" for lang in ("it", "en")}


class Exporter:
    def __init__(self, schema: dict):
        self.schema = schema
        self.survey: list[dict] = []
        self.choices: list[dict] = []
        self.choice_columns: list[str] = []
        self.report: list[tuple[str, str, str]] = []  # (name, column, what ODK does)
        self.fields = self.field_refs()

    def field_refs(self) -> dict[str, FieldRef]:
        """Every name an expression may read, as the importer knows them."""
        fields = {}
        for _step, spec, group in canonical.iter_fields(self.schema):
            if spec.get("other_of"):
                continue
            fields[spec["key"]] = FieldRef(group["key"] if group else None, spec["kind"])
            if spec.get("or_other") and spec["kind"] in canonical.SELECTS:
                fields[f"{spec['key']}_other"] = FieldRef(group["key"] if group else None, "text")
        return fields

    def note(self, name: str, column: str, message: str) -> None:
        self.report.append((name, column, message))

    # expressions

    def expression(self, row: dict, column: str, logic, *, current=None, group=None, columns=()):
        """Write `logic` in `column` as XPath; when it does not come back the same, keep the
        JSON in `siso::<attribute>` too and say what ODK does."""
        name = row.get("name", "")
        try:
            xpath = to_xpath(logic, self.fields, choice_columns=frozenset(columns))
        except NoXPath:
            xpath = None
        if xpath is not None and self.reads_back(xpath, logic, column, current, group, columns):
            row[column] = xpath
            return
        row[SISO + OVERRIDES[column]] = dumps(logic)
        if xpath is None:
            self.note(
                name, column, _("ODK cannot compute this rule: only the platform applies it.")
            )
        else:
            row[column] = xpath
            message = _("ODK computes it as written here; the platform keeps its own rule.")
            self.note(name, column, message)

    def reads_back(self, xpath, logic, column, current, group, columns) -> bool:
        try:
            if column == "choice_filter":
                back = choice_filter_to_json_logic(
                    xpath,
                    columns=frozenset(columns) | {"name"},
                    fields=self.fields,
                    current=current,
                    group=group,
                )
            else:
                back = to_json_logic(xpath, fields=self.fields, current=current, group=group)
        except XPathError:
            return False
        return back == logic and dumps(back) == dumps(logic)  # 1 == True in Python, not here

    def validations(self, row: dict, spec: dict, group: str | None) -> None:
        """`constraint`: `regex(., ...)` for a pattern or XPath for one rule, when the importer
        reads it back the same; otherwise ODK gets what it can check and the platform the JSON."""
        validations = {k: v for k, v in (spec.get("validations") or {}).items() if v != []}
        if not validations:
            return
        rules = validations.get("rules") or []
        message = spec.get("constraint_message")
        xpath = None
        if set(validations) == {"pattern"}:
            try:
                xpath = f"regex(., {quote(validations['pattern'])})"
            except NoXPath:
                xpath = None
        elif set(validations) == {"rules"} and len(rules) == 1:
            rule = rules[0]
            said = rule.get("message")
            if message == said or (message is None and not any((said or {}).values())):
                try:
                    xpath = to_xpath(rule["rule"], self.fields)
                except NoXPath:
                    xpath = None
        if xpath is not None:
            try:
                back = constraint_to_validation(
                    xpath, fields=self.fields, current=spec["key"], group=group
                )
            except XPathError:
                back = None
            expected = (
                {"pattern": validations["pattern"]}
                if "pattern" in validations
                else {"rule": rules[0]["rule"] if rules else None}
            )
            if back is not None and dumps(back) == dumps(expected):
                row["constraint"] = xpath
                return
        row["siso::validations"] = dumps(spec.get("validations"))
        approximation = validations_xpath(spec, self.fields)
        if approximation:
            row["constraint"] = approximation
            self.note(
                row["name"],
                "constraint",
                _("ODK checks what it can; the platform keeps its own checks."),
            )
        else:
            self.note(
                row["name"],
                "constraint",
                _("ODK cannot make these checks: only the platform makes them."),
            )

    # rows

    def common(self, row: dict, spec: dict, keys: frozenset) -> None:
        extra = {
            key: value
            for key, value in spec.items()
            if (key not in keys and not (key in DEFAULTS and value in DEFAULTS[key]))
            or not reads_back_as_is(key, value)
        }
        if extra:
            row["siso::extra"] = dumps(extra)

    def question(self, spec: dict, group: str | None) -> None:
        kind, key = spec["kind"], spec["key"]
        row = {"name": key, **texts("label", spec.get("label")), **texts("hint", spec.get("help"))}
        self.survey.append(row)
        if kind in CLOSEST:
            row["type"] = CLOSEST[kind]
            row["siso::kind"] = kind
            self.note(key, "type", _("ODK asks it as text; the platform checks it as its kind."))
        else:
            row["type"] = TYPES.get(kind, "text")
            if kind not in TYPES:  # a kind unknown here: kept, and said
                row["siso::kind"] = kind
        if kind == canonical.TEXTAREA:
            row["appearance"] = "multiline"
        if kind in canonical.WITH_CHOICES:
            row["type"] = f"{row['type']} {key}"
            if spec.get("or_other") and kind in canonical.SELECTS:
                row["type"] += " or_other"
            self.choice_list(key, spec.get("choices") or [], bool(spec.get("or_other")))
        if kind == canonical.RANGE:
            row["parameters"] = " ".join(
                f"{part}={number(spec.get(part, default))}"
                for part, default in (("start", 0), ("end", 10), ("step", 1))
            )
        default = spec.get("default")
        extra_keys = set()
        if isinstance(default, dict):  # computed when shown: XPath, as XLSForm writes today()
            self.expression(row, "default", default, current=key, group=group)
        elif isinstance(default, str) and not default_is_dynamic(default, PYXFORM_TYPES.get(kind)):
            row["default"] = default
        elif default is not None:  # a text ODK would compute (`f(x)`), or not a text
            extra_keys.add("default")
        if kind == canonical.HIDDEN:
            if spec.get("computed") is not None:
                self.expression(row, "calculation", spec["computed"], current=key, group=group)
            self.common(row, spec, HIDDEN_KEYS - extra_keys)
            return
        for column in ("required_message", "constraint_message"):
            if spec.get(column) is not None:
                row.update(texts(column, spec[column]))
        required = spec.get("required", False)
        if required is True:
            row["required"] = "yes"
        elif required not in (False, None):
            self.expression(row, "required", required, current=key, group=group)
        elif required is None:
            extra_keys.add("required")
        if spec.get("visible_if") is not None:
            self.expression(row, "relevant", spec["visible_if"], current=key, group=group)
        if spec.get("computed") is not None:
            self.expression(row, "calculation", spec["computed"], current=key, group=group)
        if spec.get("choice_filter") is not None:
            columns = {
                c for choice in spec.get("choices") or () for c in choice.get("columns") or ()
            }
            self.expression(
                row,
                "choice_filter",
                spec["choice_filter"],
                current=key,
                group=group,
                columns=columns,
            )
        if kind == canonical.NOTE:  # the importer reads no requirement nor check of a note
            extra_keys |= {"required", "validations"} & set(spec)
        else:
            self.validations(row, spec, group)
        keys = set(COLUMN_KEYS) - extra_keys
        if kind != canonical.RANGE:
            keys -= {"start", "end", "step"}
        self.common(row, spec, frozenset(keys))

    def choice_list(self, name: str, choices: list[dict], or_other: bool) -> None:
        for choice in choices:
            if or_other and choice.get("value") == canonical.OTHER:
                continue
            row = {
                "list_name": name,
                "name": str(choice["value"]),
                **texts("label", choice.get("label")),
            }
            for column, value in (choice.get("columns") or {}).items():
                if column not in self.choice_columns:
                    self.choice_columns.append(column)
                row[column] = value
            self.choices.append(row)

    def repeat(self, spec: dict) -> None:
        key = spec["key"]
        row = {"type": "begin_repeat", "name": key}
        row.update(texts("label", spec.get("label")))
        row.update(texts("hint", spec.get("help")))
        self.survey.append(row)
        keys = set(REPEAT_KEYS)
        if isinstance(spec.get("max_rows"), int) and spec["max_rows"] > 0:
            row["repeat_count"] = str(spec["max_rows"])
            keys.add("max_rows")
        if spec.get("visible_if") is not None:
            self.expression(row, "relevant", spec["visible_if"])
        self.common(row, spec, frozenset(keys))
        for child in canonical.without_other(spec.get("fields") or []):
            self.question(child, key)
        self.survey.append({"type": "end_repeat", "name": ""})

    def step(self, step: dict) -> None:
        row = {"type": "begin_group", "name": step["key"], "appearance": "field-list"}
        row.update(texts("label", step.get("title")))
        self.survey.append(row)
        if step.get("visible_if") is not None:
            self.expression(row, "relevant", step["visible_if"])
        self.common(row, step, STEP_KEYS)
        for spec in canonical.without_other(step.get("fields") or []):
            if spec.get("kind") == canonical.GROUP:
                self.repeat(spec)
            else:
                self.question(spec, None)
        self.survey.append({"type": "end_group", "name": ""})

    def run(self) -> Workbook:
        for key, word in (self.schema.get("metadata") or {}).items():
            self.survey.append({"type": word, "name": key})
        for step in self.schema.get("steps") or ():
            self.step(step)
        book = Workbook()
        sheet = book.active
        sheet.title = "survey"
        columns = [c for c in SURVEY_COLUMNS if any(row.get(c) for row in self.survey)]
        columns = ["type", "name", *[c for c in columns if c not in ("type", "name")]]
        write(sheet, columns, self.survey)
        choice_columns = ["list_name", "name", IT, EN, *self.choice_columns]
        write(book.create_sheet("choices"), choice_columns, self.choices)
        settings = {"form_id": self.schema.get("slug", ""), "default_language": "Italian (it)"}
        # pyxform takes no language columns in settings: the title in Italian, and both
        # languages for the platform when the English one differs.
        title = self.schema.get("title")
        settings["form_title"] = canonical.text(title, "it")
        form_extra = {k: v for k, v in self.schema.items() if k not in FORM_KEYS}
        if not (exact_text(title, False) and title["en"] == title["it"]):
            form_extra["title"] = title
        if form_extra:
            settings["siso::extra"] = dumps(form_extra)
        write(book.create_sheet("settings"), list(settings), [settings])
        if self.report:
            report = book.create_sheet(REPORT_SHEET)
            # Translators: headers of the XLSForm export's warnings sheet.
            headers = [_("Question"), _("Column"), _("What changes in ODK")]
            write(report, headers, [dict(zip(headers, line, strict=True)) for line in self.report])
        return book


def exact_text(value, empty_ok: bool) -> bool:
    """Whether the importer reads the two language columns back as this very value: it
    strips the cells, fills an empty language from the other and an empty label by the name."""
    if not (isinstance(value, dict) and set(value) == {"it", "en"}):
        return False
    it, en = value["it"], value["en"]
    if not (isinstance(it, str) and isinstance(en, str) and it.strip() == it and en.strip() == en):
        return False
    return bool(it) == bool(en) and (bool(it) or empty_ok)


def exact_choice(choice) -> bool:
    if not isinstance(choice, dict) or not set(choice) <= {"value", "label", "columns"}:
        return False
    value, columns = choice.get("value"), choice.get("columns", {"x": "x"})
    return (
        isinstance(value, str)
        and bool(value)
        and value.strip() == value
        and exact_text(choice.get("label"), False)
        and isinstance(columns, dict)
        and bool(columns)
        and all(
            isinstance(k, str)
            and k == k.strip().lower().replace(" ", "_")
            and "::" not in k
            and k not in ("list_name", "name", "label", "image", "audio", "video", "media")
            and isinstance(v, str)
            and v
            and v.strip() == v
            for k, v in columns.items()
        )
    )


def reads_back_as_is(key: str, value) -> bool:
    """False for a value the survey's columns would not give back unchanged (then it goes
    to `siso::extra` too)."""
    if key in ("label", "title"):
        return exact_text(value, False)
    if key in ("help", "required_message", "constraint_message"):
        return exact_text(value, True)
    if key == "choices":
        return isinstance(value, list) and all(exact_choice(choice) for choice in value)
    if key == "default":  # JSON Logic goes to the `default` column as XPath (or siso::default)
        return (
            value is None
            or isinstance(value, dict)
            or (isinstance(value, str) and value.strip() == value)
        )
    return True


def write(sheet, columns: list[str], rows: list[dict]) -> None:
    for number, values in enumerate(
        [columns, *([row.get(c, "") for c in columns] for row in rows)]
    ):
        for column, value in enumerate(values, start=1):
            if value in ("", None):
                continue
            cell = sheet.cell(row=number + 1, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a label starting with "=" is text, never a formula


def quote(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    raise NoXPath(text)


def number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def export_xlsform(schema: dict) -> tuple[bytes, list[str]]:
    """The XLSForm workbook (.xlsx bytes) of a canonical schema, and the warnings for the
    administrator: what ODK does differently from the platform."""
    exporter = Exporter(schema)
    book = exporter.run()
    data = io.BytesIO()
    book.save(data)
    notes = [
        # Translators: a warning of the XLSForm export: question name, column, what changes.
        _("%(name)s, %(column)s: %(message)s") % {"name": n or "-", "column": c, "message": m}
        for n, c, m in exporter.report
    ]
    return data.getvalue(), notes


__all__ = ["export_xlsform"]
