"""Demo monitoring: the seeded rules, one pair of complementary items, and a first screening
of Perugia's zone, so the inbox and the lists have something to show."""

from django.core.management import call_command
from django.utils import timezone

from siso_platform.casework.models import CatalogueItem
from siso_platform.territory.models import Municipality

from . import screening
from .models import ComplementaryItems, RunStatus, ScreeningRun


def populate(*, by=None, stdout=None) -> ScreeningRun | None:
    call_command("seed_monitoring", stdout=stdout)
    ComplementaryItems.objects.get_or_create(
        first=CatalogueItem.objects.get(code="E1.06"),
        second=CatalogueItem.objects.get(code="E2.01"),
        defaults={"reason": "I buoni spesa comunali integrano l'Assegno di inclusione."},
    )
    zone = Municipality.objects.get(istat_code="054039").zone
    if ScreeningRun.objects.filter(zone=zone, status=RunStatus.DONE).exists():
        return None
    run = ScreeningRun.objects.create(zone=zone, on=timezone.localdate(), started_by=by)
    return screening.execute(run)
