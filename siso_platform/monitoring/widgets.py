"""The rule field's widget: a textarea the condition builder turns into sentences to click
("ISEE è minore o uguale a 15.000 €"), over the fact sheet's words (`vocabulary`).

The builder's script and strings come with every wagtail editor (the forms engine's
`insert_editor_js` hook); it mounts on textareas marked `data-logic-builder` and reads their
vocabulary from the json_script `data-vocabulary` names. Without it the textarea stays,
holding the rule as JSON Logic."""

from __future__ import annotations

from django import forms

from .vocabulary import vocabulary

VOCABULARY_ID = "monitoring-fact-vocabulary"


class RuleWidget(forms.Textarea):
    template_name = "monitoring/admin/rule_widget.html"

    def __init__(self, attrs=None):
        builder = {"data-logic-builder": "condition", "data-vocabulary": VOCABULARY_ID}
        super().__init__({"rows": 6, **builder, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["vocabulary"] = vocabulary()
        context["vocabulary_id"] = VOCABULARY_ID
        return context
