"""Who reports on which territory, and which records count where."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from siso_platform.accounts.models import Organisation, Role
from siso_platform.casework import actions
from siso_platform.casework.models import CatalogueItem
from siso_platform.people.models import HouseholdMembership
from siso_platform.reporting import queries
from siso_platform.reporting.queries import Filters, report
from tests.conftest import municipality_in_zone, zone
from tests.factories import HouseholdFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def show_everything(settings):
    settings.REPORTING_MIN_PERSONS = 1


def values(table_report) -> dict:
    return {tuple(c[d] for d in table_report.by): c["value"] for c in table_report.cells()}


def test_the_region_and_its_auditors_report_on_the_region(region_admin, auditor):
    assert queries.territory_for(region_admin) == queries.Territory(region=True)
    assert queries.territory_for(auditor) == queries.Territory(region=True)
    assert queries.export_territory(region_admin).region
    with pytest.raises(PermissionDenied):
        queries.export_territory(auditor)


def test_a_zone_administrator_reports_on_their_zone(zone_admin):
    assert queries.aggregates_territory(zone_admin).zone_ids == {zone(2).pk}
    assert queries.export_territory(zone_admin).zone_ids == {zone(2).pk}


def test_operators_report_on_nothing(recorder, make_member):
    for user in (recorder, make_member(Role.SOCIAL_WORKER, zone_number=2)):
        assert queries.territory_for(user).empty
        with pytest.raises(PermissionDenied):
            queries.aggregates_territory(user)


def test_the_region_sees_every_zone(region_admin, population):
    table = report(region_admin, measure="persons", by=["zone"], filters=Filters())
    assert values(table) == {(2,): 6, (3,): 3}
    labels = {c["zone"]: c["zone_label"] for c in table.cells()}
    assert labels[2] == zone(2).name


def test_a_zone_sees_only_its_zone(zone_admin, population, english):
    table = report(zone_admin, measure="interventions", by=["zone"], filters=Filters())
    assert values(table) == {(2,): 7}
    with pytest.raises(ValueError, match="outside"):
        report(zone_admin, measure="persons", by=[], filters=Filters(zone=zone(3)))


def test_measures(region_admin, population):
    filters = Filters(zone=zone(2))
    assert values(report(region_admin, measure="amounts", by=[], filters=filters)) == {(): 650}
    assert values(report(region_admin, measure="persons", by=["month"], filters=filters)) == {
        ("2025-03",): 6,
        ("2025-04",): 1,
    }


def test_filters_by_period_and_municipality(region_admin, population):
    march = Filters(date_from=datetime.date(2025, 3, 1), date_to=datetime.date(2025, 3, 31))
    assert values(report(region_admin, measure="interventions", by=[], filters=march)) == {(): 9}
    perugia = municipality_in_zone(2)
    table = report(
        region_admin,
        measure="persons",
        by=["municipality"],
        filters=Filters(municipality=perugia),
    )
    assert values(table) == {(perugia.istat_code,): 6}


def test_an_intervention_counts_where_its_case_is_followed(
    region_admin, recorder, person_in_zone, give
):
    office = recorder.memberships.get().office  # zone 2
    person = person_in_zone(3)
    case = actions.open_case(by=recorder, person=person, office=office, opened_on=DAY)
    give(person, case=case)
    table = report(region_admin, measure="interventions", by=["zone"], filters=Filters())
    assert values(table) == {(2,): 1}
    cases = report(region_admin, measure="cases", by=["zone", "age_band"], filters=Filters())
    assert len(cases.cells()) == 1 and cases.cells()[0]["zone"] == 2


def test_planned_interventions_are_not_counted(region_admin, person_in_zone, give):
    give(person_in_zone(2), status="planned")
    assert report(region_admin, measure="interventions", by=[], filters=Filters()).cells() == []


def test_accesses_cannot_be_broken_down_by_area(region_admin, english):
    with pytest.raises(ValueError, match="Area of users"):
        report(region_admin, measure="accesses", by=["area"], filters=Filters())


def test_suppression_with_the_default_threshold(region_admin, population, settings):
    del settings.REPORTING_MIN_PERSONS
    table = report(region_admin, measure="persons", by=["zone"], filters=Filters())
    assert table.threshold == 5
    # zone 3's three persons are suppressed, and zone 2 with them (the total would tell)
    assert [(c["zone"], c["value"], c["suppressed"]) for c in table.cells()] == [
        (2, None, True),
        (3, None, True),
    ]


def test_accesses_count_where_the_office_is(region_admin, recorder, person_in_zone):
    office = recorder.memberships.get().office  # zone 2
    people = [person_in_zone(3), person_in_zone(3)]
    for person in [*people, people[0]]:
        actions.register_access(
            by=recorder,
            office=office,
            person=person,
            channel="in_person",
            reason="information",
            outcome="information",
            date=DAY,
        )
    table = report(region_admin, measure="accesses", by=["zone", "month"], filters=Filters())
    assert values(table) == {(2, "2025-03"): 3}


def test_a_benefit_to_a_household_alone_counts_the_household_once(
    region_admin, recorder, person_in_zone
):
    head = person_in_zone(2)
    household = HouseholdFactory(municipality=head.residence_municipality)
    HouseholdMembership.objects.create(
        household=household, person=head, relation="head", valid_from=datetime.date(2000, 1, 1)
    )
    for amount in ("10.00", "20.00"):
        actions.record_intervention(
            by=recorder,
            item=CatalogueItem.objects.get(code="E1.01"),
            provider=Organisation.objects.get(municipality=head.residence_municipality),
            starts_on=DAY,
            household=household,
            amount=Decimal(amount),
            status="active",
        )
    filters = Filters()
    assert values(report(region_admin, measure="persons", by=["age_band"], filters=filters)) == {
        (None,): 1
    }
    rows = list(queries.flat_interventions(queries.Territory(region=True), filters))
    assert [(r["tax_code"], r["residence"], r["zone"]) for r in rows] == [
        (head.tax_code, head.residence_municipality.istat_code, 2)
    ] * 2
