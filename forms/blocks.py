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

from . import logic, registry, strict_json
from .schema import KEY_PATTERN

key_validator = RegexValidator(
    KEY_PATTERN, _("Use lowercase letters, digits and “_”, starting with a letter.")
)


class LogicBlock(blocks.FieldBlock):
    """A JSON Logic expression typed as JSON text; stored as the parsed JSON value."""

    def __init__(self, required=False, help_text=None, **kwargs):
        self._required = required
        self._help_text = help_text or _('JSON Logic, e.g. {"==": [{"var": "tenure"}, "rented"]}')
        super().__init__(**kwargs)

    @cached_property
    def field(self):
        return django_forms.CharField(
            required=self._required,
            help_text=self._help_text,
            widget=django_forms.Textarea(attrs={"rows": 2, "class": "forms-logic"}),
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


class Rule(blocks.StructBlock):
    rule = LogicBlock(required=True, label=_("rule"))
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
        ("required_if", LogicBlock(label=_("required when"))),
        ("visible_if", LogicBlock(label=_("visible when"))),
        ("computed", LogicBlock(label=_("computed value"))),
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
    ]


def field_block(label, *extra):
    return blocks.StructBlock(common_children() + list(extra), label=label)


def _choices():
    return ("choices", blocks.ListBlock(ChoiceOption(), label=_("choices")))


def simple_field_blocks():
    return [
        ("text", field_block(_("Short text"))),
        ("textarea", field_block(_("Long text"))),
        ("integer", field_block(_("Integer"))),
        (
            "decimal",
            field_block(
                _("Decimal"),
                ("decimal_places", blocks.IntegerBlock(default=2, min_value=0, max_value=6)),
            ),
        ),
        ("date", field_block(_("Date"))),
        ("choice", field_block(_("Single choice"), _choices())),
        ("multichoice", field_block(_("Multiple choice"), _choices())),
        ("boolean", field_block(_("Yes/no"))),
        ("tax_code", field_block(_("Tax code"))),
        ("email", field_block(_("Email"))),
        ("phone", field_block(_("Phone"))),
        ("address", field_block(_("Address"))),
        (
            "file",
            field_block(
                _("File upload"),
                ("extensions", blocks.CharBlock(required=False, help_text=_("e.g. pdf, jpg"))),
                ("max_size_kb", blocks.IntegerBlock(required=False, min_value=1)),
            ),
        ),
        (
            "note",
            blocks.StructBlock(
                [
                    ("key", blocks.CharBlock(label=_("key"), validators=[key_validator])),
                    ("label_it", blocks.TextBlock(label=_("text (Italian)"))),
                    ("label_en", blocks.TextBlock(label=_("text (English)"), required=False)),
                    ("visible_if", LogicBlock(label=_("visible when"))),
                ],
                label=_("Display-only text"),
            ),
        ),
    ]


def group_block():
    return field_block(
        _("Repeatable group"),
        ("min_rows", blocks.IntegerBlock(required=False, min_value=0)),
        ("max_rows", blocks.IntegerBlock(required=False, min_value=1)),
        ("fields", blocks.StreamBlock(simple_field_blocks(), label=_("fields of a row"))),
    )


class StepBlock(blocks.StructBlock):
    key = blocks.CharBlock(label=_("key"), validators=[key_validator])
    title_it = blocks.CharBlock(label=_("title (Italian)"))
    title_en = blocks.CharBlock(label=_("title (English)"), required=False)
    visible_if = LogicBlock(label=_("visible when"))
    fields = blocks.StreamBlock(
        [*simple_field_blocks(), ("group", group_block())], label=_("fields")
    )

    class Meta:
        label = _("Step")
        icon = "form"


STEPS = [("step", StepBlock())]
