"""The daily work in a real browser, at phone and desktop width: a social worker writes a
diary note on a case, books a home visit with the person, finds it in their agenda and the
person in "my persons"; each page fits the screen and passes axe."""

import datetime

import pytest
from django.utils import timezone

from siso_platform.accounts.models import Role
from siso_platform.casework import actions
from siso_platform.casework.models import Appointment, DiaryNote

from .test_cross_zone_browser import assert_fits


@pytest.fixture
def social_worker(make_member):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)


@pytest.mark.parametrize("width", [390, 1366])
def test_a_note_a_home_visit_the_agenda_and_my_persons(
    open_page, client, operator, social_worker, case, width
):
    actions.set_social_worker(case, social_worker, by=operator)
    person = case.person
    client.force_login(social_worker)
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})

    # The diary note, on the case page.
    page.goto(f"/casework/cases/{case.pk}/")
    page.get_by_text("Write a note").click()
    page.select_option("#id_kind", "phone_call")
    page.fill("#id_text", "Sentita la scuola: frequenza regolare")
    page.get_by_role("button", name="Save the note").click()
    page.wait_for_url(f"**/casework/cases/{case.pk}/**")
    diary = page.get_by_role("region", name="Diary")
    assert "Sentita la scuola: frequenza regolare" in diary.inner_text()
    assert DiaryNote.objects.get().written_by == social_worker
    assert_fits(page, width)

    # A home visit tomorrow, booked from the person's record.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.goto(f"/casework/persons/{person.pk}/")
    page.get_by_role("link", name="Book an appointment").click()
    page.wait_for_url("**/appointments/new/")
    assert_fits(page, width)
    page.fill("#id_date", tomorrow.isoformat())
    page.fill("#id_time", "10:30")
    page.select_option("#id_kind", "home_visit")
    page.select_option("#id_place", "home")
    page.fill("#id_place_detail", "Via dei Priori 3, Perugia")
    page.get_by_role("button", name="Book").click()
    page.wait_for_url("**/casework/agenda/**")
    visit = Appointment.objects.get()
    assert (visit.operator, visit.case, visit.kind) == (social_worker, case, "home_visit")

    # My agenda shows it on its day, with the person and the place.
    page.goto("/casework/agenda/")
    day = page.get_by_role("region", name=tomorrow.strftime("%d/%m/%Y"))
    text = day.inner_text()
    assert "10:30" in text and f"{person.last_name} {person.first_name}" in text
    assert "Via dei Priori 3" in text
    assert_fits(page, width)

    # My persons lists the person of the case.
    page.goto("/casework/persons/mine/")
    item = page.locator(".my-person")
    assert f"{person.last_name} {person.first_name}" in item.inner_text()
    assert tomorrow.strftime("%d/%m/%Y") in item.inner_text()  # the next appointment
    assert_fits(page, width)
