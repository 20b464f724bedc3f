"""The zone's SIUSS desk in a real browser, at phone and desktop widths: a zone administrator
finds the blocked flow, opens the benefit to fix, asks for the bulk XML file of the period,
follows its preparation and downloads it, valid against INPS's XSD; no serious
accessibility violation, no page wider than the screen."""

import pytest
from lxml import etree

from siso_platform.accounts.models import Role
from siso_platform.siuss import tasks, xml
from siso_platform.siuss.models import BulkFile, FlowKind
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
    settings,
):
    settings.SISO_PRIVATE_ROOT = tmp_path / "private"
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

    # the bulk file: asked for on the desk, prepared by a task while its page follows it
    page.goto("/siuss-flows/")
    page.select_option("#id_ente", zone2["perugia"].cadastral_code)
    page.select_option("#id_kind", FlowKind.PS_PSA_SINA)
    page.fill("#id_start", test_desk.DAY_ONE.isoformat())
    page.fill("#id_end", test_desk.DAY_ONE.isoformat())
    page.get_by_role("button", name="Prepare the XML file").click()
    page.wait_for_url("**/siuss-flows/bulk/*/")
    made = BulkFile.objects.get()
    bar = page.get_by_role("progressbar", name="Flows written")
    assert bar.get_attribute("aria-valuenow") == "0"
    assert page.locator("#bulk-state").inner_text() == "waiting"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _in_main(page, axe_violations(page)) == []
    tasks.prepare_bulk_file.call(made.pk)  # the worker picks it up; the page polls
    page.locator("#bulk-download").wait_for()
    assert page.locator("#bulk-state").inner_text() == "ready to download"
    bar = page.get_by_role("progressbar", name="Flows written")
    assert bar.get_attribute("aria-valuenow") == "100"
    assert bar.evaluate("el => el.getBoundingClientRect().width") == bar.evaluate(
        "el => el.parentElement.getBoundingClientRect().width"
    )
    assert "available until" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _in_main(page, axe_violations(page)) == []
    with page.expect_download() as download:
        page.locator("#bulk-download").click()
    path = tmp_path / "bulk.xml"
    download.value.save_as(path)
    root = etree.parse(str(path)).getroot()
    assert xml.schema(FlowKind.PS_PSA_SINA).validate(root)
    codes = [b.get("CodiceFiscale") for b in root.iter(f"{{{xml.NAMESPACE}}}Beneficiario")]
    assert codes == [zone2["ready"].intervention.person.tax_code]

    # the desk's bulk page lists it, ready
    page.goto("/siuss-flows/bulk/")
    assert page.locator("tr.siuss-bulk-file[data-state=done]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _in_main(page, axe_violations(page)) == []


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
