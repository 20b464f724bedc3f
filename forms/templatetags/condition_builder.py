"""The condition builder's words (forms/static/forms/condition-builder.js), translated for the page.

`{% condition_builder_strings as strings %}{{ strings|json_script:"siso-condition-strings" }}`
(forms/templates/forms/includes/condition_builder.html): the script reads them by key, and
fills `%(name)s` placeholders itself.
"""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

STRINGS = {
    "condition_builder": _("Condition builder"),
    "value_builder": _("Value builder"),
    "lead_condition": _("condition:"),
    "lead_value": _("value ="),
    "no_condition": _("no condition (always)"),
    "no_value": _("no computed value"),
    "edit_json": _("Edit as JSON"),
    "hide_json": _("Hide the JSON"),
    "unsupported": _(
        "This expression was written by hand and the builder cannot show it: it is kept "
        "exactly as it is. To change it, use “Edit as JSON”."
    ),
    "invalid_json": _(
        "The text is not valid JSON: correct it with “Edit as JSON”. Nothing has been changed."
    ),
    "hand_written": _("an expression written by hand"),
    "unknown_field": _("unknown field “%(key)s”"),
    "row_field": _("%(label)s (same row)"),
    "field": _("Field"),
    "date_field": _("Date field"),
    "choose_field": _("— choose a field —"),
    "choose_value": _("— choose —"),
    "comparison": _("Comparison"),
    "value": _("Value"),
    "values": _("Values"),
    "number": _("Number (e.g. 15.000,50)"),
    "text": _("Text"),
    "bad_number": _("Not a number: write it as, for example, 15.000,50"),
    "op_eq": _("is equal to"),
    "op_ne": _("is not equal to"),
    "op_lt": _("is less than"),
    "op_le": _("is at most"),
    "op_gt": _("is greater than"),
    "op_ge": _("is at least"),
    "date_eq": _("is the day"),
    "date_ne": _("is not the day"),
    "date_lt": _("is before"),
    "date_le": _("is on or before"),
    "date_gt": _("is after"),
    "date_ge": _("is on or after"),
    "op_empty": _("is empty"),
    "op_filled": _("is not empty"),
    "op_in": _("is one of"),
    "op_contains": _("contains"),
    "date_kind": _("Which date"),
    "a_date": _("a date"),
    "today": _("today"),
    "yes": _("yes"),
    "no": _("no"),
    "age_of": _("age from %(field)s"),
    "days_since": _("days from %(field)s to today"),
    "days_until": _("days from today to %(field)s"),
    "group_label": _("Which conditions must hold"),
    "group_and": _("all the conditions (and)"),
    "group_or": _("at least one (or)"),
    "group_none": _("none of them (not)"),
    "and": _("and"),
    "or": _("or"),
    "none_of": _("none of: %(list)s"),
    "condition_n": _("Condition %(n)s"),
    "group_n": _("Group %(n)s"),
    "add_condition": _("Add a condition"),
    "add_group": _("Add a group"),
    "remove": _("Remove"),
    "remove_item": _("Remove: %(item)s"),
    "value_kind": _("Kind of value"),
    "kind_num": _("a number"),
    "kind_text": _("a text"),
    "kind_field": _("a field"),
    "kind_arith": _("a calculation (+ − × ÷)"),  # noqa: RUF001
    "kind_age": _("age in years from a date"),
    "kind_days": _("days between two dates"),
    "kind_today": _("today's date"),
    "kind_if": _("if … then … otherwise"),
    "operator": _("Operation"),
    "arith_p": _("+ plus"),
    "arith_m": _("− minus"),  # noqa: RUF001
    "arith_t": _("× times"),  # noqa: RUF001
    "arith_d": _("÷ divided by"),
    "from": _("from the date"),
    "to": _("to the date"),
    "if": _("if"),
    "then": _("then"),
    "otherwise": _("otherwise"),
    "days_between": _("days from %(from)s to %(to)s"),
    "if_then_else": _("if %(condition)s then %(then)s otherwise %(otherwise)s"),
    # lists of records (vocabulary items of type "list"), and numbers between two ends
    "quant_some": _("at least one %(item)s such that"),
    "quant_all": _("every %(item)s such that"),
    "quant_none": _("no %(item)s such that"),
    "count_of": _("number of %(items)s"),
    "item_of": _("item of “%(list)s”"),
    "items_of": _("items of “%(list)s”"),
    "op_between": _("is between"),
    "from_number": _("From (e.g. 0)"),
    "to_number": _("To (e.g. 90)"),
}


@register.simple_tag
def condition_builder_strings() -> dict:
    return {key: str(text) for key, text in STRINGS.items()}
