"""Django forms for the steps of a schema, so the wizard, the admin preview and the try-out
page render and read answers the same way. Validation is not done by these fields: each form
hands its answers to `validation.validate` and shows the errors that belong to its fields.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import validation
from .checks import problems
from .schema import (
    ADDRESS,
    ADDRESS_PARTS,
    BOOLEAN,
    CHOICE,
    DATE,
    DECIMAL,
    EMAIL,
    FILE,
    GROUP,
    INTEGER,
    MULTICHOICE,
    NOTE,
    PHONE,
    TAX_CODE,
    TEXTAREA,
    CompiledForm,
    Field,
    Step,
    compile_form,
    text,
)

SEP = "__"
ADDRESS_LABELS = {
    "street": _("Street"),
    "number": _("Number"),
    "postcode": _("Postcode"),
    "municipality": _("Municipality"),
    "locality": _("Locality"),
}


def _language() -> str:
    return (get_language() or "it")[:2]


def django_field(item: Field) -> forms.Field:
    language = _language()
    options = {
        "required": False,
        "label": item.label(language),
        "help_text": text(item.spec.get("help"), language),
    }
    kind = item.kind
    if kind in (CHOICE, MULTICHOICE):
        choices = [
            (str(choice["value"]), text(choice.get("label"), language))
            for choice in item.spec.get("choices") or ()
        ]
        if kind == MULTICHOICE:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **options
            )
        widget = forms.RadioSelect if len(choices) <= 5 else forms.Select
        if widget is forms.Select:
            choices = [("", "—"), *choices]
        return forms.ChoiceField(choices=choices, widget=widget, **options)
    if kind == BOOLEAN:
        choices = [("true", _("Yes")), ("false", _("No"))]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
    if kind == FILE:
        # The host says which files it accepts (FORMS_FILE_FIELD: types by content, a limit).
        field_class = getattr(settings, "FORMS_FILE_FIELD", "django.forms.FileField")
        return import_string(field_class)(**options)
    widget = {
        TEXTAREA: forms.Textarea(attrs={"rows": 3}),
        INTEGER: forms.NumberInput(attrs={"step": 1}),
        DECIMAL: forms.TextInput(attrs={"inputmode": "decimal"}),
        DATE: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        EMAIL: forms.EmailInput(),
        PHONE: forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        TAX_CODE: forms.TextInput(
            attrs={"maxlength": 16, "autocapitalize": "characters", "spellcheck": "false"}
        ),
    }.get(kind, forms.TextInput())
    if item.computed is not None:
        widget.attrs["readonly"] = True
    elif item.required is True:
        widget.attrs["aria-required"] = "true"
    return forms.CharField(widget=widget, strip=True, **options)


class StepForm(forms.Form):
    """One step of a schema. `context` holds the answers of the other steps."""

    def __init__(self, *args, step: Step, form: CompiledForm, context=None, **kwargs):
        self.step, self.compiled = step, form
        self.context = dict(context or {})
        self.adjusting = False  # adding or removing a group row: no validation yet
        super().__init__(*args, **kwargs)
        self.rows: dict[str, int] = {}
        for item in step.fields:
            self._add(item)
        self.result = None

    # building

    def _add(self, item: Field, prefix: str = "", row_of: Field | None = None) -> None:
        if item.kind == NOTE:
            return
        if item.kind == GROUP:
            count = self._row_count(item)
            self.rows[item.key] = count
            for index in range(count):
                for child in item.fields:
                    self._add(child, f"{item.key}{SEP}{index}{SEP}", item)
            return
        if item.kind == ADDRESS:
            for part in ADDRESS_PARTS:
                self.fields[f"{prefix}{item.key}{SEP}{part}"] = forms.CharField(
                    required=False, label=ADDRESS_LABELS[part]
                )
            return
        self.fields[f"{prefix}{item.key}"] = django_field(item)

    def _row_count(self, group: Field) -> int:
        if self.is_bound:
            try:
                count = int(self.data.get(self.add_prefix(f"{group.key}{SEP}rows"), 0))
            except ValueError:
                count = 0
            action = self.data.get("row_action", "")
            if action == f"add:{group.key}":
                count += 1
            elif action.startswith(f"remove:{group.key}:"):
                count = max(count - 1, 0)
        else:
            count = len(self.initial.get(group.key) or ())
        return max(count, int(group.spec.get("min_rows") or 0), 1 if not self.is_bound else 0)

    # reading

    def raw_answers(self) -> dict:
        """The step's answers as the validation engine takes them (strings, lists, dicts)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        answers = {}
        removed = self.data.get("row_action", "") if self.is_bound else ""
        for item in self.step.fields:
            if item.kind == GROUP:
                rows = []
                for index in range(self.rows[item.key]):
                    if removed == f"remove:{item.key}:{index}":
                        continue
                    prefix = f"{item.key}{SEP}{index}{SEP}"
                    rows.append(
                        {child.key: self._value(child, data, prefix) for child in item.fields}
                    )
                answers[item.key] = rows
            elif item.kind != NOTE:
                answers[item.key] = self._value(item, data, "")
        return answers

    def _value(self, item: Field, data: dict, prefix: str):
        name = f"{prefix}{item.key}"
        if item.kind == ADDRESS:
            return {part: data.get(f"{name}{SEP}{part}", "") for part in ADDRESS_PARTS}
        if item.kind == FILE:
            upload = data.get(name)
            if upload:
                return {
                    "name": upload.name,
                    "size": upload.size,
                    "content_type": getattr(upload, "content_type", ""),
                    "path": getattr(upload, "siso_path", upload.name),
                }
            return self.initial.get(name) or None
        return data.get(name)

    def clean(self):
        cleaned = super().clean()
        if self.adjusting:
            return cleaned
        answers = {**self.context, **self.raw_answers()}
        self.result = validation.validate(self.compiled, answers)
        own = {item.key for item in self.step.fields}
        for path, messages in self.result.errors.items():
            key = path.split("[", 1)[0].split(".", 1)[0]
            if key not in own:
                continue
            name = path.replace("[", SEP).replace("].", SEP)
            target = name if name in self.fields else None
            if target is None and f"{name}{SEP}street" in self.fields:
                target = f"{name}{SEP}street"
            for message in messages:
                self.add_error(target, f"{self._label(path)}: {message}" if not target else message)
        return cleaned

    def _label(self, path: str) -> str:
        key = path.split("[", 1)[0]
        item = self.compiled.fields.get(key)
        return item.label(_language()) if item else path

    # rendering

    def layout(self) -> list[dict]:
        """What the template draws, in order: fields, notes, addresses and groups."""
        language = _language()
        return [self._item(item, language, "") for item in self.step.fields]

    def _item(self, item: Field, language: str, prefix: str) -> dict:
        entry = {
            "key": item.key,
            "kind": item.kind,
            "label": item.label(language),
            "help": text(item.spec.get("help"), language),
            "required": item.required is True,
            "visible_if": json.dumps(item.visible_if) if item.visible_if is not None else "",
            "computed": json.dumps(item.computed) if item.computed is not None else "",
        }
        if item.kind == GROUP:
            entry["rows"] = [
                {
                    "index": index,
                    "fields": [
                        self._item(child, language, f"{item.key}{SEP}{index}{SEP}")
                        for child in item.fields
                    ],
                }
                for index in range(self.rows[item.key])
            ]
            entry["rows_name"] = self.add_prefix(f"{item.key}{SEP}rows")
            entry["row_count"] = self.rows[item.key]
        elif item.kind == ADDRESS:
            entry["parts"] = [self[f"{prefix}{item.key}{SEP}{part}"] for part in ADDRESS_PARTS]
        elif item.kind != NOTE:
            entry["field"] = self[f"{prefix}{item.key}"]
        return entry


def initial_for(step: Step, answers: dict) -> dict:
    """Field initial values for a step from cleaned answers (a draft or a prefill)."""
    initial = {}
    for item in step.fields:
        value = answers.get(item.key)
        if value is None:
            continue
        if item.kind == GROUP:
            initial[item.key] = value
            for index, row in enumerate(value):
                for child in item.fields:
                    initial.update(
                        _initial(child, row.get(child.key), f"{item.key}{SEP}{index}{SEP}")
                    )
        else:
            initial.update(_initial(item, value, ""))
    return initial


def _initial(item: Field, value, prefix: str) -> dict:
    name = f"{prefix}{item.key}"
    if value is None:
        return {}
    if item.kind == ADDRESS:
        return {f"{name}{SEP}{part}": value.get(part, "") for part in ADDRESS_PARTS}
    if item.kind == BOOLEAN:
        return {name: "true" if value else "false"}
    if item.kind == DECIMAL and isinstance(value, (int, float)) and not isinstance(value, bool):
        return {name: localized_number(item, value)}  # a prefill reads back as one types it
    return {name: value}


def localized_number(item: Field, value) -> str:
    """A decimal answer as the active language writes it: 4500.5 is "4.500,50" in Italian."""
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    places = int(item.spec.get("decimal_places", 2))
    return number_format(value, places, force_grouping=True)


def summary(form: CompiledForm, answers: dict, language: str | None = None) -> list[dict]:
    """Answers step by step with labels, for the review page and a submission's page."""
    language = language or _language()
    steps = []
    for step in form.steps:
        rows = [
            {
                "key": item.key,
                "kind": item.kind,
                "label": item.label(language),
                "value": _display(item, answers[item.key], language),
            }
            for item in step.fields
            if item.kind != NOTE and answers.get(item.key) is not None
        ]
        if rows:
            steps.append({"key": step.key, "title": step.title(language), "answers": rows})
    return steps


def _display(item: Field, value, language: str):
    if item.kind == GROUP:
        return [
            [
                {"label": child.label(language), "value": _display(child, row[child.key], language)}
                for child in item.fields
                if child.kind != NOTE and row.get(child.key) is not None
            ]
            for row in value
        ]
    labels = {
        str(c["value"]): text(c.get("label"), language) for c in item.spec.get("choices") or ()
    }
    if item.kind == CHOICE:
        return labels.get(value, value)
    if item.kind == MULTICHOICE:
        return ", ".join(labels.get(v, v) for v in value)
    if item.kind == BOOLEAN:
        return str(_("Yes") if value else _("No"))
    if item.kind == ADDRESS:
        return ", ".join(value[part] for part in ADDRESS_PARTS if value.get(part))
    if item.kind == FILE:
        return value.get("name", "")
    if item.kind == DATE:
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    if item.kind == DECIMAL and isinstance(value, (int, float)) and not isinstance(value, bool):
        return localized_number(item, value)
    return value


def try_context(schema: dict, data=None) -> dict:
    """The whole form on one page (admin preview and try-out); with `data`, validated."""
    found = problems(schema)
    context = {"problems": found, "steps": [], "logic_data": {}}
    if found:
        return context
    compiled = compile_form(schema)
    language = _language()
    forms_ = [StepForm(data, step=step, form=compiled, prefix=step.key) for step in compiled.steps]
    if data is not None:
        for form in forms_:
            form.adjusting = True
            form.is_valid()
        answers = {}
        for form in forms_:
            answers.update(form.raw_answers())
        result = validation.validate(compiled, answers)
        context.update(
            result=result, cleaned_json=json.dumps(result.cleaned, indent=2, ensure_ascii=False)
        )
        for form in forms_:  # errors beside their fields
            form.adjusting = False
            form.context = answers
            form.full_clean()
    context["steps"] = [
        {
            "title": form.step.title(language),
            "visible_if": json.dumps(form.step.visible_if)
            if form.step.visible_if is not None
            else "",
            "form": form,
        }
        for form in forms_
    ]
    return context
