"""Forms of the case diary, the record's documents and the operators' appointments: input
only; the rules are in `rules` and applied by `actions`."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siso_platform.uploads import AttachmentField

from .entry_forms import DateInput
from .models import (
    AppointmentKind,
    AppointmentPlace,
    Case,
    DiaryNote,
    DocumentKind,
    NoteKind,
)


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoteKind.choices)
    happened_on = forms.DateField(label=_("Date of the event"), widget=DateInput())
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = AttachmentField(label=_("File"), error_messages={"required": _("File: choose a file.")})


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class AppointmentForm(forms.Form):
    """Day and time typed apart (the browser's date and time pickers), joined in the local
    time zone into `starts_at`."""

    date = forms.DateField(label=_("Day"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, initial=60, widget=forms.NumberInput()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AppointmentKind.choices)
    place = forms.ChoiceField(label=_("Place"), choices=AppointmentPlace.choices)
    place_detail = forms.CharField(
        label=_("Address or details of the place"), max_length=200, required=False
    )
    case = forms.ModelChoiceField(
        label=_("Case"), queryset=Case.objects.none(), required=False, empty_label=_("none")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: (
            _("Case %(number)s") % {"number": case.pk}
        )

    @staticmethod
    def initial_of(appointment) -> dict:
        local = timezone.localtime(appointment.starts_at)
        return {
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            **{
                name: getattr(appointment, name)
                for name in ("duration_minutes", "kind", "place", "place_detail", "case", "notes")
            },
        }

    def values(self) -> dict:
        """The cleaned data as the appointment's fields."""
        data = dict(self.cleaned_data)
        moment = datetime.datetime.combine(data.pop("date"), data.pop("time"))
        data["starts_at"] = timezone.make_aware(moment)
        return data


class DoneForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the case diary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: what happened, written in the case's diary on the day."),
    )


def correction_initial(note: DiaryNote) -> dict:
    return {"kind": note.kind, "happened_on": note.happened_on, "text": note.text}
