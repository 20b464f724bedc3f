from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from siso_platform.territory.loading import territory_loaded
from siso_platform.territory.models import Municipality, Region, SocialZone

from .models import Membership, Organisation, OrganisationKind
from .roles import sync_user_groups


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender, instance, **kwargs):
    sync_user_groups(instance.user)


@receiver(territory_loaded)
def ensure_public_organisations(sender, region: Region, **kwargs):
    """Every piece of the territory is an organisation that users can belong to."""
    Organisation.objects.get_or_create(
        region=region, defaults={"kind": OrganisationKind.REGION, "name": f"Regione {region.name}"}
    )
    for zone in SocialZone.objects.filter(region=region):
        Organisation.objects.get_or_create(
            zone=zone, defaults={"kind": OrganisationKind.SOCIAL_ZONE, "name": zone.name}
        )
    for municipality in Municipality.objects.filter(zone__region=region):
        Organisation.objects.get_or_create(
            municipality=municipality,
            defaults={
                "kind": OrganisationKind.MUNICIPALITY,
                "name": f"Comune di {municipality.name}",
            },
        )
