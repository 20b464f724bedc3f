"""ISEE attestations and civil-invalidity verdicts: rules, recording, reading, eligibility and
the operator's pages (docs/casework.md, "ISEE and civil invalidity")."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.monitoring import eligibility, fact_sheet
from siso_platform.monitoring.models import Outcome
from siso_platform.people import actions, attestations, rules
from siso_platform.people.models import Fact, Household, HouseholdMembership
from tests.conftest import municipality_in_zone
from tests.monitoring.conftest import programme, region_org  # noqa: F401 (fixtures)

TODAY = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)


def isee(**changes):
    values = {
        "kind": "ordinario",
        "value": Decimal("12345.67"),
        "dsu_protocol": "INPS-ISEE-2026-00123456A-00",
        "dsu_year": 2026,
        "issued_on": datetime.date(2026, 2, 10),
        "valid_until": datetime.date(2026, 12, 31),
    }
    return {**values, **changes}


def isee_problems(**changes):
    return rules.isee_problems(**isee(**changes), today=TODAY)


def invalidity_problems(**changes):
    values = {
        "percent": 100,
        "accompanying_allowance": True,
        "verdict_on": datetime.date(2025, 3, 1),
        "revision_on": datetime.date(2028, 3, 1),
    }
    return rules.invalidity_problems(**{**values, **changes}, today=TODAY)


# --- rules, both sides of each boundary ---------------------------------------------------


def test_a_complete_attestation_is_fine():
    assert isee_problems() == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": Decimal("-0.01")}, "value"),
        ({"value": Decimal("10000000")}, "value"),
        ({"value": Decimal("1.005")}, "value"),
        ({"value": None}, "value"),
        ({"kind": "annuale"}, "kind"),
        ({"dsu_protocol": ""}, "dsu_protocol"),
        ({"dsu_protocol": "ISEE 2026?"}, "dsu_protocol"),
        ({"dsu_year": 2014}, "dsu_year"),
        ({"dsu_year": 2027}, "dsu_year"),
        ({"issued_on": TODAY + DAY}, "issued_on"),
        ({"issued_on": datetime.date(2025, 12, 31)}, "issued_on"),
        ({"valid_until": datetime.date(2026, 2, 9)}, "valid_until"),
        ({"valid_until": datetime.date(2027, 1, 1)}, "valid_until"),
        (
            {"kind": "corrente", "valid_until": datetime.date(2026, 8, 11)},
            "valid_until",
        ),
    ],
)
def test_a_bad_attestation_is_refused_on_its_field(changes, field):
    assert list(isee_problems(**changes)) == [field]


@pytest.mark.parametrize(
    "changes",
    [
        {"value": Decimal("0")},
        {"value": Decimal("9999999.99")},
        {
            "dsu_year": 2015,
            "issued_on": datetime.date(2015, 3, 1),
            "valid_until": datetime.date(2015, 12, 31),
        },
        {"issued_on": TODAY, "valid_until": TODAY},
        {"kind": "corrente", "valid_until": datetime.date(2026, 8, 10)},
        {"kind": "minorenni", "dsu_protocol": " inps-isee-2026-00123456a-00 "},
    ],
)
def test_attestations_on_the_edges_are_fine(changes):
    assert isee_problems(**changes) == {}


def test_invalidity_rules_on_both_sides():
    assert invalidity_problems() == {}
    assert invalidity_problems(percent=0, accompanying_allowance=False) == {}
    assert list(invalidity_problems(percent=101)) == ["percent"]
    assert list(invalidity_problems(percent=-1)) == ["percent"]
    assert list(invalidity_problems(percent=99)) == ["accompanying_allowance"]
    assert invalidity_problems(verdict_on=TODAY) == {}
    assert list(invalidity_problems(verdict_on=TODAY + DAY)) == ["verdict_on"]
    assert list(invalidity_problems(revision_on=datetime.date(2025, 3, 1))) == ["revision_on"]
    assert invalidity_problems(revision_on=datetime.date(2025, 3, 2)) == {}
    assert invalidity_problems(revision_on=None) == {}


# --- recording and reading --------------------------------------------------------------------


@pytest.fixture
def family(person_in_zone):
    municipality = municipality_in_zone(2)
    household = Household.objects.create(code="FS-ISEE", municipality=municipality)
    head = person_in_zone(2, birth_date=datetime.date(1980, 5, 1))
    HouseholdMembership.objects.create(
        household=household, person=head, relation="head", valid_from=datetime.date(2020, 1, 1)
    )
    return household, head


@pytest.mark.django_db
def test_an_isee_is_current_from_its_issue_to_its_last_day_of_validity(family, make_member):
    household, head = family
    operator = make_member(Role.OPERATOR, zone_number=2)
    fact, created = actions.record_isee(household, by=operator, **isee(), today=TODAY)

    assert created and fact.household == household and fact.key == "ordinario"
    assert (fact.valid_from, fact.valid_to) == (
        datetime.date(2026, 2, 10),
        datetime.date(2027, 1, 1),
    )
    assert fact.value == {
        "isee": 12345.67,
        "kind": "ordinario",
        "dsu_protocol": "INPS-ISEE-2026-00123456A-00",
        "dsu_year": 2026,
        "issued_on": "2026-02-10",
        "valid_until": "2026-12-31",
    }
    assert attestations.current_isee(household, on=datetime.date(2026, 2, 9)) is None
    assert attestations.current_isee(household, on=datetime.date(2026, 2, 10))["isee"] == 12345.67
    assert attestations.current_isee(head, on=datetime.date(2026, 12, 31))["dsu_year"] == 2026
    assert attestations.current_isee(household, on=datetime.date(2027, 1, 1)) is None
    assert AuditEvent.objects.filter(action="create", person=head).exists()

    again, created = actions.record_isee(household, by=operator, **isee(), today=TODAY)
    assert (again, created) == (fact, False)


@pytest.mark.django_db
def test_a_newer_attestation_closes_the_older_and_an_older_one_is_refused(family, make_member):
    household, _head = family
    operator = make_member(Role.OPERATOR, zone_number=2)
    first, _ = actions.record_isee(household, by=operator, **isee(), today=TODAY)
    _second, _ = actions.record_isee(
        household,
        by=operator,
        **isee(
            dsu_protocol="INPS-ISEE-2026-00999999B-00",
            value=Decimal("9000"),
            issued_on=datetime.date(2026, 5, 2),
        ),
        today=TODAY,
    )
    first.refresh_from_db()
    assert first.valid_to == datetime.date(2026, 5, 2)
    assert attestations.current_isee(household, on=TODAY)["isee"] == 9000.0

    with pytest.raises(ValidationError) as refused:
        actions.record_isee(
            household,
            by=operator,
            **isee(dsu_protocol="INPS-ISEE-2026-00000001C-00", issued_on=datetime.date(2026, 3, 1)),
            today=TODAY,
        )
    assert list(refused.value.message_dict) == ["issued_on"]
    with pytest.raises(ValidationError) as refused:
        actions.record_isee(household, by=operator, **isee(value=Decimal("1")), today=TODAY)
    assert list(refused.value.message_dict) == ["dsu_protocol"]


@pytest.mark.django_db
def test_a_corrente_takes_the_place_of_the_ordinario_while_valid(family, make_member):
    household, _head = family
    operator = make_member(Role.OPERATOR, zone_number=2)
    actions.record_isee(household, by=operator, **isee(), today=TODAY)
    actions.record_isee(
        household,
        by=operator,
        **isee(
            kind="corrente",
            dsu_protocol="INPS-ISEE-2026-00555555C-00",
            value=Decimal("4000"),
            issued_on=datetime.date(2026, 4, 1),
            valid_until=datetime.date(2026, 9, 30),
        ),
        today=TODAY,
    )
    actions.record_isee(
        household,
        by=operator,
        **isee(kind="minorenni", dsu_protocol="INPS-ISEE-2026-00666666D-00", value=Decimal("100")),
        today=TODAY,
    )
    assert attestations.current_isee(household, on=datetime.date(2026, 9, 30))["isee"] == 4000.0
    assert attestations.current_isee(household, on=datetime.date(2026, 10, 1))["isee"] == 12345.67
    assert fact_sheet.sheet(household, on=datetime.date(2026, 9, 30))["isee"] == 4000.0
    assert fact_sheet.sheet(household, on=datetime.date(2026, 10, 1))["isee"] == 12345.67
    assert fact_sheet.sheet(household, on=datetime.date(2027, 1, 1))["isee"] is None
    minors = attestations.current_isee(household, on=TODAY, kind="minorenni")
    assert minors["isee"] == 100.0


@pytest.mark.django_db
def test_an_operators_isee_makes_a_household_eligible_until_its_validity_ends(
    family,
    make_member,
    programme,  # noqa: F811
):
    household, _head = family
    version = programme("contributo-affitto", "E1.01", {"<=": [{"var": "isee"}, 15000]})
    operator = make_member(Role.OPERATOR, zone_number=2)

    def outcome(on):
        [check] = eligibility.check_household(household, on=on, programmes=[version])
        return check.outcome

    assert outcome(TODAY) == Outcome.UNDETERMINED  # no ISEE yet
    actions.record_isee(household, by=operator, **isee(value=Decimal("15000")), today=TODAY)
    assert outcome(TODAY) == Outcome.ELIGIBLE  # the next check
    assert outcome(datetime.date(2026, 12, 31)) == Outcome.ELIGIBLE  # its last day
    assert outcome(datetime.date(2027, 1, 1)) == Outcome.UNDETERMINED  # expired: not current


@pytest.mark.django_db
def test_a_civil_invalidity_feeds_the_fact_sheet(family, make_member):
    household, head = family
    operator = make_member(Role.OPERATOR, zone_number=2)
    verdict = datetime.date(2025, 3, 1)
    fact, changed = actions.record_invalidity(
        head,
        by=operator,
        percent=100,
        accompanying_allowance=True,
        verdict_on=verdict,
        revision_on=datetime.date(2028, 3, 1),
        today=TODAY,
    )
    assert changed and fact.value["verdict_on"] == "2025-03-01"
    [member] = fact_sheet.sheet(household, on=TODAY)["members"]
    assert (member["disabled"], member["invalidity_percent"], member["dependent"]) == (
        True,
        100,
        True,
    )
    assert fact_sheet.sheet(household, on=verdict - DAY)["members"][0]["disabled"] is False
    with pytest.raises(ValidationError) as refused:
        actions.record_invalidity(
            head,
            by=operator,
            percent=75,
            accompanying_allowance=False,
            verdict_on=verdict - DAY,
            today=TODAY,
        )
    assert list(refused.value.message_dict) == ["verdict_on"]
    later, _ = actions.record_invalidity(
        head,
        by=operator,
        percent=75,
        accompanying_allowance=False,
        verdict_on=datetime.date(2026, 1, 10),
        today=TODAY,
    )
    fact.refresh_from_db()
    assert fact.valid_to == later.valid_from
    assert attestations.current_invalidity(head, on=TODAY)["civil_invalidity_percent"] == 75


# --- the operator's pages -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_operator_records_an_isee_from_the_household_page(client, family, make_member):
    household, head = family
    operator = make_member(Role.OPERATOR, zone_number=2)
    client.force_login(operator)
    page = client.get(reverse("casework:household", args=[household.pk]))
    url = reverse("casework:household_isee", args=[household.pk])
    assert url in page.content.decode()

    form = client.get(url)
    assert form.status_code == 200 and _("DSU protocol number") in form.content.decode()
    issued = datetime.date.today() - DAY
    answer = client.post(
        url,
        {
            "kind": "ordinario",
            "value": "12.345,67",
            "dsu_protocol": "INPS-ISEE-2026-00123456A-00",
            "dsu_year": str(issued.year),
            "issued_on": issued.strftime("%d/%m/%Y"),
            "valid_until": f"31/12/{issued.year}",
        },
    )
    assert answer.status_code == 302
    fact = Fact.objects.get(household=household, kind="isee")
    assert fact.value["isee"] == 12345.67 and fact.recorded_by == operator
    shown = client.get(reverse("casework:household", args=[household.pk])).content.decode()
    assert _("valid until %(day)s").replace("%(day)s", f"31/12/{issued.year}") in shown
    assert "€\u00a012.345,67" in shown
    person_page = client.get(reverse("casework:person", args=[head.pk])).content.decode()
    assert "€\u00a012.345,67" in person_page


@pytest.mark.django_db
def test_a_bad_isee_is_refused_naming_the_field(client, family, make_member):
    household, _head = family
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    url = reverse("casework:household_isee", args=[household.pk])
    answer = client.post(
        url,
        {
            "kind": "ordinario",
            "value": "4.50.0",
            "dsu_protocol": "X",
            "dsu_year": "2026",
            "issued_on": "10/02/2026",
            "valid_until": "01/02/2026",
        },
    )
    assert answer.status_code == 200
    form = answer.context["form"]
    assert set(form.errors) == {"value"}
    assert _("Write a number like 4.500,00.") in answer.content.decode()
    assert not Fact.objects.filter(household=household, kind="isee").exists()
    answer = client.post(
        url,
        {
            **answer.context["form"].data.dict(),
            "value": "4.500,00",
            "dsu_protocol": "INPS-ISEE-2026-1",
        },
    )
    assert set(answer.context["form"].errors) == {"valid_until"}


@pytest.mark.django_db
def test_an_expired_isee_is_shown_as_not_current(client, family, make_member):
    household, head = family
    operator = make_member(Role.OPERATOR, zone_number=2)
    actions.record_isee(
        household,
        by=operator,
        **isee(
            dsu_year=2025,
            dsu_protocol="INPS-ISEE-2025-00000001A-00",
            issued_on=datetime.date(2025, 2, 1),
            valid_until=datetime.date(2025, 12, 31),
        ),
        today=TODAY,
    )
    client.force_login(operator)
    shown = client.get(reverse("casework:person", args=[head.pk])).content.decode()
    assert _("expired: not current") in shown


@pytest.mark.django_db
def test_the_operator_records_a_civil_invalidity_from_the_social_record(
    client, family, make_member
):
    _household, head = family
    operator = make_member(Role.OPERATOR, zone_number=2)
    client.force_login(operator)
    url = reverse("casework:person_invalidity", args=[head.pk])
    assert url in client.get(reverse("casework:person", args=[head.pk])).content.decode()
    refused = client.post(
        url, {"percent": "80", "accompanying_allowance": "on", "verdict_on": "01/03/2025"}
    )
    assert set(refused.context["form"].errors) == {"accompanying_allowance"}
    answer = client.post(
        url, {"percent": "80", "verdict_on": "01/03/2025", "revision_on": "01/03/2027"}
    )
    assert answer.status_code == 302
    assert attestations.current_invalidity(head)["civil_invalidity_percent"] == 80
    shown = client.get(reverse("casework:person", args=[head.pk])).content.decode()
    assert "01/03/2027" in shown


@pytest.mark.django_db
def test_another_zone_neither_records_nor_reads(client, family, make_member):
    household, head = family
    client.force_login(make_member(Role.OPERATOR, zone_number=5))
    assert client.get(reverse("casework:household_isee", args=[household.pk])).status_code == 404
    assert client.get(reverse("casework:person_isee", args=[head.pk])).status_code == 404
    assert client.get(reverse("casework:person_invalidity", args=[head.pk])).status_code == 404
    client.force_login(make_member(Role.AUDITOR))
    assert client.get(reverse("casework:person_isee", args=[head.pk])).status_code == 403
