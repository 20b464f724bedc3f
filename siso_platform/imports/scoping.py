"""Which import runs, municipalities and suspected duplicates a user may see.

Runs hold a municipality's personal data (the file, its rejected rows): they follow the
territory of the user's scope, like persons do. A regional administrator's scope is empty,
so they see no run at all.
"""

from django.db.models import Q, QuerySet

from siso_platform.accounts.scoping import persons, scope_for
from siso_platform.territory.models import Municipality

from .models import DuplicateSuspicion, ImportRun


def municipalities_for(user) -> QuerySet:
    """Where the user may import: the municipalities of their territory."""
    scope = scope_for(user)
    queryset = Municipality.objects.order_by("name")
    if scope.unrestricted:
        return queryset
    return queryset.filter(Q(pk__in=scope.municipality_ids) | Q(zone__in=scope.zone_ids))


def runs_for(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = ImportRun.objects.all() if queryset is None else queryset
    if scope_for(user).unrestricted:
        return queryset
    return queryset.filter(municipality__in=municipalities_for(user).values("pk"))


def suspicions_for(user, queryset: QuerySet | None = None) -> QuerySet:
    """Suspicions about a person the user may see (either of the two records)."""
    queryset = DuplicateSuspicion.objects.all() if queryset is None else queryset
    if scope_for(user).unrestricted:
        return queryset
    visible = persons(user).values("pk")
    return queryset.filter(Q(person__in=visible) | Q(other__in=visible))
