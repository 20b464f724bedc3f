"""Which accreditations and activity reports a user may read.

- Accreditations carry no personal data: the region reads them all, a zone those it reviews
  or that cover it, a body its own.
- An activity report is about a person: zone staff read the reports on interventions they
  read; a body's operators read their body's reports only while they still reach the person.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership, Role
from siso_platform.casework import visibility as casework_visibility
from siso_platform.casework.models import Intervention

from .actions import body_organisations
from .models import Accreditation, ActivityReport


def _regional(user) -> bool:
    return user.is_superuser or (
        Membership.objects.active()
        .filter(user=user, role__in=[Role.REGIONAL_ADMIN, Role.AUDITOR])
        .exists()
    )


def accreditations(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Accreditation.objects.all() if queryset is None else queryset
    if _regional(user):
        return queryset
    zones = scoping.scope_for(user).zone_ids
    return queryset.filter(
        Q(zone__in=zones) | Q(zones__in=zones) | Q(body__organisation__in=body_organisations(user))
    ).distinct()


def reports(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = ActivityReport.objects.all() if queryset is None else queryset
    if not user.has_perm("thirdsector.view_activityreport"):
        return queryset.none()  # e.g. a data steward, who reads the municipality's persons
    if casework_visibility.through_assignments_only(user):
        # the body's own reports, on the cases assigned to it now
        return queryset.filter(
            body__organisation__in=body_organisations(user),
            intervention__case__in=casework_visibility.cases(user).values("pk"),
        )
    # zone staff: the reports about persons whose record they read (a person is the subject
    # of every report); the conditions on persons, not on interventions, keep it one index
    # lookup per report at the region's scale
    return queryset.filter(person__in=scoping.persons(user).values("pk"))


def reportable_interventions(user) -> QuerySet:
    """The interventions `user`'s bodies report on: those each body delivers on the cases
    assigned to it today, while the assignment and the body's accreditation in the case's zone
    last (`casework.visibility.assignments_in_effect`, with `reach.py`'s condition)."""
    if not user.has_perm("thirdsector.add_activityreport"):
        return Intervention.objects.none()
    assigned = casework_visibility.assignments_in_effect().filter(
        body=OuterRef("provider"), case=OuterRef("case")
    )
    return (
        Intervention.objects.filter(
            Exists(assigned),
            provider__in=body_organisations(user),
            provider__third_sector_body__isnull=False,
        )
        .select_related("item", "case__person", "person", "provider")
        .order_by("case__person__last_name", "case__person__first_name", "starts_on", "pk")
    )


def decided_by(user) -> QuerySet:
    """The accreditations `user` decides on (revokes, amends): the reviewing zone's
    administrators and the region."""
    if not user.has_perm("thirdsector.change_accreditation"):
        return Accreditation.objects.none()
    if _regional(user):
        return Accreditation.objects.all()
    return Accreditation.objects.filter(zone__in=scoping.scope_for(user).zone_ids)


def may_revoke(user, accreditation: Accreditation) -> bool:
    return decided_by(user).filter(pk=accreditation.pk).exists()
