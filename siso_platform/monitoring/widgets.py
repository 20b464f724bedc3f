"""The rule field's widget: a textarea the condition builder turns into sentences to click
("ISEE è minore o uguale a 15.000 €"), over the fact sheet's words (`vocabulary`). Without
the builder's script the textarea stays, holding the rule as JSON Logic."""

from __future__ import annotations

from django import forms
from django.contrib.staticfiles import finders
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from .vocabulary import vocabulary

VOCABULARY_ID = "monitoring-fact-vocabulary"
BUILDER_JS = "forms/condition-builder.js"
BUILDER_CSS = "forms/condition-builder.css"
BUILDER_INCLUDE = "forms/includes/condition_builder.html"


def builder_include() -> str | None:
    """The builder's include (its strings, its script), once the forms engine ships it."""
    try:
        get_template(BUILDER_INCLUDE)
    except TemplateDoesNotExist:
        return None
    return BUILDER_INCLUDE


class RuleWidget(forms.Textarea):
    template_name = "monitoring/admin/rule_widget.html"

    def __init__(self, attrs=None):
        builder = {"data-logic-builder": "condition", "data-vocabulary": VOCABULARY_ID}
        super().__init__({"rows": 6, **builder, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["vocabulary"] = vocabulary()
        context["vocabulary_id"] = VOCABULARY_ID
        context["builder_include"] = builder_include()
        return context

    @property
    def media(self):
        js = [BUILDER_JS] if finders.find(BUILDER_JS) else []
        css = {"all": [BUILDER_CSS]} if finders.find(BUILDER_CSS) else {}
        return forms.Media(js=js, css=css)
