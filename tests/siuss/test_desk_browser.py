"""The zone's SIUSS desk in a real browser, at phone and desktop widths: a zone administrator
finds the blocked flow, opens the benefit to fix, and downloads the bulk XML file of the
period, which validates against INPS's XSD; no serious accessibility violation, no page
wider than the screen."""

import pytest
from lxml import etree

from siso_platform.accounts.models import Role
from siso_platform.siuss import xml
from siso_platform.siuss.models import FlowKind
from tests.browser import axe_violations

from . import test_desk

zone2 = test_desk.zone2  # the zone's flows: a fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("width", [390, 1366])
def test_a_zone_admin_fixes_a_blocked_flow_and_downloads_the_bulk_file(
    open_page,
    client,
    zone2,
    width,
    tmp_path,
):
    client.force_login(zone2["admin"])
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})

    page.goto("/siuss-flows/")
    page.get_by_role("heading", name="SIUSS flows", level=1).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _in_main(page, axe_violations(page)) == []

    page.select_option("#id_state", "blocked")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**state=blocked**")
    blocked = page.locator("tr.siuss-flow[data-state=blocked]")
    assert blocked.count() == 1 and page.locator("tr.siuss-flow").count() == 1
    assert "E1.02" in blocked.locator(".siuss-reason").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _in_main(page, axe_violations(page)) == []
    blocked.get_by_role("link", name="Open the benefit to fix it").click()
    page.wait_for_url(f"**/casework/interventions/{zone2['blocked'].intervention_id}/")

    page.goto("/siuss-flows/")
    page.select_option("#id_ente", zone2["perugia"].cadastral_code)
    page.select_option("#id_kind", FlowKind.PS_PSA_SINA)
    page.fill("#id_start", test_desk.DAY_ONE.isoformat())
    page.fill("#id_end", test_desk.DAY_ONE.isoformat())
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the XML file").click()
    path = tmp_path / "bulk.xml"
    download.value.save_as(path)
    root = etree.parse(str(path)).getroot()
    assert xml.schema(FlowKind.PS_PSA_SINA).validate(root)
    codes = [b.get("CodiceFiscale") for b in root.iter(f"{{{xml.NAMESPACE}}}Beneficiario")]
    assert codes == [zone2["ready"].intervention.person.tax_code]


@pytest.mark.parametrize("width", [390, 1366])
def test_the_region_reads_counts_on_a_phone(open_page, client, zone2, make_member, width):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/siuss-flows/")
    assert page.locator("tr.siuss-flow").count() == 0
    assert page.locator(".siuss-states li[data-state=blocked] strong").inner_text() == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
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
