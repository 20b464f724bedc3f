import datetime
from collections import Counter

import pytest

from siso_platform.people import tax_code
from siso_platform.people.demo_data import MunicipalityInfo, plan_households, populate
from siso_platform.people.models import Fact, Household, HouseholdMembership, Person
from siso_platform.territory.municipalities_csv import read_file

AS_OF = datetime.date(2026, 1, 1)
# The module's fixtures are built once: its tests stay in one process (pytest-xdist).
pytestmark = pytest.mark.xdist_group("demo_data")


@pytest.fixture(scope="module")
def umbria():
    return [
        MunicipalityInfo(number, row.cadastral_code, row.population_2011)
        for number, row in enumerate(read_file(), start=1)
    ]


def age(person) -> int:
    return (AS_OF - person.birth_date).days // 365


def test_ten_thousand_persons_all_have_valid_distinct_tax_codes(umbria):
    plans = list(plan_households(10_000, umbria, seed=7, as_of=AS_OF))
    persons = [m for p in plans for m in p.members]
    assert len(persons) == 10_000
    codes = [m.tax_code for m in persons]
    assert len(set(codes)) == len(codes)
    for member in persons:
        decoded = tax_code.decode(member.tax_code, today=AS_OF)
        assert not tax_code.cross_check(
            decoded, birth_date=member.birth_date, sex=member.sex,
            birth_place_code=member.birth_place_code,
        )  # fmt: skip
    umbrian_places = {m.cadastral_code for m in umbria}
    born_in_umbria = sum(m.birth_place_code in umbrian_places for m in persons)
    assert born_in_umbria > 7000


def test_households_are_realistic(umbria):
    plans = list(plan_households(5000, umbria, seed=3, as_of=AS_OF))
    elderly_alone = [p for p in plans if len(p.members) == 1 and age(p.members[0]) >= 75]
    with_minors = [p for p in plans if any(age(m) < 18 for m in p.members)]
    assert len(elderly_alone) > 0.05 * len(plans)
    assert len(with_minors) > 0.2 * len(plans)
    for plan in with_minors:  # minors never live without an adult
        assert any(age(m) >= 18 for m in plan.members)
    heads = Counter(m.relation for p in plans for m in p.members if m.relation == "head")
    assert heads["head"] == len(plans)


def test_the_same_seed_makes_the_same_people(umbria):
    def codes(seed):
        return [m.tax_code for p in plan_households(500, umbria, seed=seed) for m in p.members]

    assert codes(11) == codes(11)
    assert codes(11) != codes(12)


@pytest.mark.django_db
def test_populate_writes_persons_households_memberships_and_facts():
    written = populate(400, seed=5, as_of=AS_OF, batch_persons=150)
    assert written == Person.objects.count() == 400
    assert HouseholdMembership.objects.count() == 400
    assert (
        Household.objects.count()
        == HouseholdMembership.objects.values("household").distinct().count()
    )
    assert Fact.objects.filter(kind="income").exists()
    assert not Person.objects.filter(residence_municipality__isnull=True).exists()
