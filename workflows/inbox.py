"""The inbox as lists that can be worked: tasks filtered by procedure and deadline, sorted,
and paged with the count. Engine-side (no domain import): the filters narrow the task
querysets of `runtime` before `runtime.readable` decides what the user sees."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from .models import WorkflowVersion

PAGE_SIZE = 25
SORTS = [
    ("oldest", _("oldest first")),
    ("newest", _("newest first")),
    ("due", _("nearest deadline first")),
]


def _procedures():
    return [
        (str(version.pk), f"{version.definition.title} v{version.number}")
        for version in WorkflowVersion.objects.select_related("definition").order_by(
            "definition__title", "number"
        )
    ]


class TaskFilter(django_filters.FilterSet):
    procedure = django_filters.ChoiceFilter(
        label=_("Procedure"), method="of_procedure", empty_label=_("all")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="past_deadline", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"), choices=SORTS, method="sorted_by", empty_label=None
    )

    class Meta:
        model = Task
        fields = []

    def __init__(self, data, queryset):
        data = data.copy()
        if not data.get("sort"):
            data["sort"] = "oldest"
        super().__init__(data, queryset=queryset)
        self.filters["procedure"].extra["choices"] = _procedures()

    def of_procedure(self, queryset, name, value):
        version = WorkflowVersion.objects.filter(pk=value).first()
        if version is None:
            return queryset.none()
        return queryset.filter(process__flow_class=version.flow_class)

    def past_deadline(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(deadline__due_at__lte=timezone.now())

    def sorted_by(self, queryset, name, value):
        ordering = {
            "newest": ["-created", "-pk"],
            "due": ["deadline__due_at", "created", "pk"],
        }.get(value, ["created", "pk"])
        return queryset.order_by(*ordering)


def styled(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"
        else:
            field.widget.attrs["class"] = "form-select"
    return form


def page_of(request, items, param: str):
    """A page of `items` (a list), the page number read from `param` of the query string."""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))
