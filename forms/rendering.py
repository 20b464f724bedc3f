"""Django forms for the steps of a schema, so the wizard, the admin preview and the try-out
page render and read answers the same way. Validation is not done by these fields: each form
hands its answers to `validation.validate` and shows the errors that belong to its fields.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
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
    DATETIME,
    DECIMAL,
    EMAIL,
    FILES,
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
    TEXTAREA,
    TIME,
    CompiledForm,
    Field,
    Step,
    choice_scope,
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
GEOPOINT_LABELS = {
    "lat": _("Latitude"),
    "lon": _("Longitude"),
    "alt": _("Altitude"),
    "accuracy": _("Accuracy (m)"),
}
SHOWN_GEOPOINT_PARTS = ("lat", "lon")  # altitude and accuracy come from the device
NOT_TYPED = (NOTE, HIDDEN)  # kinds with no input on the page


class FilteredChoices:
    """Options carrying their choice's columns, so the page can apply a `choice_filter`."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        columns = self.columns.get(str(value))
        if columns is not None:
            option["attrs"]["data-choice"] = json.dumps(columns, ensure_ascii=False)
        return option


class FilteredRadio(FilteredChoices, forms.RadioSelect):
    pass


class FilteredSelect(FilteredChoices, forms.Select):
    pass


class FilteredCheckboxes(FilteredChoices, forms.CheckboxSelectMultiple):
    pass


class RangeInput(forms.Widget):
    """A slider with its number shown; the answer is in a hidden input that stays empty until
    the slider is moved, so an untouched range is unanswered (as in ODK)."""

    def __init__(self, spec: dict, attrs=None):
        super().__init__(attrs)
        self.spec = spec

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        start, end = self.spec.get("start", 0), self.spec.get("end", 10)
        step = self.spec.get("step") or 1
        shown = "" if value in (None, "") else str(value)
        middle = shown or str(start)
        return format_html(
            '<input type="hidden" name="{}" value="{}" data-range-value>'
            '<input type="range" class="form-range" id="{}" min="{}" max="{}" step="{}" '
            'value="{}" data-range{}>'
            '<output for="{}" class="range-value" aria-live="polite">{}</output>',
            name,
            shown,
            attrs.get("id", ""),
            min(start, end),
            max(start, end),
            step,
            middle,
            format_html_join("", ' {}="{}"', ((k, v) for k, v in attrs.items() if k != "id")),
            attrs.get("id", ""),
            shown.replace(".", ",") if shown else "—",
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class RankInput(forms.Widget):
    """The choices in order, each with buttons to move it up or down; posted in order.

    As in ODK Collect (https://docs.getodk.org/form-question-types/#rank-widget) an order
    nobody touched is no answer: the order counts once a choice is moved (the page then
    ticks "I accept this order") or that box is ticked to keep the order shown."""

    def __init__(self, choices: list[tuple[str, str]], attrs=None):
        super().__init__(attrs)
        self.choices = choices

    def render(self, name, value, attrs=None, renderer=None):
        labels = dict(self.choices)
        order = [v for v in value or () if v in labels] if isinstance(value, list) else []
        ranked = bool(order)
        order += [v for v, _label in self.choices if v not in order]
        items = format_html_join(
            "",
            '<li class="rank-item d-flex align-items-center gap-2 mb-1">'
            '<input type="hidden" name="{}" value="{}">'
            '<span class="rank-label flex-grow-1">{}</span>'
            '<button type="button" class="btn btn-outline-primary btn-xs" data-move="-1" '
            'aria-label="{} {}">↑</button>'
            '<button type="button" class="btn btn-outline-primary btn-xs" data-move="1" '
            'aria-label="{} {}">↓</button></li>',
            (
                (name, v, labels[v], _("Move up:"), labels[v], _("Move down:"), labels[v])
                for v in order
            ),
        )
        id_ = self.build_attrs(self.attrs, attrs).get("id", "")
        return format_html(
            '<ol class="rank ps-3" id="{}" data-rank>{}</ol>'
            '<div class="form-check"><input class="form-check-input" type="checkbox" '
            'name="{}" id="{}" value="1" data-ranked{}>'
            '<label class="form-check-label" for="{}">{}</label></div>',
            id_,
            items,
            self.marker(name),
            f"{id_}{SEP}ranked",
            mark_safe(" checked") if ranked else "",
            f"{id_}{SEP}ranked",
            _("I accept this order"),
        )

    @staticmethod
    def marker(name: str) -> str:
        return f"{name}{SEP}ranked"

    def value_from_datadict(self, data, files, name):
        if not data.get(self.marker(name)):
            return []  # an order nobody accepted is no answer
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)


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
    if kind in (CHOICE, MULTICHOICE, RANK):
        choices = [
            (str(choice["value"]), text(choice.get("label"), language))
            for choice in item.spec.get("choices") or ()
        ]
        if kind == RANK:
            return forms.MultipleChoiceField(choices=choices, widget=RankInput(choices), **options)
        filtered = item.choice_filter is not None
        if kind == MULTICHOICE:
            widget = FilteredCheckboxes() if filtered else forms.CheckboxSelectMultiple()
            field = forms.MultipleChoiceField(choices=choices, widget=widget, **options)
        else:
            many = len(choices) > 5
            if many:
                choices = [("", "—"), *choices]
            if filtered:
                widget = FilteredSelect() if many else FilteredRadio()
            else:
                widget = forms.Select() if many else forms.RadioSelect()
            field = forms.ChoiceField(choices=choices, widget=widget, **options)
        if filtered:
            field.widget.columns = {
                str(choice["value"]): choice_scope({}, choice)["choice"]
                for choice in item.spec.get("choices") or ()
            }
        return field
    if kind == BOOLEAN:
        choices = [("true", _("Yes")), ("false", _("No"))]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
    if kind in FILES:
        # The host says which files it accepts (FORMS_FILE_FIELD: types by content, a limit).
        field_class = getattr(settings, "FORMS_FILE_FIELD", "django.forms.FileField")
        field = import_string(field_class)(**options)
        if kind == IMAGE:
            field.widget.attrs["accept"] = "image/*"
        return field
    if kind == RANGE:
        return forms.CharField(widget=RangeInput(item.spec), **options)
    widget = {
        TEXTAREA: forms.Textarea(attrs={"rows": 3}),
        INTEGER: forms.NumberInput(attrs={"step": 1}),
        DECIMAL: forms.TextInput(attrs={"inputmode": "decimal"}),
        DATE: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        TIME: forms.TextInput(attrs={"type": "time"}),
        DATETIME: forms.TextInput(attrs={"type": "datetime-local"}),
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
        if item.kind in NOT_TYPED:
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
        if item.kind == GEOPOINT:
            for part, label in GEOPOINT_LABELS.items():
                shown = part in SHOWN_GEOPOINT_PARTS
                widget = (
                    forms.TextInput(attrs={"inputmode": "decimal", "data-geo": part})
                    if shown
                    else forms.HiddenInput(attrs={"data-geo": part})
                )
                self.fields[f"{prefix}{item.key}{SEP}{part}"] = forms.CharField(
                    required=False, label=label, widget=widget
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
                        {
                            child.key: self._value(child, data, prefix)
                            for child in item.fields
                            if child.kind not in NOT_TYPED
                        }
                    )
                answers[item.key] = rows
            elif item.kind not in NOT_TYPED:
                answers[item.key] = self._value(item, data, "")
        return answers

    def _value(self, item: Field, data: dict, prefix: str):
        name = f"{prefix}{item.key}"
        if item.kind == ADDRESS:
            return {part: data.get(f"{name}{SEP}{part}", "") for part in ADDRESS_PARTS}
        if item.kind == GEOPOINT:
            return {part: data.get(f"{name}{SEP}{part}", "") for part in GEOPOINT_LABELS}
        if item.kind in FILES:
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
            for first in ("street", "lat"):  # an address's or position's first box
                if target is None and f"{name}{SEP}{first}" in self.fields:
                    target = f"{name}{SEP}{first}"
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
        elif item.kind == GEOPOINT:
            parts = [self[f"{prefix}{item.key}{SEP}{part}"] for part in GEOPOINT_LABELS]
            entry["parts"] = parts[: len(SHOWN_GEOPOINT_PARTS)]
            entry["device_parts"] = parts[len(SHOWN_GEOPOINT_PARTS) :]
            entry["errors"] = parts[0].errors
        elif item.choice_filter is not None:
            entry["choice_filter"] = json.dumps(item.choice_filter)
            entry["field"] = self[f"{prefix}{item.key}"]
        elif item.kind not in NOT_TYPED:
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
    if item.kind == GEOPOINT and isinstance(value, dict):
        return {
            f"{name}{SEP}{part}": str(value[part]).replace(".", ",") if part in value else ""
            for part in GEOPOINT_LABELS
        }
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
            if item.kind not in NOT_TYPED and answers.get(item.key) is not None
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
    if item.kind == RANK:
        return "; ".join(f"{n}. {labels.get(v, v)}" for n, v in enumerate(value, 1))
    if item.kind == GEOPOINT:
        return ", ".join(
            number_format(value[part], 6) for part in SHOWN_GEOPOINT_PARTS if part in value
        )
    if item.kind == DATETIME:
        day, time = value.split("T")
        year, month, date = day.split("-")
        return f"{date}/{month}/{year} {time}"
    if item.kind == RANGE and isinstance(value, float):
        return number_format(value)
    if item.kind == BOOLEAN:
        return str(_("Yes") if value else _("No"))
    if item.kind == ADDRESS:
        return ", ".join(value[part] for part in ADDRESS_PARTS if value.get(part))
    if item.kind in FILES:
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
