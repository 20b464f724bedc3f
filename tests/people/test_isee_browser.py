"""An operator records a household's ISEE in a real browser, at phone and desktop width, in
Italian number format; the household page then shows it with its validity, and both pages
fit the screen and pass axe."""

import datetime

import pytest
from django.utils import timezone

from siso_platform.accounts.models import Role
from siso_platform.people.models import Fact, Household, HouseholdMembership
from tests.casework.test_cross_zone_browser import assert_fits
from tests.conftest import municipality_in_zone


@pytest.mark.parametrize("width", [390, 1366])
def test_an_operator_records_an_isee_from_the_household_page(
    open_page, client, make_member, person_in_zone, width
):
    household = Household.objects.create(code="FS-BROWSER", municipality=municipality_in_zone(2))
    head = person_in_zone(2)
    HouseholdMembership.objects.create(
        household=household, person=head, relation="head", valid_from=datetime.date(2020, 1, 1)
    )
    operator = make_member(Role.OPERATOR, zone_number=2)
    client.force_login(operator)
    page = open_page(client)
    page.set_viewport_size({"width": width, "height": 900})
    today = timezone.localdate()

    page.goto(f"/casework/households/{household.pk}/")
    page.click(f"a[href='/casework/households/{household.pk}/isee/']")
    page.wait_for_url("**/isee/")
    assert_fits(page, width)
    page.select_option("#id_kind", "ordinario")
    page.fill("#id_value", "12.345,67")
    page.fill("#id_dsu_protocol", "INPS-ISEE-2026-00123456A-00")
    page.fill("#id_dsu_year", str(today.year))
    page.fill("#id_issued_on", today.isoformat())
    page.fill("#id_valid_until", (today - datetime.timedelta(days=1)).isoformat())
    page.click("form button.primary[type=submit]")
    # refused on its field: the validity ends before the issue
    assert page.locator(".field.invalid #id_valid_until").count() == 1
    assert_fits(page, width)
    page.fill("#id_valid_until", f"{today.year}-12-31")
    page.click("form button.primary[type=submit]")
    page.wait_for_url(f"**/casework/households/{household.pk}/")

    fact = Fact.objects.get(household=household, kind="isee")
    assert fact.value["isee"] == 12345.67 and fact.recorded_by == operator
    listed = page.locator("table.isee-list").inner_text()
    assert "12.345,67" in listed and f"31/12/{today.year}" in listed
    assert_fits(page, width)
