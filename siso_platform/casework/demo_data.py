"""Demo casework for the demo logins: accesses, cases, needs, care plans and interventions in
Perugia, one case assigned to the demo third-sector body. Written through `actions`, like an
operator's work, so the audit log and every rule apply. Deterministic for a seed."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from siso_platform.accounts.models import Organisation, OrganisationKind
from siso_platform.people.models import Person
from siso_platform.territory.models import Municipality

from . import actions
from .models import Access, CatalogueItem, NeedCategory

INPS = "INPS - Istituto Nazionale della Previdenza Sociale"
REASONS = {
    "economic": "Difficoltà a pagare le spese essenziali dopo la perdita del lavoro",
    "housing": "Sfratto per morosità, chiede aiuto per l'affitto",
    "care": "Madre anziana non più autosufficiente, chiede assistenza a casa",
    "family": "Difficoltà nella gestione dei figli, segnalazione della scuola",
    "isolation": "Vive solo, nessun familiare vicino",
}
PLANS = {
    "economic": ("E1.01", "euro", Decimal("300.00")),
    "housing": ("E1.02", "euro", Decimal("1200.00")),
    "care": ("B1.01", "hours", Decimal("40")),
    "family": ("B2.01", "hours", Decimal("24")),
    "isolation": ("B3.02", "days", Decimal("180")),
}


@transaction.atomic
def populate(*, seed: int = 7, count: int = 12) -> int:
    """Add demo casework once; returns the number of accesses added (0 if already there)."""
    if Access.objects.exists():
        return 0
    rng = random.Random(seed)
    User = get_user_model()
    operator, social_worker = (
        User.objects.get(username="operatore"),
        User.objects.get(username="assistente"),
    )
    perugia = Municipality.objects.get(name="Perugia")
    office = perugia.offices.get(is_default=True)
    municipality = Organisation.objects.get(municipality=perugia)
    inps, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.OTHER_PUBLIC_BODY, name=INPS, defaults={"tax_code": "80078750587"}
    )
    body = Organisation.objects.filter(kind=OrganisationKind.THIRD_SECTOR_BODY).first()
    today = timezone.localdate()
    adults = Person.objects.filter(
        residence_municipality=perugia,
        deceased_on__isnull=True,
        birth_date__lte=today - datetime.timedelta(days=25 * 365),
    )
    persons = list(adults.order_by("pk")[: count * 3])
    for number, person in enumerate(rng.sample(persons, min(count, len(persons)))):
        need_code = rng.choice(sorted(REASONS))
        taken = number % 3 != 2
        access = actions.register_access(
            by=operator,
            office=office,
            person=person,
            channel=rng.choice(["in_person", "in_person", "phone", "referral"]),
            reason=REASONS[need_code],
            outcome="taking_in_charge" if taken else "information",
            date=today - datetime.timedelta(days=rng.randint(5, 200)),
        )
        if not taken:
            continue
        case = actions.open_case(
            by=operator,
            person=person,
            office=office,
            social_worker=social_worker,
            access=access,
            opened_on=access.date,
            needs=[NeedCategory.objects.get(code=need_code)],
        )
        actions.update_care_plan(
            case,
            by=social_worker,
            summary=REASONS[need_code],
            agreed_on=access.date + datetime.timedelta(days=7),
            review_on=today + datetime.timedelta(days=rng.randint(10, 120)),
            goals=[{"description": "Stabilizzare la situazione entro sei mesi"}],
        )
        actions.write_note(
            by=social_worker,
            case=case,
            kind="interview",
            happened_on=access.date,
            text="Primo colloquio: " + REASONS[need_code].lower(),
        )
        if number < 4:  # the social worker's agenda for the coming days
            visit = number % 2 == 1
            actions.book_appointment(
                by=social_worker,
                person=person,
                case=case,
                starts_at=timezone.make_aware(
                    datetime.datetime.combine(
                        today + datetime.timedelta(days=number), datetime.time(9 + 2 * number)
                    )
                ),
                duration_minutes=60,
                kind="home_visit" if visit else "interview",
                place="home" if visit else "office",
            )
        code, unit, value = PLANS[need_code]
        actions.record_intervention(
            by=social_worker,
            case=case,
            person=person,
            need=case.needs.first(),
            item=CatalogueItem.objects.get(code=code),
            provider=municipality,
            starts_on=access.date + datetime.timedelta(days=10),
            ends_on=access.date + datetime.timedelta(days=190),
            status="active",
            **({"amount": value} if unit == "euro" else {"quantity": value}),
        )
        if need_code == "economic":
            # The national income support too: what monitoring will check for overlaps.
            actions.record_intervention(
                by=social_worker,
                case=case,
                person=person,
                item=CatalogueItem.objects.get(code="E1.06"),
                provider=inps,
                starts_on=access.date,
                amount=Decimal("500.00"),
                status="active",
            )
        if body is not None and need_code in ("care", "isolation", "family"):
            actions.assign_case(
                case,
                by=operator,
                body=body,
                starts_on=access.date + datetime.timedelta(days=10),
                purpose="Assistenza domiciliare e visite settimanali",
            )
    return count
