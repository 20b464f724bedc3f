"""The alert inbox in a real browser, at phone and desktop widths: filter by municipality and
severity, download the filtered list as XLSX and read it back, no serious accessibility
violation."""

import openpyxl
import pytest

from siso_platform.accounts.models import Role
from siso_platform.monitoring.models import Alert
from siso_platform.territory.models import Municipality
from tests.browser import axe_violations

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(household, make_member):
    """Zone 2: high and low alerts in Perugia and in another municipality of the zone."""
    perugia = household(2)
    other = household(2)
    elsewhere = (
        Municipality.objects.filter(zone__number=2)
        .exclude(pk=perugia.municipality.pk)
        .order_by("name")
        .first()
    )
    other.household.municipality = other.municipality = elsewhere
    other.household.save()
    for builder in (perugia, other):
        builder.member(60)
    serial = 0
    for builder, severity, kind, count in (
        (perugia, "high", "overlap", 3),
        (perugia, "low", "gap", 2),
        (other, "high", "latent_need", 4),
    ):
        for _n in range(count):
            serial += 1
            Alert.objects.create(
                kind=kind,
                key=f"browser:{serial}",
                zone=builder.municipality.zone,
                person=builder.members[0],
                household=builder.household,
                severity=severity,
                title=f"Segnalazione {builder.municipality.name} {severity} {serial}",
            )
    return make_member(Role.SOCIAL_WORKER, zone_number=2), elsewhere


@pytest.mark.parametrize("width", [390, 1366])
def test_the_inbox_filters_and_exports_to_xlsx(open_page, client, inbox, width, tmp_path):
    worker, elsewhere = inbox
    client.force_login(worker)
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})

    page.goto("/monitoring/alerts/")
    assert page.locator(".list-count").first.inner_text().startswith("9 alerts")
    page.select_option("#id_municipality", str(elsewhere.pk))
    page.select_option("#id_severity", "high")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**severity=high**")

    assert page.locator(".list-count").first.inner_text().startswith("4 alerts")
    assert page.locator("tr.alert-group").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").first.click()
    path = tmp_path / "segnalazioni.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.values)
    assert len(rows) == 1 + 4
    assert all(row[4] and elsewhere.name in row[5] for row in rows[1:])
    assert {row[2] for row in rows[1:]} == {"high"}

    assert _in_main(page, axe_violations(page)) == []


def _in_main(page, violations):
    """The violations with a node inside the page's <main> (the header and the footer are the
    base template's, tested with it)."""
    inside = "el => !!el.closest('main')"
    return [
        violation
        for violation in violations
        if any(page.locator(target[-1]).first.evaluate(inside) for target in violation["targets"])
    ]
