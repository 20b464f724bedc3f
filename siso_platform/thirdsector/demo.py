"""Demo third sector: the demo cooperative registered and accredited in zone 2, home care it
gives on the cases entrusted to it, and one activity report waiting for review (DEBUG only,
through `setup_demo`)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from siso_platform.accounts.models import Organisation, OrganisationKind
from siso_platform.casework import actions as casework
from siso_platform.casework import visibility
from siso_platform.casework.models import CatalogueItem
from siso_platform.territory.models import SocialZone

from . import actions
from .models import Accreditation, AccreditationStatus, ActivityReport, ThirdSectorBody

HOME_CARE = "B1.01"


def register() -> ThirdSectorBody | None:
    """Register and accredit the demo body (before cases are assigned to it); idempotent."""
    organisation = Organisation.objects.filter(kind=OrganisationKind.THIRD_SECTOR_BODY).first()
    if organisation is None or ThirdSectorBody.objects.filter(organisation=organisation).exists():
        return None
    body = ThirdSectorBody.objects.create(
        organisation=organisation,
        legal_form="social_cooperative",
        runts_number="112233",
        legal_seat="Via della Pace 10, 06121 Perugia",
        email="info@ilponte.example",
        pec="ilponte@pec.example",
        phone="075 000 0000",
    )
    today = timezone.localdate()
    zone = SocialZone.objects.get(number=2)
    accreditation = Accreditation.objects.create(
        body=body,
        zone=zone,
        status=AccreditationStatus.APPROVED,
        requested_areas=["elderly", "disability", "families_minors"],
        areas=["elderly", "disability", "families_minors"],
        valid_from=today - datetime.timedelta(days=365),
        valid_to=today + datetime.timedelta(days=2 * 365),
        decided_at=timezone.now(),
    )
    accreditation.zones.set([zone])
    return body


def populate() -> None:
    """Home care the demo body gives on the cases entrusted to it, and one report waiting for
    review; nothing once a report exists."""
    body = ThirdSectorBody.objects.select_related("organisation").first()
    if body is None or ActivityReport.objects.exists():
        return
    organisation = body.organisation
    today = timezone.localdate()
    User = get_user_model()
    social_worker = User.objects.get(username="assistente")
    body_operator = User.objects.get(username="terzosettore")
    item = CatalogueItem.objects.get(code=HOME_CARE)
    for assignment in visibility.assignments_in_effect(today).filter(body=organisation):
        case = assignment.case
        intervention = casework.record_intervention(
            by=social_worker,
            case=case,
            person=case.person,
            item=item,
            provider=organisation,
            starts_on=assignment.starts_on,
            quantity=Decimal(60),
            status="active",
        )
        if not ActivityReport.objects.exists():  # one is enough to show the review
            actions.submit_report(
                by=body_operator,
                body=body,
                person=case.person,
                intervention=intervention,
                date=today,
                activity_type="home_care",
                hours=Decimal("2.5"),
                notes="Igiene personale e spesa settimanale",
            )
