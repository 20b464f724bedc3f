import datetime
import itertools

import pytest

from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from siso_platform.casework.models import CatalogueItem, Intervention, Need, NeedCategory
from siso_platform.monitoring import publishing
from siso_platform.people.models import Fact, Household, HouseholdMembership
from tests.conftest import municipality_in_zone
from tests.factories import PersonFactory

ON = datetime.date(2026, 6, 15)


def born(age: int, on: datetime.date = ON) -> datetime.date:
    """A birth date `age` years before `on` (and a month, so the age is not a birthday)."""
    return datetime.date(on.year - age, on.month, 1) - datetime.timedelta(days=30)


_NAMES = ["Anna", "Bruno", "Carla", "Dario", "Elena", "Fabio", "Giulia", "Luca", "Marta", "Nicola"]
_SERIAL = itertools.count()


class HouseholdBuilder:
    """A household of the registry with its members and facts, built for a scenario."""

    def __init__(self, zone_number: int, code: str):
        self.municipality = municipality_in_zone(zone_number)
        self.household = Household.objects.create(code=code, municipality=self.municipality)
        self.members = []

    def member(self, age: int, relation: str = "head", sex: str = "F", **facts):
        n = next(_SERIAL)  # names and days apart keep the tax codes distinct
        person = PersonFactory(
            first_name=_NAMES[n % len(_NAMES)],
            birth_date=born(age) - datetime.timedelta(days=n // len(_NAMES) % 25),
            sex=sex,
            residence_municipality=self.municipality,
        )
        HouseholdMembership.objects.create(
            household=self.household,
            person=person,
            relation=relation,
            valid_from=datetime.date(2020, 1, 1),
        )
        for kind, (key, value) in facts.items():
            self.fact(kind, value, key=key, person=person)
        self.members.append(person)
        return person

    def fact(self, kind, value, *, key="", person=None, valid_from=datetime.date(2026, 1, 1)):
        subject = {"person": person} if person else {"household": self.household}
        return Fact.objects.create(
            kind=kind, key=key, value=value, valid_from=valid_from, source="test", **subject
        )

    def isee(self, amount, year="2026"):
        return self.fact("isee", {"isee": amount}, key=year)

    def rental(self, yearly_rent, *, end: datetime.date | None = None, person=None):
        value = {
            "yearly_rent": yearly_rent,
            "start": "2023-01-01",
            "end": end.isoformat() if end else None,
        }
        return self.fact("rental", value, key=f"RC{len(self.members)}", person=person)


@pytest.fixture
def household(db):
    made = []

    def make(zone_number: int = 2, code: str | None = None) -> HouseholdBuilder:
        builder = HouseholdBuilder(zone_number, code or f"T{len(made) + 1:05d}")
        made.append(builder)
        return builder

    return make


@pytest.fixture
def provider(db):
    """The municipality of Perugia (zone 2), and the national social security institute."""
    municipality = Organisation.objects.get(municipality=municipality_in_zone(2))
    inps = Organisation.objects.create(kind=OrganisationKind.OTHER_PUBLIC_BODY, name="INPS")
    return {"municipality": municipality, "inps": inps}


def give(
    item_code: str,
    provider,
    *,
    person=None,
    household=None,
    starts_on,
    ends_on=None,
    status="active",
) -> Intervention:
    return Intervention.objects.create(
        item=CatalogueItem.objects.get(code=item_code),
        provider=provider,
        person=person,
        household=household,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )


def note_need(person, code: str, *, noted_on: datetime.date) -> Need:
    return Need.objects.create(
        person=person,
        category=NeedCategory.objects.get(code=code),
        origin="expressed",
        noted_on=noted_on,
    )


@pytest.fixture
def region_org(db):
    return Organisation.objects.get(kind=OrganisationKind.REGION)


@pytest.fixture
def programme(region_org):
    """Publish a programme for the region: (slug, item, rule) -> its version."""

    def make(slug: str, item: str, rule, *, starts_on="2026-01-01", ends_on=None):
        doc = {
            "format": publishing.EXPORT_FORMAT,
            "kind": "programme",
            "slug": slug,
            "title": slug.replace("-", " ").capitalize(),
            "item": item,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "rule": rule,
        }
        return publishing.save(doc, owner=region_org, publish_now=True).latest_version

    return make


@pytest.fixture
def seeded(db):
    """The shipped programmes and indicators, published."""
    from django.core.management import call_command

    call_command("seed_monitoring", verbosity=0)


@pytest.fixture
def social_worker(make_member):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)
