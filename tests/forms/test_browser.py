"""The wizard in a real browser: fields show, hide and compute live with the same JSON Logic."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect


@pytest.fixture
def page(open_page, client):
    return open_page(client)


@pytest.fixture
def draft_url(client, operator, intake, person_in_zone):
    client.force_login(operator)
    person = person_in_zone(2)
    response = client.post(
        reverse("forms:start", args=["scheda-accesso"]), {"tax_code": person.tax_code}
    )
    return response["Location"]


def test_fields_show_hide_and_compute_live(page, draft_url):
    # expect() retries until the page's script has run: a plain assert would race it.
    page.goto(draft_url)
    permit = page.locator('[data-key="residence_permit"]')
    expect(permit).to_be_hidden()
    page.get_by_label("Extra UE").check()
    expect(permit).to_be_visible()
    page.get_by_label("Italiana").check()
    expect(permit).to_be_hidden()

    page.get_by_label("Data di nascita").fill("2000-01-15")
    age = page.get_by_label("Età")
    expect(age).not_to_have_value(re.compile(r"^0?$"))
    assert int(age.input_value()) >= 26  # born in 2000: the browser computed it

    # on to the next step through the real form submission
    page.locator("#id_persona-first_name").fill("Mario")
    page.get_by_role("button", name="Avanti").click()
    private_rent = page.get_by_label("Affitto sul mercato privato")
    expect(private_rent).to_be_visible()  # the next step has loaded
    rent = page.locator('[data-key="rent"]')
    expect(rent).to_be_hidden()
    private_rent.check()
    expect(rent).to_be_visible()
    page.get_by_label("Proprietà").check()
    expect(rent).to_be_hidden()
