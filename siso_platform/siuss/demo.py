"""Demo SIUSS flows: the municipality of Perugia's tax code (public: Comune di Perugia,
00163570542), a minor taken in charge and a benefit whose catalogue item has no INPS code,
then every flow built. Most flows are ready; a few wait on the worklist with their reason
(the minor's SINBA flow for its assessment, the unmapped benefit for its code)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from siso_platform.accounts.models import Organisation
from siso_platform.casework import actions as casework
from siso_platform.casework.models import Access, CatalogueItem, NeedCategory
from siso_platform.people.models import HouseholdMembership, Relation
from siso_platform.territory.models import Municipality

from . import actions

PERUGIA_TAX_CODE = "00163570542"
REASON = "Segnalazione della scuola: frequenza irregolare e difficoltà in famiglia"


@transaction.atomic
def _minor_case(today: datetime.date) -> None:
    if Access.objects.filter(reason=REASON).exists():
        return
    perugia = Municipality.objects.get(name="Perugia")
    User = get_user_model()
    operator = User.objects.get(username="operatore")
    worker = User.objects.get(username="assistente")
    child = (
        HouseholdMembership.objects.current(today)
        .filter(
            relation=Relation.CHILD,
            person__residence_municipality=perugia,
            person__birth_date__gt=today.replace(year=today.year - 14),
            person__birth_date__lt=today.replace(year=today.year - 6),
            person__cases__isnull=True,
        )
        .select_related("person")
        .order_by("person_id")
        .first()
    )
    if child is None:
        return
    office = perugia.offices.get(is_default=True)
    opened = today - datetime.timedelta(days=60)
    access = casework.register_access(
        by=operator,
        office=office,
        person=child.person,
        channel="referral",
        reason=REASON,
        outcome="taking_in_charge",
        date=opened,
    )
    case = casework.open_case(
        by=operator,
        person=child.person,
        office=office,
        social_worker=worker,
        access=access,
        opened_on=opened,
        needs=[NeedCategory.objects.get(code="family")],
    )
    municipality = Organisation.objects.get(municipality=perugia)
    casework.record_intervention(
        by=worker,
        case=case,
        person=child.person,
        need=case.needs.first(),
        item=CatalogueItem.objects.get(code="B2.01"),
        provider=municipality,
        starts_on=opened + datetime.timedelta(days=7),
        ends_on=opened + datetime.timedelta(days=180),
        quantity=Decimal("48"),
        status="active",
    )
    # Legal advice for the family: its catalogue item has no INPS code yet (on the worklist).
    casework.record_intervention(
        by=worker,
        case=case,
        person=child.person,
        item=CatalogueItem.objects.get(code="A3.02"),
        provider=municipality,
        starts_on=opened + datetime.timedelta(days=14),
        quantity=Decimal("6"),
        status="active",
    )


def populate() -> dict:
    """Add what the demo flows need, once, and build them; returns the counts by state."""
    Organisation.objects.filter(municipality__name="Perugia", tax_code="").update(
        tax_code=PERUGIA_TAX_CODE
    )
    _minor_case(timezone.localdate())
    return actions.build_pending()
