"""Demo logins, one per role, on the real territory (zone 2: Perugia)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from siso_platform.territory.models import CitizenOffice, Municipality, Region, SocialZone

from .models import Membership, MembershipStatus, Organisation, OrganisationKind, Role

DEMO_PASSWORD = "siso-demo"  # demo only: `setup_demo` refuses to run with DEBUG off


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    where: str


def _organisation_for(role: str) -> tuple[Organisation, CitizenOffice | None]:
    perugia = Municipality.objects.get(name="Perugia")
    if role in (Role.REGIONAL_ADMIN, Role.AUDITOR):
        return Organisation.objects.get(region=Region.objects.get()), None
    if role == Role.ZONE_ADMIN:
        return Organisation.objects.get(zone=perugia.zone), None
    if role == Role.THIRD_SECTOR_OPERATOR:
        body, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.THIRD_SECTOR_BODY,
            name="Cooperativa sociale Il Ponte (demo)",
            defaults={"tax_code": "01234567897"},
        )
        return body, None
    office = perugia.offices.get(is_default=True)
    return Organisation.objects.get(municipality=perugia), (
        office if role in (Role.OPERATOR, Role.SOCIAL_WORKER) else None
    )


DEMO_USERS = (
    ("regione", Role.REGIONAL_ADMIN, "Regione", "Umbria"),
    ("zona2", Role.ZONE_ADMIN, "Zona", "Perugia"),
    ("operatore", Role.OPERATOR, "Olga", "Operatrice"),
    ("assistente", Role.SOCIAL_WORKER, "Sandro", "Assistente"),
    ("anagrafe", Role.DATA_STEWARD, "Dario", "Anagrafe"),
    ("terzosettore", Role.THIRD_SECTOR_OPERATOR, "Teresa", "Terzo"),
    ("revisore", Role.AUDITOR, "Renata", "Revisora"),
)


@transaction.atomic
def ensure_demo_users() -> list[DemoLogin]:
    if not SocialZone.objects.exists():
        raise ValueError("Load the territory first (manage.py load_territory).")
    User = get_user_model()
    logins = []
    for username, role, first_name, last_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        organisation, office = _organisation_for(role)
        # Approved at once, so every demo login works (a real grant of an elevated role
        # waits for a second administrator: `actions.grant`).
        Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            role=role,
            defaults={"office": office, "status": MembershipStatus.APPROVED},
        )
        logins.append(DemoLogin(username, Role(role).label, organisation.name))
    return logins
