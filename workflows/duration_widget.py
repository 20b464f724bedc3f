"""A duration chosen, not typed: a number and a unit (working days, days, weeks, hours,
months) read and written as the same ISO 8601 string the blocks have always stored ("P10D").

A task's deadline counts working days through the task's `working_days` flag
(`workflows.durations`: days and weeks count working days, a week being five; hours and months
are always calendar time), so "working days" is a unit here: it writes `P<n>D` and the task
block sets the flag from the unit. A value no unit says exactly (`P1DT12H`) is kept as text
under "other (ISO 8601)". A wait has no working days: its widget does not offer them.

In StreamField the widget is rendered by JavaScript (telepath, `duration-widget.js`), whose
state is `{"duration": "P10D", "working_days": true}` for a deadline or the string for a wait.
"""

from __future__ import annotations

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.telepath import register
from wagtail.admin.telepath.widgets import WidgetAdapter

from .durations import parse_duration

WORKING_DAYS, DAYS, WEEKS, HOURS, MONTHS, OTHER = (
    "working_days", "days", "weeks", "hours", "months", "other",
)  # fmt: skip
UNIT_LABELS = {
    WORKING_DAYS: _("working days"),
    DAYS: _("days"),
    WEEKS: _("weeks"),
    HOURS: _("hours"),
    MONTHS: _("months"),
    OTHER: _("other (ISO 8601)"),
}
# The working-days flag each unit means (None: the unit leaves it as it was).
FLAG = {WORKING_DAYS: True, DAYS: False, WEEKS: False, HOURS: False, MONTHS: False, OTHER: None}


def parts(text, working_days: bool = False) -> tuple[str, str]:
    """(number, unit) showing `text` with the same meaning; ("", "") for no duration and
    (text, OTHER) for what no single unit says."""
    if text in (None, ""):
        return "", ""
    try:
        duration = parse_duration(text)
    except ValueError:
        return str(text), OTHER
    days = duration.weeks * (5 if working_days else 7) + duration.days
    if not (duration.years or duration.months or duration.hours or duration.minutes) and not (
        duration.seconds
    ):
        if working_days:
            return str(days), WORKING_DAYS
        if not duration.days:
            return str(duration.weeks), WEEKS
        return str(days), DAYS
    if working_days and days:  # working days and something else: only ISO says it
        return str(text), OTHER
    only = {name: value for name, value in vars(duration).items() if value}
    if set(only) <= {"years", "months"}:
        return str(duration.years * 12 + duration.months), MONTHS
    if set(only) == {"hours"}:
        return str(duration.hours), HOURS
    return str(text), OTHER


def compose(number: str, unit: str) -> str:
    """The ISO 8601 string of a number and a unit; what is not a whole number is kept as
    typed, so the publish check names it instead of it being lost."""
    number = (number or "").strip()
    if unit == OTHER or not number.isdigit():
        return number
    value = int(number)
    if unit in (WORKING_DAYS, DAYS):
        return f"P{value}D"
    if unit == WEEKS:
        return f"P{value}W"
    if unit == HOURS:
        return f"PT{value}H"
    if unit == MONTHS:
        return f"P{value}M"
    return number


class DurationInput(forms.Widget):
    """A number and a unit; posts `<name>` (the number) and `<name>_unit`."""

    template_name = "workflows/widgets/duration_input.html"

    def __init__(self, attrs=None, working_days: bool = False):
        super().__init__(attrs)
        self.working_days = working_days

    @property
    def units(self) -> list[tuple[str, str]]:
        return [
            (unit, label)
            for unit, label in UNIT_LABELS.items()
            if self.working_days or unit != WORKING_DAYS
        ]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, dict):
            number, unit = parts(value.get("duration"), bool(value.get("working_days")))
        else:
            number, unit = parts(value)
        context["widget"].update(
            number=number,
            unit=unit or self.units[0][0],
            units=self.units,
            unit_label=_("unit of time"),
        )
        return context

    def value_from_datadict(self, data, files, name):
        return compose(data.get(name, ""), data.get(f"{name}_unit", ""))

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    @property
    def media(self):
        return forms.Media(js=[versioned_static("workflows/duration-widget.js")])


class DurationInputAdapter(WidgetAdapter):
    js_constructor = "siso.widgets.DurationInput"

    def js_args(self, widget):
        return [widget.render("__NAME__", None, attrs={"id": "__ID__"}), widget.working_days]

    @cached_property
    def media(self):
        return super().media + forms.Media(js=[versioned_static("workflows/duration-widget.js")])


register(DurationInputAdapter(), DurationInput)


def unit_posted(data, name: str) -> str | None:
    """The unit a duration widget posted for the field `name`."""
    return data.get(f"{name}_unit")
