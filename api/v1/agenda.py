"""The operator's own appointments (La mia agenda), for the field app's day.

Exactly what the web's agenda shows (`casework.visibility.agenda`): the user's own diary,
with persons whose whole record they still read. The web shows no one another operator's
diary (a person's page lists that person's upcoming appointments, whoever booked them, but
that is the person's record, not a diary), so neither does the API: another operator's
appointment is not listed and answers 404. Days are Europe/Rome's (the platform's time
zone), as on the web's agenda; each read is audited for the agenda, as the web page is.
"""

import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from siso_platform.casework import agenda, visibility
from siso_platform.casework.models import Appointment, AppointmentStatus

from .common import SINCE, SYNC_CURSOR, AuditedReads, Synced, requires


class AppointmentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", help_text="In Italian.")
    place_label = serializers.CharField(source="get_place_display", help_text="In Italian.")
    status_label = serializers.CharField(source="get_status_display", help_text="In Italian.")

    class Meta:
        model = Appointment
        fields = [
            "id",
            "person",
            "case",
            "starts_at",
            "duration_minutes",
            "kind",
            "kind_label",
            "place",
            "place_label",
            "place_detail",
            "notes",
            "status",
            "status_label",
            "booked_at",
            "updated_at",
        ]


class AppointmentFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(
        method="on_day", label="A day (YYYY-MM-DD, in Europe/Rome): its appointments."
    )
    from_ = django_filters.DateFilter(
        method="from_day", label="From this day (YYYY-MM-DD, in Europe/Rome), included."
    )
    to = django_filters.DateFilter(
        method="to_day", label="Up to this day (YYYY-MM-DD, in Europe/Rome), included."
    )
    status = django_filters.ChoiceFilter(choices=AppointmentStatus.choices)

    class Meta:
        model = Appointment
        fields = ["person", "case", "status"]

    def on_day(self, queryset, name, day):
        start, end = agenda.span(day, 1)
        return queryset.filter(starts_at__gte=start, starts_at__lt=end)

    def from_day(self, queryset, name, day):
        return queryset.filter(starts_at__gte=agenda.span(day, 1)[0])

    def to_day(self, queryset, name, day):
        return queryset.filter(starts_at__lt=agenda.span(day, 1)[1])

    def is_valid(self):
        valid = super().is_valid()
        first, last = (self.form.cleaned_data.get(name) for name in ("from", "to"))
        if valid and first and last and first > last:
            self.form.add_error("to", gettext("The last day comes before the first."))
            return False
        return valid


# `from` is a keyword: the filter is declared as `from_` and named `from` in the query.
AppointmentFilter.base_filters["from"] = AppointmentFilter.base_filters.pop("from_")


@extend_schema_view(list=extend_schema(parameters=[SINCE, SYNC_CURSOR]))
class AppointmentViewSet(Synced, AuditedReads, viewsets.ReadOnlyModelViewSet):
    """Your own appointments (your agenda), with persons whose record you read: `?date=` a
    day, or `?from=` and `?to=`, in Europe/Rome; kind, place and status with Italian labels."""

    permission_classes = [requires("casework.view_appointment")]
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    audit_purpose = _("agenda")

    def get_queryset(self):
        return visibility.agenda(self.request.user)
