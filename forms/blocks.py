"""The StreamField blocks administrators edit a questionnaire with: steps holding fields.

`forms.streamfield` converts the stored stream to the canonical schema and back.
"""

import json

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from definitions import strict_json

from . import logic, registry
from .kinds import KIND_NAMES
from .schema import KEY_PATTERN

key_validator = RegexValidator(
    KEY_PATTERN, _("Use letters, digits and “_”, starting with a letter.")
)


class LogicBlock(blocks.FieldBlock):
    """A JSON Logic expression typed as JSON text; stored as the parsed JSON value.

    `.built(mode, lead)` has it edited by clicking with the condition builder
    (forms/static/forms/condition-builder.js) instead of typed.
    """

    def __init__(self, required=False, help_text=None, **kwargs):
        self._required = required
        self._help_text = help_text or _('JSON Logic, e.g. {"==": [{"var": "tenure"}, "rented"]}')
        self._builder = None
        super().__init__(**kwargs)

    def built(self, mode, lead, vocabulary="live-questionnaire"):
        """Edited with the condition builder: `mode` "condition" or "value", `lead` the words
        before its sentence, `vocabulary` the id of a json_script or "live-questionnaire" (the
        editor's own fields). Set after construction, so migrations do not see it."""
        self._builder = {
            "data-logic-builder": mode,
            "data-vocabulary": vocabulary,
            "data-logic-lead": lead,
        }
        return self

    @cached_property
    def field(self):
        attrs = {"rows": 2, "class": "forms-logic", **(self._builder or {})}
        return django_forms.CharField(
            required=self._required,
            help_text=None if self._builder else self._help_text,
            widget=django_forms.Textarea(attrs=attrs),
        )

    def value_for_form(self, value):
        if isinstance(value, InvalidJSON):
            return str(value)
        return "" if value in (None, "") else json.dumps(value, ensure_ascii=False)

    def value_from_form(self, value):
        if not value or not value.strip():
            return None
        try:
            return strict_json.loads(value)
        except strict_json.Refused:
            # Keep the text so the editor sees it again with the error beside it.
            return InvalidJSON(value)

    def clean(self, value):
        if isinstance(value, InvalidJSON):
            raise ValidationError(_("This is not valid JSON."))
        if value in (None, ""):
            if self._required:
                raise ValidationError(_("This field is required."))
            return None
        problems = logic.check(value)
        if problems:
            raise ValidationError("; ".join(problems))
        return value

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        return value


class InvalidJSON(str):
    """Text typed into a logic box that does not parse as JSON."""


class TextPair(blocks.StructBlock):
    it = blocks.CharBlock(label=_("Italian"), required=False)
    en = blocks.CharBlock(label=_("English"), required=False)


class ChoiceOption(blocks.StructBlock):
    value = blocks.CharBlock(label=_("value"))
    label_it = blocks.CharBlock(label=_("label (Italian)"))
    label_en = blocks.CharBlock(label=_("label (English)"), required=False)
    columns = blocks.CharBlock(
        label=_("columns"),
        required=False,
        help_text=_("For a choice filter, e.g. province=PG; zone=2"),
    )


class Rule(blocks.StructBlock):
    rule = LogicBlock(required=True, label=_("rule")).built("condition", _("valid if:"))
    message_it = blocks.CharBlock(label=_("message (Italian)"))
    message_en = blocks.CharBlock(label=_("message (English)"), required=False)


class Validations(blocks.StructBlock):
    min = blocks.CharBlock(label=_("minimum"), required=False)
    max = blocks.CharBlock(label=_("maximum"), required=False)
    min_length = blocks.IntegerBlock(label=_("minimum length"), required=False, min_value=0)
    max_length = blocks.IntegerBlock(label=_("maximum length"), required=False, min_value=1)
    pattern = blocks.CharBlock(label=_("pattern (regular expression)"), required=False)
    rules = blocks.ListBlock(Rule(), label=_("rules"), default=[])


REQUIRED_CHOICES = [("no", _("no")), ("yes", _("yes")), ("when", _("when the condition holds"))]


def common_children():
    return [
        ("key", blocks.CharBlock(label=_("key"), validators=[key_validator])),
        ("label_it", blocks.CharBlock(label=_("label (Italian)"))),
        ("label_en", blocks.CharBlock(label=_("label (English)"), required=False)),
        ("help_it", blocks.CharBlock(label=_("help (Italian)"), required=False)),
        ("help_en", blocks.CharBlock(label=_("help (English)"), required=False)),
        ("required", blocks.ChoiceBlock(REQUIRED_CHOICES, default="no", label=_("required"))),
        ("required_if", LogicBlock(label=_("required when")).built("condition", _("required if:"))),
        ("visible_if", LogicBlock(label=_("visible when")).built("condition", _("show if:"))),
        ("computed", LogicBlock(label=_("computed value")).built("value", _("value ="))),
        (
            "prefill",
            blocks.ChoiceBlock(
                choices=registry.prefill_choices, required=False, label=_("prefill from")
            ),
        ),
        (
            "fact",
            blocks.ChoiceBlock(
                choices=registry.fact_choices,
                required=False,
                label=_("record the answer as"),
                help_text=_("The fact of the person or household the answer becomes."),
            ),
        ),
        ("validations", Validations(label=_("validations"))),
        (
            "default",
            blocks.CharBlock(
                label=_("default answer"),
                required=False,
                help_text=_("Filled in when a new questionnaire is started."),
            ),
        ),
        (
            "required_message_it",
            blocks.CharBlock(label=_("message when missing (Italian)"), required=False),
        ),
        (
            "required_message_en",
            blocks.CharBlock(label=_("message when missing (English)"), required=False),
        ),
        (
            "constraint_message_it",
            blocks.CharBlock(label=_("message when not valid (Italian)"), required=False),
        ),
        (
            "constraint_message_en",
            blocks.CharBlock(label=_("message when not valid (English)"), required=False),
        ),
    ]


def field_block(label, *extra):
    return blocks.StructBlock(common_children() + list(extra), label=label)


def _choices():
    return ("choices", blocks.ListBlock(ChoiceOption(), label=_("choices")))


def _select_extras():
    return [
        (
            "or_other",
            blocks.BooleanBlock(
                required=False,
                label=_("with “Other”"),
                help_text=_("Adds the choice “Altro” and a box to write it in."),
            ),
        ),
        (
            "choice_filter",
            LogicBlock(
                label=_("choice filter"),
                help_text=_(
                    "JSON Logic over the answers and the choice's columns, e.g. "
                    '{"==": [{"var": "choice.province"}, {"var": "province"}]}'
                ),
            ),
        ),
    ]


def _number(name, label, required=False):
    return (name, blocks.DecimalBlock(label=label, required=required))


def simple_field_blocks():
    return [
        ("text", field_block(KIND_NAMES["text"])),
        ("textarea", field_block(KIND_NAMES["textarea"])),
        ("integer", field_block(KIND_NAMES["integer"])),
        (
            "decimal",
            field_block(
                KIND_NAMES["decimal"],
                ("decimal_places", blocks.IntegerBlock(default=2, min_value=0, max_value=6)),
            ),
        ),
        ("date", field_block(KIND_NAMES["date"])),
        ("time", field_block(KIND_NAMES["time"])),
        ("datetime", field_block(KIND_NAMES["datetime"])),
        ("choice", field_block(KIND_NAMES["choice"], _choices(), *_select_extras())),
        ("multichoice", field_block(KIND_NAMES["multichoice"], _choices(), *_select_extras())),
        ("rank", field_block(KIND_NAMES["rank"], _choices())),
        (
            "range",
            field_block(
                KIND_NAMES["range"],
                _number("start", _("start"), required=True),
                _number("end", _("end"), required=True),
                _number("step", _("step")),
            ),
        ),
        ("boolean", field_block(KIND_NAMES["boolean"])),
        ("tax_code", field_block(KIND_NAMES["tax_code"])),
        ("email", field_block(KIND_NAMES["email"])),
        ("phone", field_block(KIND_NAMES["phone"])),
        ("address", field_block(KIND_NAMES["address"])),
        ("geopoint", field_block(KIND_NAMES["geopoint"])),
        (
            "file",
            field_block(
                KIND_NAMES["file"],
                ("extensions", blocks.CharBlock(required=False, help_text=_("e.g. pdf, jpg"))),
                ("max_size_kb", blocks.IntegerBlock(required=False, min_value=1)),
            ),
        ),
        (
            "image",
            field_block(
                KIND_NAMES["image"],
                ("extensions", blocks.CharBlock(required=False, help_text=_("e.g. jpg, png"))),
                ("max_size_kb", blocks.IntegerBlock(required=False, min_value=1)),
            ),
        ),
        (
            "hidden",
            blocks.StructBlock(
                [
                    ("key", blocks.CharBlock(label=_("key"), validators=[key_validator])),
                    ("label_it", blocks.CharBlock(label=_("label (Italian)"), required=False)),
                    ("label_en", blocks.CharBlock(label=_("label (English)"), required=False)),
                    ("default", blocks.CharBlock(label=_("value"), required=False)),
                    (
                        "computed",
                        LogicBlock(label=_("computed value")).built("value", _("value =")),
                    ),
                ],
                label=KIND_NAMES["hidden"],
            ),
        ),
        (
            "note",
            blocks.StructBlock(
                [
                    ("key", blocks.CharBlock(label=_("key"), validators=[key_validator])),
                    ("label_it", blocks.TextBlock(label=_("text (Italian)"))),
                    ("label_en", blocks.TextBlock(label=_("text (English)"), required=False)),
                    (
                        "visible_if",
                        LogicBlock(label=_("visible when")).built("condition", _("show if:")),
                    ),
                ],
                label=KIND_NAMES["note"],
            ),
        ),
    ]


def group_block():
    return field_block(
        KIND_NAMES["group"],
        ("min_rows", blocks.IntegerBlock(required=False, min_value=0)),
        ("max_rows", blocks.IntegerBlock(required=False, min_value=1)),
        ("fields", blocks.StreamBlock(simple_field_blocks(), label=_("fields of a row"))),
    )


class StepBlock(blocks.StructBlock):
    key = blocks.CharBlock(label=_("key"), validators=[key_validator])
    title_it = blocks.CharBlock(label=_("title (Italian)"))
    title_en = blocks.CharBlock(label=_("title (English)"), required=False)
    visible_if = LogicBlock(label=_("visible when")).built("condition", _("show the step if:"))
    fields = blocks.StreamBlock(
        [*simple_field_blocks(), ("group", group_block())], label=_("fields")
    )

    class Meta:
        label = _("Step")
        icon = "form"


METADATA_CHOICES = [
    ("start", _("when the questionnaire was started")),
    ("end", _("when it was sent")),
    ("today", _("the day it was sent")),
]


class MetadataBlock(blocks.StructBlock):
    """A value the platform records by itself with each submission (XLSForm's start, end and
    today); nothing is asked."""

    key = blocks.CharBlock(label=_("key"), validators=[key_validator])
    type = blocks.ChoiceBlock(METADATA_CHOICES, label=_("records"))

    class Meta:
        label = _("Recorded automatically")
        icon = "time"


STEPS = [("step", StepBlock()), ("metadata", MetadataBlock())]
