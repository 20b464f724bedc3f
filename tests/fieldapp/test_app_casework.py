"""A diary note and a delivery from a person's card in the field app, at phone size: written
offline, kept across a restart, sent once with the app as channel."""

import datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from siso_platform.casework import actions as casework
from siso_platform.casework.models import Delivery, DiaryNote, NeedCategory, NeedStatus
from tests.api.conftest import (  # noqa: F401 (fixtures)
    case,
    home_care,
    office,
    operator,
)
from tests.browser import axe_violations

from .conftest import PHONE
from .test_app_browser import first_visit, open_again, outbox, sign_in, wait_for_states

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fieldapp_browser")]


def from_the_card(page, person, link):
    page.goto(f"/app/#person/{person.pk}")
    page.wait_for_selector("#screen-person", state="visible")
    assert axe_violations(page) == []  # the card, with its buttons for an operator
    page.click(link)


def test_the_card_shows_the_open_needs_of_the_person_offline(open_app, operator, case):  # noqa: F811
    """The case was opened with an economic need; one closed since is history, not shown."""
    housing = NeedCategory.objects.get(code="housing")
    closed = casework.add_need(by=operator, case=case, category=housing, origin="detected")
    casework.set_need_status(closed, NeedStatus.CLOSED, by=operator)
    app = open_app()
    page = first_visit(app)
    sign_in(page, {"user": operator, "person": case.person})
    app.set_offline(True)
    page.goto(f"/app/#person/{case.person.pk}")
    needs = page.locator("#person-needs li")
    expect(needs).to_have_count(1)
    economic = NeedCategory.objects.get(code="economic")
    expect(needs.first).to_contain_text(str(economic.name))
    expect(needs.first).to_contain_text(str(NeedStatus.OPEN.label))


def test_a_diary_note_written_offline_arrives_once_from_the_app(open_app, operator, case):  # noqa: F811
    app = open_app()
    page = first_visit(app)
    person = case.person
    sign_in(page, {"user": operator, "person": person})
    app.set_offline(True)
    from_the_card(page, person, "#person-diary")
    page.wait_for_selector("#screen-diary", state="visible")
    assert page.input_value("#diary-person") == str(person.pk)  # the card's person
    page.select_option("#diary-case", str(case.pk))
    page.select_option("#diary-kind", "home_visit")
    page.fill("#diary-text", "Trovato in casa, sta meglio")
    assert axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("#diary-form button[type=submit]")
    page.wait_for_selector("#screen-outbox", state="visible")
    assert outbox(page) == [_("pending")]
    page.close()

    page = open_again(app, "/app/#outbox")  # reopened, still offline
    wait_for_states(page, _("pending"))
    assert not DiaryNote.objects.filter(case=case).exists()
    app.set_offline(False)
    wait_for_states(page, _("sent"))
    note = DiaryNote.objects.get(case=case)
    assert (note.kind, note.text, note.entered_via) == (
        "home_visit",
        "Trovato in casa, sta meglio",
        "app",
    )
    assert note.happened_on == datetime.date.today()


def test_hours_of_home_care_recorded_offline_arrive_once(open_app, operator, home_care):  # noqa: F811
    app = open_app()
    page = first_visit(app)
    casework.change_intervention(home_care, by=operator, status="active")
    person = home_care.person
    before = home_care.delivered_quantity
    sign_in(page, {"user": operator, "person": person})
    app.set_offline(True)
    from_the_card(page, person, "#person-delivery")
    page.wait_for_selector("#screen-delivery", state="visible")
    page.select_option("#delivery-intervention", str(home_care.pk))
    page.fill("#delivery-quantity", "3")
    assert axe_violations(page) == []
    page.click("#delivery-form button[type=submit]")
    page.wait_for_selector("#screen-outbox", state="visible")
    assert outbox(page) == [_("pending")]
    app.set_offline(False)
    wait_for_states(page, _("sent"))
    delivery = Delivery.objects.get(intervention=home_care)
    assert (delivery.quantity, delivery.entered_via) == (Decimal("3"), "app")
    home_care.refresh_from_db()
    assert home_care.delivered_quantity == before + 3
