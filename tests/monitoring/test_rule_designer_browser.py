"""The rule designer in a real browser, as the regional administrator: a draft programme
"ISEE ≤ 15.000 € e affitto annuo > 0", its dry run over zone 2 ("Prova sui dati") with the
counts read off the page, then publishing; at phone and desktop widths, no serious
accessibility violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from siso_platform.accounts.models import Role
from siso_platform.casework.models import CatalogueItem
from siso_platform.monitoring.models import Alert, DryRun, Programme, ScreeningResult
from siso_platform.territory.models import SocialZone
from tests.browser import axe_violations

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("rule_designer_browser")]

RULE = {"and": [{"<=": [{"var": "isee"}, 15000]}, {">": [{"var": "rent_yearly"}, 0]}]}


@pytest.fixture
def zone2(household, provider):
    """Zone 2: eligible and receiving nothing, eligible and receiving the rent contribution,
    ISEE too high, ISEE unknown with a rent; and one household of zone 3, not tried."""
    from .conftest import give

    def make(isee, rent, zone=2):
        home = household(zone)
        tenant = home.member(45)
        if isee is not None:
            home.isee(isee)
        if rent:
            home.rental(rent, person=tenant)
        return home

    receiving = make(9000, 5000)
    give(
        "E1.02",
        provider["municipality"],
        household=receiving.household,
        starts_on="2026-01-01",
    )
    return [make(12000, 6000), receiving, make(40000, 7000), make(None, 4000), make(8000, 3000, 3)]


def count(page, key: str) -> int:
    return int(page.locator(f'#dry-run-counts [data-count="{key}"]').inner_text())


def build_rule_by_clicking(page):
    """ISEE ≤ 15.000 € and yearly rent > 0, with the condition builder: no JSON typed."""
    page.locator('[data-ref="c:add"]').click()
    page.locator('[data-ref="c.0:field"]').select_option("value|isee")
    page.locator('[data-ref="c.0:cmp"]').select_option("<=")
    page.locator('[data-ref="c.0:value"]').fill("15.000")
    page.locator('[data-ref="c:add"]').click()
    page.locator('[data-ref="c.1:field"]').select_option("value|rent_yearly")
    page.locator('[data-ref="c.1:cmp"]').select_option(">")
    page.locator('[data-ref="c.1:value"]').fill("0")


@pytest.mark.parametrize("width", [390, 1366])
def test_the_region_builds_a_programme_tries_it_on_zone_2_and_publishes_it(
    open_page, client, make_member, region_org, zone2, width, django_capture_on_commit_callbacks
):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = open_page(client, locale="en-GB")  # until the lead merges the Italian
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(reverse("wagtailsnippets_monitoring_programme:add"))
    page.locator("#id_title").fill("Contributo affitto (prova)")
    page.locator("#id_owner").focus()  # leaving the title writes the slug: nobody types it
    expect(page.locator("#id_slug")).to_have_value("contributo-affitto-prova")
    page.locator("#id_owner").select_option(str(region_org.pk))
    page.locator("#id_item").select_option(str(CatalogueItem.objects.get(code="E1.02").pk))
    page.locator("#id_starts_on").fill("2026-01-01")
    # The date picker opens over the page on a phone: leave the field, as a user would, so it
    # closes before the rule is built below it.
    page.locator("#id_title").click()
    expect(page.locator(".xdsoft_datetimepicker").first).to_be_hidden()
    assert "Yearly rent" in page.locator("script#monitoring-fact-vocabulary").inner_text()
    build_rule_by_clicking(page)
    assert page.locator("textarea[data-logic-builder='condition']").is_hidden()  # no JSON
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/edit/*/")
    draft = Programme.objects.get(slug="contributo-affitto-prova")
    assert not draft.live
    assert draft.get_latest_revision_as_object().rule == RULE

    page.get_by_role("link", name="Try on the data").first.click()
    page.wait_for_url("**/dry-run/")
    zone = SocialZone.objects.get(number=2)
    page.get_by_role("combobox", name="Territory").select_option(str(zone.pk))
    assert axe_violations(page) == []
    # The background task runs when the request's transaction commits; the test's
    # immediate backend then runs it at once.
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Start the dry run").click()
        page.wait_for_url("**/dry-run/*/")
    page.reload()  # what a user (or the progress script) does once the task is done
    assert count(page, "households") == 4
    assert count(page, "eligible") == 2
    assert count(page, "not_eligible") == 1
    assert count(page, "undetermined") == 1
    assert count(page, "receiving_nothing") == 1
    assert "ISEE" in page.locator("#dry-run-missing").inner_text()
    assert axe_violations(page) == []
    assert not ScreeningResult.objects.exists() and not Alert.objects.exists()
    assert DryRun.objects.get().zone == zone

    page.get_by_role("link", name="Edit the draft").first.click()
    page.wait_for_url("**/edit/*/")
    page.locator("button.dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    draft.refresh_from_db()
    assert draft.live
    assert draft.versions.get().rule == RULE
