"""The cases list and person search as lists that can be worked: filters, sorting, pages with
the total, and the columns of their downloads. Querysets come in scoped (`visibility`)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from siso_platform.exports import Column
from siso_platform.territory.models import CitizenOffice

from .models import Case, CaseStatus

SORTS = [
    ("newest", _("newest first")),
    ("oldest", _("oldest first")),
    ("person", _("by surname")),
]
WORKERS = [("me", _("me")), ("nobody", _("nobody"))]


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CaseStatus.choices, empty_label=_("all")
    )
    office = django_filters.ModelChoiceFilter(
        label=_("Citizen office"), queryset=CitizenOffice.objects.none(), empty_label=_("all")
    )
    social_worker = django_filters.ChoiceFilter(
        label=_("Social worker"), choices=WORKERS, method="followed_by", empty_label=_("anyone")
    )
    q = django_filters.CharFilter(label=_("Surname or name"), method="named")
    sort = django_filters.ChoiceFilter(
        label=_("Order"), choices=SORTS, method="sorted_by", empty_label=None
    )

    class Meta:
        model = Case
        fields = []

    def __init__(self, data, queryset, *, user, offices):
        data = data.copy()
        if not data.get("sort"):
            data["sort"] = "newest"
        super().__init__(data, queryset=queryset)
        self.user = user
        self.filters["office"].queryset = offices

    def followed_by(self, queryset, name, value):
        if value == "me":
            return queryset.filter(social_worker=self.user)
        return queryset.filter(social_worker__isnull=True)

    def named(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(person__last_name__icontains=word) | Q(person__first_name__icontains=word)
            )
        return queryset

    def sorted_by(self, queryset, name, value):
        ordering = {
            "oldest": ["opened_on", "pk"],
            "person": ["person__last_name", "person__first_name", "pk"],
        }.get(value, ["-opened_on", "-pk"])
        return queryset.order_by(*ordering)


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


CASE_COLUMNS = [
    Column(_("Case"), lambda c: c.pk),
    Column(_("Last name"), lambda c: c.person.last_name),
    Column(_("First name"), lambda c: c.person.first_name),
    Column(_("Citizen office"), lambda c: c.office.name if c.office else ""),
    Column(_("Opened on"), lambda c: c.opened_on),
    Column(_("Closed on"), lambda c: c.closed_on),
    Column(_("Status"), lambda c: c.get_status_display()),
    Column(_("Social worker"), lambda c: _user_name(c.social_worker)),
]
