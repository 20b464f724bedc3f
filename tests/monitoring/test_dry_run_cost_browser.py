"""A programme's amount in a real browser, as the regional administrator: "250,00" a month
typed on the draft's edit page, then Prova sui dati over zone 2 reads the yearly cost and
the gap to fund, in Italian money, with how they were computed; at phone and desktop
widths, no serious accessibility violation and nothing wider than the screen."""

import pytest
from django.urls import reverse

from siso_platform.accounts.models import Role
from siso_platform.monitoring import publishing
from siso_platform.monitoring.models import Programme
from siso_platform.territory.models import SocialZone
from tests.browser import axe_violations

pytestmark = pytest.mark.django_db

RULE = {"and": [{"<=": [{"var": "isee"}, 15000]}, {">": [{"var": "rent_yearly"}, 0]}]}


@pytest.fixture
def draft(region_org, household, provider):
    """A draft rent contribution; in zone 2 two eligible households, one already receiving."""
    from .conftest import give

    homes = []
    for isee, rent in ((12000, 6000), (9000, 5000), (40000, 7000)):
        home = household(2)
        tenant = home.member(45)
        home.isee(isee)
        home.rental(rent, person=tenant)
        homes.append(home)
    give("E1.02", provider["municipality"], household=homes[1].household, starts_on="2026-01-01")
    doc = {
        "format": publishing.EXPORT_FORMAT,
        "kind": "programme",
        "slug": "contributo-affitto-prova",
        "title": "Contributo affitto (prova)",
        "item": "E1.02",
        "starts_on": "2026-01-01",
        "rule": RULE,
    }
    return publishing.save(doc, owner=region_org)


@pytest.mark.parametrize("width", [390, 1366])
def test_the_amount_typed_on_the_draft_gives_the_yearly_cost_of_its_dry_run(
    open_page, client, make_member, draft, width, django_capture_on_commit_callbacks
):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = open_page(client)  # Italian: "250,00", "€ 6.000,00"
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(reverse("wagtailsnippets_monitoring_programme:edit", args=[draft.pk]))
    page.locator("#id_amount").fill("250,00")  # as Italians write it
    page.locator("#id_amount_period").select_option("month")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Salva bozza").click()
    saved = Programme.objects.get().get_latest_revision_as_object()
    assert (str(saved.amount), saved.amount_period) == ("250.00", "month")

    page.locator('a[href$="/dry-run/"]').first.click()  # "Prova sui dati"
    page.wait_for_url("**/dry-run/")
    page.get_by_role("combobox", name="Territorio").select_option(
        str(SocialZone.objects.get(number=2).pk)
    )
    with django_capture_on_commit_callbacks(execute=True):
        page.locator('main form button[type="submit"]').click()
        page.wait_for_url("**/dry-run/*/")
    page.reload()
    cost = page.locator("#dry-run-cost")
    # 2 eligible x 250,00 x 12 = 6.000,00; 1 of them receives nothing: 3.000,00
    assert cost.locator('[data-cost="eligible"]').inner_text() == "€\xa06.000,00"
    assert cost.locator('[data-cost="receiving_nothing"]').inner_text() == "€\xa03.000,00"
    how = cost.inner_text()
    assert "2 " in how and "€\xa0250,00" in how and "\u00d7 12 = €\xa06.000,00" in how
    assert "1 " in how and "\u00d7 12 = €\xa03.000,00" in how
    assert axe_violations(page) == []
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    cost.screenshot(path=f"/tmp/var_progcost/dry_run_cost_{width}.png")
    box = cost.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the table fits the screen
