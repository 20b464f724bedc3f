"""The form engine's host (settings.FORMS_HOST): owners, subjects and auditing for SISO."""

from django.db.models import Q

from siso_platform.audit import log as audit
from siso_platform.people.models import Person

from . import scoping
from .models import Membership, Organisation, OrganisationKind, Role


class SisoFormsHost:
    def owners_for(self, user):
        """The region for regional administrators, their zone for zone administrators."""
        if user.is_superuser:
            kinds = [OrganisationKind.REGION, OrganisationKind.SOCIAL_ZONE]
            return Organisation.objects.filter(kind__in=kinds)
        memberships = Membership.objects.active().filter(user=user)
        regions = memberships.filter(
            role=Role.REGIONAL_ADMIN, organisation__kind=OrganisationKind.REGION
        ).values("organisation")
        zones = memberships.filter(
            role=Role.ZONE_ADMIN, organisation__kind=OrganisationKind.SOCIAL_ZONE
        ).values("organisation")
        return Organisation.objects.filter(Q(pk__in=regions) | Q(pk__in=zones))

    def variant_owners_for(self, user):
        """Their own owners and, for regional administrators, every social zone: the region
        prepares a zone's variant, which the zone's administrators then edit and publish."""
        owners = self.owners_for(user)
        if user.is_superuser or not owners.filter(kind=OrganisationKind.REGION).exists():
            return owners
        zones = Organisation.objects.filter(kind=OrganisationKind.SOCIAL_ZONE)
        return (owners | zones).distinct()

    def owner_named(self, name):
        kinds = [OrganisationKind.REGION, OrganisationKind.SOCIAL_ZONE]
        return Organisation.objects.filter(kind__in=kinds, name=name).first()

    def subjects_for(self, user, *, change=False):
        return scoping.persons(user, Person.objects.all(), change=change)

    def audit(self, action, *, user, obj, subject, purpose):
        audit.record(action, actor=user, obj=obj, person=subject, purpose=str(purpose))
