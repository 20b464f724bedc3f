"""The body's web form for an activity report: input only, as Italians write it ("4,5" hours,
03/12/2026); the rules are `rules.report_problems`, applied by `actions.submit_report`, the
same function the API calls. Every message names its field."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from siso_platform.uploads import AttachmentField

from .models import ActivityType

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]  # typed, or sent by a date picker


class InterventionChoice(forms.ModelChoiceField):
    def label_from_instance(self, intervention):
        person = intervention.person or intervention.case.person
        return _("%(item)s · %(person)s · case no. %(case)s") % {
            "item": intervention.item,
            "person": f"{person.last_name} {person.first_name}",
            "case": intervention.case_id,
        }


class ItalianDateField(forms.DateField):
    input_formats = DATE_FORMATS
    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})


class HoursField(forms.DecimalField):
    """Hours as written: "4,5", "2" (or "4.5", as a device sends it). A day has at most 24
    hours, so a comma or a point is always the decimal mark, whatever the page's language."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=5, decimal_places=2, localize=True, **kwargs)
        self.widget.attrs.update(inputmode="decimal", autocomplete="off")

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            text = value.strip().replace(",", ".")
            if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", text):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = text
        return super().to_python(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(AttachmentField):
    """Several files, each checked by content and size like any attachment."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(AttachmentsField, self).clean(upload, initial) for upload in files]


class ReportForm(forms.Form):
    intervention = InterventionChoice(
        queryset=None,
        label=_("Intervention"),
        empty_label=_("Choose the intervention"),
        help_text=_("The interventions your body delivers on the cases assigned to it."),
        error_messages={"required": _("Intervention: choose the intervention you report on.")},
    )
    date = ItalianDateField(
        label=_("Day of the activity"),
        help_text=_("As dd/mm/yyyy, e.g. 03/12/2026."),
        error_messages={
            "required": _("Day of the activity: write the day, e.g. 03/12/2026."),
            "invalid": _("Day of the activity: write the date as dd/mm/yyyy, e.g. 03/12/2026."),
        },
    )
    hours = HoursField(
        label=_("Hours"),
        help_text=_("E.g. 4,5 for four hours and a half."),
        error_messages={
            "required": _("Hours: write how many hours, e.g. 4,5."),
            "invalid": _("Hours: write a number like 4,5."),
            "max_digits": _("Hours: write a number like 4,5."),
            "max_decimal_places": _("Hours: write at most two decimals, e.g. 4,25."),
            "max_whole_digits": _("Hours must be more than 0 and at most 24."),
        },
    )
    activity_type = forms.ChoiceField(
        label=_("Activity"),
        choices=[("", _("Choose the activity")), *ActivityType.choices],
        error_messages={"required": _("Activity: choose the kind of activity.")},
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = AttachmentsField(label=_("Attachments"), required=False)

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = interventions
