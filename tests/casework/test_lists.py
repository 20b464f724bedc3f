"""The cases list and person search as lists that can be worked: filters, pages with the
total, audited downloads of the user's own zone only."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.casework import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_case(category, person_in_zone, make_member):
    """A case opened on a new access, in zone `number`, for a person of that surname."""

    def make(number=2, last_name="Rossi", by=None):
        by = by or make_member(Role.OPERATOR, zone_number=number)
        office = by.memberships.get().office
        access = actions.register_access(
            by=by,
            office=office,
            person=person_in_zone(number, last_name=last_name),
            channel="in_person",
            reason="Richiesta di aiuto",
            outcome="taking_in_charge",
        )
        return actions.open_case(
            by=by, person=access.person, office=office, access=access, needs=[category]
        )

    return make


def test_the_cases_list_filters_by_status_and_surname_and_counts(
    english_client, operator, open_case
):
    for name in ("Bianchi", "Bianchi", "Verdi"):
        open_case(2, name, by=operator)
    closing = open_case(2, "Neri", by=operator)
    actions.close_case(
        closing, by=operator, closed_on=closing.opened_on, outcome="goals_reached", note="Fatto"
    )
    english_client.force_login(operator)
    url = reverse("casework:cases")

    everything = english_client.get(url).content.decode()
    bianchi = english_client.get(url, {"q": "bianchi"}).content.decode()
    still_open = english_client.get(url, {"status": "open"}).content.decode()

    assert "4 cases" in everything and everything.count('class="case-row"') == 4
    assert "2 cases" in bianchi and "Verdi" not in bianchi
    assert "3 cases" in still_open and "Neri" not in still_open


def test_my_cases_are_the_ones_i_follow_under_their_own_heading(
    english_client, operator, make_member, open_case
):
    worker = make_member(Role.SOCIAL_WORKER, zone_number=2)
    mine = open_case(2, "Bianchi", by=operator)
    actions.set_social_worker(mine, worker, by=operator)
    open_case(2, "Verdi", by=operator)
    english_client.force_login(worker)
    url = reverse("casework:cases")

    page = english_client.get(url, {"social_worker": "me"}).content.decode()
    assert "<h1>My cases</h1>" in page
    assert "1 case" in page and "Bianchi" in page and "Verdi" not in page
    assert "<h1>Cases</h1>" in english_client.get(url).content.decode()


def test_the_cases_export_is_the_zones_only_italian_and_audited(client, operator, open_case):
    mine = open_case(2, "Bianchi", by=operator)
    theirs = open_case(5, "Gialli")
    client.force_login(operator)

    response = client.get(reverse("casework:cases"), {"export": "csv"})
    as_xlsx = client.get(reverse("casework:cases"), {"export": "xlsx"})

    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][1:3] == ["Cognome", "Nome"] and rows[0][-2] == "Stato"
    assert len(rows) == 2 and rows[1][1] == "Bianchi"
    assert "Gialli" not in response.content.decode("utf-8-sig")
    assert rows[1][4].count("/") == 2  # opened on, dd/mm/yyyy
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Bianchi"]
    exported = AuditEvent.objects.filter(actor=operator, action="export")
    assert exported.filter(person=None, object_type="casework.cases").count() == 2
    assert set(exported.exclude(person=None).values_list("person_id", flat=True)) == {
        mine.person_id
    }
    assert not exported.filter(person_id=theirs.person_id).exists()


def test_person_search_has_no_cap_at_fifty_and_shows_the_total(
    english_client, operator, person_in_zone
):
    for _n in range(55):
        person_in_zone(2, last_name="Moltissimi")
    english_client.force_login(operator)
    url = reverse("casework:persons")

    first = english_client.get(url, {"q": "moltissimi"}).content.decode()
    third = english_client.get(url, {"q": "moltissimi", "page": 3}).content.decode()

    assert "55 persons found" in first and "page 1 of 3" in first
    assert third.count("Moltissimi") == 5 and "page 3 of 3" in third
    assert "q=moltissimi&amp;page=2" in first
    shown = AuditEvent.objects.filter(actor=operator, purpose="person search")
    assert shown.count() == 25 + 5
