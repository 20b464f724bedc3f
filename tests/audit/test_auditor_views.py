"""The auditor's question, "who looked at this person this week?", answered from the audit
area alone: the person found by tax code or name, the trail in words and in Rome time, its
downloads, each lookup, page and download audited, and nobody else let in."""

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from freezegun import freeze_time
from openpyxl import load_workbook

from siso_platform.accounts.models import Role
from siso_platform.audit import log as audit
from siso_platform.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2026, 1, 14, 11, 0, tzinfo=UTC)  # a Wednesday, winter: Rome is UTC+1
ROME = ZoneInfo("Europe/Rome")


def at(moment: datetime.datetime):
    return freeze_time(moment)


@pytest.fixture
def clock():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def story(clock, make_member, person_in_zone):
    """Two operators read one person this week; one of them also ten days ago, and another
    person today."""
    person, other = person_in_zone(2), person_in_zone(2)
    anna = make_member(Role.OPERATOR, zone_number=2)
    anna.first_name, anna.last_name = "Anna", "Bianchi"
    anna.save()
    bruno = make_member(Role.SOCIAL_WORKER, zone_number=2)
    bruno.first_name, bruno.last_name = "Bruno", "Verdi"
    bruno.save()
    clock.move_to(datetime.datetime(2026, 1, 12, 23, 30, tzinfo=UTC))  # 00:30 on the 13th, Rome
    audit.record("view", actor=anna, obj=person, person=person, purpose="colloquio")
    clock.move_to(datetime.datetime(2026, 1, 14, 9, 15, 7, tzinfo=UTC))  # 10:15:07, Rome
    audit.record("update", actor=bruno, obj=person, person=person, purpose="nuovo indirizzo")
    clock.move_to(datetime.datetime(2026, 1, 4, 8, 0, tzinfo=UTC))  # ten days ago
    audit.record("view", actor=anna, obj=person, person=person, purpose="vecchia lettura")
    clock.move_to(NOW)
    audit.record("view", actor=bruno, obj=other, person=other, purpose="altra persona")
    return person, anna, bruno


@pytest.fixture
def auditor(client, make_member):
    user = make_member(Role.AUDITOR)
    user.first_name, user.last_name = "Renata", "Revisora"
    user.save()
    client.force_login(user)
    return user


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def trail_rows(response) -> list[list[str]]:
    """The table's rows as the auditor reads them."""
    body = response.content.decode()
    body = body[body.index('class="listing audit-trail"') :]
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<td>(.*?)</td>", tr, re.S)
        rows.append([re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in cells])
    return rows


def operators_rows(rows, *names):
    return [row for row in rows if row[1] in names]


def test_the_auditor_types_a_tax_code_and_sees_who_read_the_person_this_week(
    client, story, auditor
):
    person = story[0]
    typed = " " + person.tax_code.lower() + " "
    response = client.get(reverse("audit:find_person"), {"tax_code": typed})
    assert response.status_code == 302
    trail = client.get(response["Location"])
    assert trail.status_code == 200
    rows = operators_rows(trail_rows(trail), "Anna Bianchi", "Bruno Verdi")
    # Newest first; Rome time (the night read falls on the 13th in Rome, the 12th in UTC).
    assert [row[0] for row in rows] == ["14/01/2026 10:15:07", "13/01/2026 00:30:00"]
    assert rows[0][1:4] == ["Bruno Verdi", rows[0][2], "Modifica"]
    assert "assistente sociale" in rows[0][2] or "social worker" in rows[0][2]
    assert "operatore" in rows[1][2] and rows[1][3] == "Consultazione"
    assert rows[1][4] == "Cartella sociale" and rows[1][5] == "colloquio"
    page = text(trail)
    assert "vecchia lettura" not in page and "04/01/2026" not in page  # ten days ago
    assert "altra persona" not in page
    assert f"{person.last_name} {person.first_name}" in page
    # The lookup and the page are audited, as concerning the person.
    mine = AuditEvent.objects.filter(actor=auditor)
    assert set(mine.values_list("person_id", flat=True)) == {person.pk}
    assert mine.filter(detail__query=person.tax_code).exists()
    assert mine.count() == 2


def test_the_period_and_filters_widen_and_narrow_the_trail(client, story, auditor):
    person, anna, _bruno = story
    url = reverse("audit:person_trail", args=[person.pk])
    wide = text(client.get(url, {"date_from": "2026-01-01", "date_to": "2026-01-14"}))
    assert "vecchia lettura" in wide and "04/01/2026 09:00:00" in wide
    only_anna = text(client.get(url, {"actor": str(anna.pk), "date_from": "2026-01-01"}))
    assert "Anna Bianchi" in only_anna and "nuovo indirizzo" not in only_anna
    updates = text(client.get(url, {"action": "update"}))
    assert "nuovo indirizzo" in updates and "colloquio" not in updates
    # This week: Monday the 12th to today.
    week = client.get(url, {"date_from": "2026-01-12", "date_to": "2026-01-14"})
    assert len(operators_rows(trail_rows(week), "Anna Bianchi", "Bruno Verdi")) == 2


def test_the_trail_counts_and_pages_many_events(
    client, clock, make_member, person_in_zone, auditor
):
    person = person_in_zone(2)
    operator = make_member(Role.OPERATOR, zone_number=2)
    for minute in range(30):
        clock.move_to(NOW - datetime.timedelta(minutes=minute + 1))
        audit.record("view", actor=operator, obj=person, person=person, purpose=f"p{minute}")
    clock.move_to(NOW)
    url = reverse("audit:person_trail", args=[person.pk])
    first = client.get(url)
    assert len(trail_rows(first)) == 25
    with translation.override("it"):
        shown = gettext("Events found: %(count)s") % {"count": 30}
    assert shown in text(first)
    second = client.get(url, {"page": 2})
    assert len(trail_rows(second)) == 6  # five more reads and the first page's own event
    assert client.get(url, {"page": "abc"}).status_code == 200


def test_a_name_search_lists_candidates_without_their_record(
    client, story, auditor, person_in_zone
):
    person = story[0]
    namesake = person_in_zone(5, last_name=person.last_name, first_name="Maria", sex="F")
    response = client.get(reverse("audit:find_person"), {"last_name": person.last_name.upper()})
    assert response.status_code == 200
    page = text(response)
    for found in (person, namesake):
        assert f"{found.last_name} {found.first_name}" in page
        assert str(found.birth_date.year) in page
        assert found.residence_municipality.name in page
        assert found.tax_code not in page
        assert found.birth_date.strftime("%d/%m/%Y") not in page
        assert reverse("audit:person_trail", args=[found.pk]) in page
    # Choosing the namesake filters the trail by her: nobody read her.
    assert "colloquio" not in text(client.get(reverse("audit:person_trail", args=[namesake.pk])))
    with_first_name = text(
        client.get(
            reverse("audit:find_person"), {"last_name": person.last_name, "first_name": "maria"}
        )
    )
    assert f"{person.last_name} Maria" in with_first_name
    assert f"{person.last_name} Mario" not in with_first_name
    lookup = AuditEvent.objects.filter(actor=auditor, detail__query=person.last_name.upper())
    assert sorted(lookup.values_list("person_id", flat=True)) == sorted([person.pk, namesake.pk])


def test_bad_lookups_are_explained_and_still_audited(client, clock, auditor):
    response = client.get(reverse("audit:find_person"), {"tax_code": "ABC"})
    assert response.status_code == 200 and "tax_code" in response.context["form"].errors
    response = client.get(reverse("audit:find_person"), {"last_name": "R"})
    assert "last_name" in response.context["form"].errors
    missing = client.get(reverse("audit:find_person"), {"tax_code": "RSSMRA80A01G478X"})
    assert missing.status_code == 200 and missing.context["not_found"]
    event = AuditEvent.objects.get(actor=auditor)
    assert event.person_id is None and event.detail == {"query": "RSSMRA80A01G478X", "found": 0}


def test_a_wrong_period_is_explained_not_a_server_error(client, story, auditor):
    person = story[0]
    url = reverse("audit:person_trail", args=[person.pk])
    backwards = client.get(url, {"date_from": "2026-01-14", "date_to": "2026-01-01"})
    assert backwards.status_code == 200 and "date_to" in backwards.context["form"].errors
    assert AuditEvent.objects.filter(actor=auditor, person=person).count() == 1
    for bad in ({"date_from": "ieri"}, {"actor": "abc"}, {"action": "steal"}):
        assert client.get(url, bad).status_code == 200
    assert client.get(reverse("audit:person_trail", args=[999_999])).status_code == 404


def _csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_downloads_hold_the_pages_rows_in_rome_time_and_are_audited(client, story, auditor):
    person = story[0]
    url = reverse("audit:person_trail", args=[person.pk])
    period = {"date_from": "2026-01-01", "date_to": "2026-01-14"}
    shown = trail_rows(client.get(url, period))
    with translation.override("it"):
        headers = [
            gettext(h)
            for h in (
                "Date and time",
                "Who",
                "Role and organisation",
                "Action",
                "Object",
                "Purpose",
            )
        ]
    assert headers[1] == "Chi" and headers[3] == "Azione"  # already translated words

    response = client.get(url, {**period, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0] == headers
    by_time = {row[0]: row for row in rows[1:]}
    for row in operators_rows(shown, "Anna Bianchi", "Bruno Verdi"):
        assert by_time[row[0]][:5] == row[:5] and by_time[row[0]][5] == row[5]
    assert "04/01/2026 09:00:00" in by_time and "13/01/2026 00:30:00" in by_time

    response = client.get(url, {**period, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(v) for v in sheet.iter_rows(values_only=True)]
    assert values[0] == headers
    # The same rows (the XLSX holds one more: the CSV's download, itself audited).
    xlsx = [[v[0].strftime("%d/%m/%Y %H:%M:%S"), *(c or "" for c in v[1:])] for v in values[1:]]
    assert xlsx[1:] == rows[1:]
    assert xlsx[0][1] == "Renata Revisora" and xlsx[0][3] == "Esportazione"

    exports = AuditEvent.objects.filter(actor=auditor, action="export", person_id=person.pk)
    assert {e.detail["format"]: e.detail["rows"] for e in exports} == {
        "csv": len(rows) - 1,
        "xlsx": len(xlsx),
    }


def test_a_time_reads_the_same_in_the_list_the_event_page_and_the_download(client, story, auditor):
    person = story[0]
    event = AuditEvent.objects.get(purpose="nuovo indirizzo")
    expected = event.timestamp.astimezone(ROME).strftime("%d/%m/%Y %H:%M:%S")
    assert expected == "14/01/2026 10:15:07"
    trail_url = reverse("audit:person_trail", args=[person.pk])
    assert expected in text(client.get(trail_url))
    index = text(client.get(reverse("audit:index")))
    assert expected in index and "Modifica" in index and "Cartella sociale" in index
    detail = text(client.get(reverse("audit:inspect", args=[event.pk])))
    assert expected in detail and "09:15" not in detail  # never the UTC hour
    download = _csv_rows(client.get(trail_url, {"export": "csv"}))
    assert expected in [row[0] for row in download]


def test_the_audit_log_leads_to_the_person_lookup_the_grants_and_the_exports(
    client, story, auditor
):
    page = client.get(reverse("audit:index")).content.decode()
    assert reverse("audit:find_person") in page
    assert reverse("privilege-grants:index") in page
    lookup = client.get(reverse("audit:find_person")).content.decode()
    assert reverse("privilege-grants:index") in lookup
    assert reverse("audit:index") + "?action=export" in lookup


@pytest.mark.parametrize(
    "role",
    [
        Role.REGIONAL_ADMIN,
        Role.ZONE_ADMIN,
        Role.OPERATOR,
        Role.SOCIAL_WORKER,
        Role.DATA_STEWARD,
        Role.THIRD_SECTOR_OPERATOR,
    ],
)
def test_no_other_role_reaches_the_lookup_or_the_trail(client, story, make_member, role):
    person = story[0]
    before = AuditEvent.objects.count()
    if role == Role.THIRD_SECTOR_OPERATOR:
        from tests.factories import accredited_body

        user = make_member(role, organisation=accredited_body("Coop", 2).organisation)
    else:
        user = make_member(role, zone_number=2)
    client.force_login(user)
    for url, query in (
        (reverse("audit:find_person"), {"tax_code": person.tax_code}),
        (reverse("audit:person_trail", args=[person.pk]), {"export": "csv"}),
        (reverse("audit:person_trail", args=[person.pk]), {}),
    ):
        response = client.get(url, query)
        assert response.status_code in (302, 403)
        assert person.tax_code not in response.content.decode()
        assert "colloquio" not in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_anonymous_is_sent_to_the_login(client, story):
    response = client.get(reverse("audit:find_person"), {"tax_code": story[0].tax_code})
    assert response.status_code == 302 and "?next=/admin/audit/person/" in response["Location"]


def test_the_privilege_grants_show_rome_time_too(client, clock, make_member, auditor):
    admin = make_member(Role.ZONE_ADMIN, zone_number=2)
    clock.move_to(datetime.datetime(2026, 7, 1, 22, 5, 9, tzinfo=UTC))  # summer: UTC+2
    audit.record("create", actor=admin, obj="accounts.membership", detail={"change": "grant"})
    clock.move_to(NOW)
    page = text(client.get(reverse("privilege-grants:index")))
    assert "02/07/2026 00:05:09" in page
