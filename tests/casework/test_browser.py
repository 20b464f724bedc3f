"""An operator's day in a real browser: find or create a person, register an access with the
intake questionnaire, open a case, record an intervention; another zone cannot look."""

import datetime

import pytest
from django.test import Client

from siso_platform.accounts.models import Role
from siso_platform.casework.models import Access, Case, Intervention
from siso_platform.people import tax_code
from siso_platform.people.models import Person

NEW_CODE = tax_code.encode("Verdi", "Anna", "F", datetime.date(1985, 3, 12), "G478")


@pytest.fixture
def operator(make_member):
    return make_member(Role.OPERATOR, zone_number=2)


def log_in(page, user, next_url):
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"**{next_url}")


def answer(page, name: str, value: str) -> None:
    """Answer a questionnaire field whatever its widget: a list, radio buttons or boxes."""
    select = page.locator(f'select[name="{name}"]')
    if select.count():
        select.select_option(value)
    else:
        page.locator(f'input[name="{name}"][value="{value}"]').check()


def next_step(page):
    page.get_by_role("button", name="Next").click()


def test_operator_takes_a_new_person_in_charge(open_page, client, operator, intake, make_member):
    page = open_page(client, locale="en-GB")
    log_in(page, operator, "/casework/")

    # Not known yet: the search offers to register the person with the code typed.
    page.get_by_role("search").get_by_role("textbox").fill(NEW_CODE)
    page.get_by_role("button", name="Find a person").click()
    page.get_by_text("No person found among those you follow.").wait_for()
    page.get_by_role("link", name="Register a new person").click()
    assert page.locator("#id_person-tax_code").input_value() == NEW_CODE

    page.fill("#id_person-last_name", "Verdi")
    page.fill("#id_person-first_name", "Anna")
    page.select_option("#id_person-sex", "F")
    page.fill("#id_person-birth_date", "1985-03-12")
    page.select_option("#id_person-residence_municipality", label="Perugia (PG)")
    page.select_option("#id_access-channel", "in_person")
    page.fill("#id_access-reason", "Ha perso il lavoro e non riesce a pagare le bollette")
    page.select_option("#id_access-outcome", "taking_in_charge")
    assert page.locator("#id_access-intake option:checked").inner_text() == "Scheda di accesso"
    page.get_by_role("button", name="Save").click()

    # The intake questionnaire, prefilled from the new person.
    page.wait_for_url("**/forms/drafts/**")
    assert page.locator("#id_persona-last_name").input_value() == "Verdi"
    answer(page, "persona-citizenship_kind", "italian")
    next_step(page)
    answer(page, "nucleo-tenure", "owned")
    next_step(page)
    answer(page, "economia-work_status", "unemployed")
    page.fill('input[name="economia-unemployed_since"]', "2026-06-01")
    page.fill('input[name="economia-monthly_income"]', "350")
    answer(page, "economia-debts", "false")
    next_step(page)
    answer(page, "richiesta-need_areas", "economic")
    answer(page, "richiesta-need_areas", "work")
    page.fill('textarea[name="richiesta-request_text"]', "Un aiuto per le bollette")
    answer(page, "richiesta-urgency", "low")
    answer(page, "richiesta-consent", "true")
    next_step(page)
    page.get_by_label("I have checked the answers with the person").check()
    page.get_by_role("button", name="Submit").click()

    # Back on the access, with its questionnaire linked.
    page.wait_for_url("**/casework/accesses/**")
    access = Access.objects.get(person__tax_code=NEW_CODE)
    assert access.intake is not None
    assert page.get_by_role("link", name="Scheda di accesso").is_visible()

    # Open a case: the needs expressed in the questionnaire come ticked.
    page.get_by_role("link", name="Open a case").click()
    assert page.get_by_label("Economico").is_checked()
    assert page.get_by_label("Lavoro").is_checked()
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url("**/casework/cases/**")
    case = Case.objects.get(person__tax_code=NEW_CODE)
    assert sorted(case.needs.values_list("category__code", flat=True)) == ["economic", "work"]

    # Record an intervention; a period ending before it starts is refused, then fixed.
    page.get_by_role("link", name="Record an intervention").click()
    page.select_option("#id_item", label="E1.03 Contributo per le utenze domestiche")
    page.select_option("#id_provider", label="Comune di Perugia")
    page.fill("#id_starts_on", "2026-11-01")
    page.fill("#id_ends_on", "2026-10-01")
    page.fill("#id_amount", "250")
    page.select_option("#id_status", "active")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The end date cannot be before the start date.").wait_for()
    assert not Intervention.objects.exists()
    page.fill("#id_ends_on", "2027-04-30")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/casework/cases/{case.pk}/")
    intervention = Intervention.objects.get(case=case)
    assert (intervention.item.code, intervention.provider.name) == ("E1.03", "Comune di Perugia")
    row = page.get_by_role("row", name="E1.03")
    assert "Comune di Perugia" in row.inner_text() and "250" in row.inner_text()

    # An operator of another zone can neither find nor open the record.
    person = Person.objects.get(tax_code=NEW_CODE)
    stranger = make_member(Role.OPERATOR, zone_number=5)
    other = open_page(Client(), locale="en-GB")
    log_in(other, stranger, "/casework/")
    response = other.goto(f"/casework/persons/{person.pk}/")
    assert response.status == 404
    assert "Verdi" not in other.content()
    other.goto(f"/casework/persons/?q={NEW_CODE}")
    other.get_by_text("No person found among those you follow.").wait_for()
