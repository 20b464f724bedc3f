"""A person's audit trail: the events concerning them in a period, by actor and action."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import times
from .models import Action, AuditEvent

MAX_DAYS = 366 * 5  # a period longer than this is a typing error, not a question


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class TrailForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())
    actor = forms.ChoiceField(label=_("Who"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("all")), *Action.choices]
    )

    def __init__(self, data, *, actors: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["actor"].choices = [("", _("everyone")), *actors]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        elif start and end and (end - start).days > MAX_DAYS:
            self.add_error("date_from", _("The period may span at most five years."))
        return data


def defaults(now: datetime.datetime) -> dict:
    start, end = times.last_days(now, 7)
    return {"date_from": start.isoformat(), "date_to": end.isoformat(), "actor": "", "action": ""}


def of_person(person_pk: int) -> QuerySet:
    return AuditEvent.objects.filter(person_id=person_pk)


def actors(events: QuerySet) -> list[tuple[str, str]]:
    """Everyone who appears in the person's events, by name, as choices."""
    ids = set(events.exclude(actor_id=None).values_list("actor_id", flat=True).distinct())
    users = get_user_model().objects.filter(pk__in=ids)
    named = [(str(u.pk), u.get_full_name() or u.get_username()) for u in users]
    return sorted(named, key=lambda choice: choice[1].lower())


def filtered(events: QuerySet, data: dict) -> QuerySet:
    first, after = times.bounds(data["date_from"], data["date_to"])
    events = events.filter(timestamp__gte=first, timestamp__lt=after)
    if data.get("actor"):
        events = events.filter(actor_id=int(data["actor"]))
    if data.get("action"):
        events = events.filter(action=data["action"])
    return events.order_by("-timestamp", "-pk")


def described(data: dict) -> dict:
    """The filters as the audit event keeps them: the period in effect, the actor and action."""
    kept = {"date_from": data["date_from"].isoformat(), "date_to": data["date_to"].isoformat()}
    kept.update({key: data[key] for key in ("actor", "action") if data.get(key)})
    return kept
