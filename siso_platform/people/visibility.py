"""Who reads and who records ISEE attestations and civil-invalidity verdicts.

They are part of the whole social record: read by those who read the person's whole record or
open the household's page (`casework.visibility`), never through a third-sector body's
assignment. Recording them needs `people.add_fact` and the person (or the household) within
the user's territory for changes (`accounts.scoping`, change=True).
"""

from django.db.models import Q, QuerySet

from siso_platform.accounts import scoping
from siso_platform.casework import visibility as casework_visibility

from .models import Fact, FactKind, Household, Person

RECORD = "people.add_fact"
READ = "people.view_fact"


def _whole_record_persons(user) -> QuerySet:
    return scoping.persons(user).exclude(pk__in=casework_visibility.partner_only_persons(user))


def isee_facts(user, queryset: QuerySet | None = None) -> QuerySet:
    """The ISEE facts of households whose page the user opens, and of persons (without a
    household) whose whole record they read."""
    queryset = Fact.objects.all() if queryset is None else queryset
    queryset = queryset.filter(kind=FactKind.ISEE)
    if scoping.scope_for(user).unrestricted:
        return queryset
    return queryset.filter(
        Q(household__in=casework_visibility.households(user))
        | Q(person__in=_whole_record_persons(user))
    )


def invalidity_facts(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Fact.objects.all() if queryset is None else queryset
    queryset = queryset.filter(kind=FactKind.DISABILITY, person__isnull=False)
    if scoping.scope_for(user).unrestricted:
        return queryset
    return queryset.filter(person__in=_whole_record_persons(user))


def households_to_record(user) -> QuerySet:
    if not user.has_perm(RECORD):
        return Household.objects.none()
    return scoping.households(user, change=True)


def persons_to_record(user) -> QuerySet:
    if not user.has_perm(RECORD):
        return Person.objects.none()
    return scoping.persons(user, change=True)
