"""Issue 19 in a real browser, at phone and desktop width: an operator of zone 5 finds a
person of zone 2 by exact tax code, registers an access with a reason and opens the record;
zone 2's operator then reads that access on the person's record."""

import pytest

from siso_platform.accounts.models import Role
from siso_platform.casework.models import Access
from tests.browser import axe_violations

pytestmark = pytest.mark.django_db

REASON = "Chiede il contributo affitto: verificare i sostegni già ricevuti"


def in_main(page, violation) -> bool:
    # The header and footer belong to the base template, redesigned elsewhere: these pages'
    # own content is checked here.
    return any(
        page.evaluate("s => !!document.querySelector(s)?.closest('main')", target[-1])
        for target in violation["targets"]
    )


def assert_fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert [v for v in axe_violations(page) if in_main(page, v)] == []


@pytest.mark.parametrize("width", [390, 1366])
def test_a_person_of_another_zone_is_brought_in_by_an_access(
    open_page, client, make_member, person_in_zone, width
):
    person = person_in_zone(
        2, last_name="Fioravanti", first_name="Gemma", address="Via Nascosta 12"
    )
    operator = make_member(Role.OPERATOR, zone_number=5)
    client.force_login(operator)
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})

    # A partial code finds nobody; the exact code shows the register card only.
    page.goto(f"/casework/persons/?q={person.tax_code[:12]}")
    page.get_by_text("No person found among those you follow.").wait_for()
    assert "Fioravanti" not in page.content()
    page.goto("/casework/persons/")
    page.get_by_label("Tax code or name").fill(person.tax_code.lower())
    page.get_by_label("Tax code or name").press("Enter")
    card = page.get_by_role("region", name="On the regional register")
    card.wait_for()
    assert "Fioravanti Gemma" in card.inner_text()
    assert str(person.birth_date.year) in card.inner_text()
    assert "Via Nascosta" not in page.content()
    assert_fits(page, width)

    # On to the access: the reason is required.
    card.get_by_role("link", name="Register an access").click()
    page.wait_for_url("**/casework/persons/on-register/**")
    page.select_option("#id_access-channel", "in_person")
    page.fill("#id_access-reason", "Richiesta di contributo per l'affitto")
    page.select_option("#id_access-outcome", "information")
    page.select_option("#id_access-intake", "")
    assert_fits(page, width)
    page.get_by_role("button", name="Register the access").click()
    page.get_by_text("Say why your office needs this person's record.").wait_for()
    assert not Access.objects.exists()
    page.fill("#id_access-register_reason", REASON)
    page.get_by_role("button", name="Register the access").click()
    page.wait_for_url("**/casework/accesses/**")
    page.get_by_text("Access registered: your zone now follows the person.").wait_for()
    access = Access.objects.get(person=person)

    # The record opens for zone 5 now, address and all.
    response = page.goto(f"/casework/persons/{person.pk}/")
    assert response.status == 200
    assert "Via Nascosta 12" in page.content()

    # Zone 2's view of the person lists the access made in zone 5, with its reason.
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    page.goto(f"/casework/persons/{person.pk}/")
    entry = page.locator("ol.timeline li.access").filter(has_text=access.office.name)
    entry.wait_for()
    text = entry.inner_text()
    assert access.date.strftime("%d/%m/%Y") in text
    assert str(access.office.municipality.zone) in text
    assert REASON in text
    assert_fits(page, width)
