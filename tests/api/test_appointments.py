"""`GET /api/v1/appointments/`: the user's own agenda, as the web's, for the field app's day.

Another operator's appointment is neither listed nor readable (404), even with a person both
follow; days are Europe/Rome's; every read is audited for the agenda; `since` brings what
was cancelled meanwhile."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.casework import actions as casework
from siso_platform.casework.models import Appointment

ROME = zoneinfo.ZoneInfo("Europe/Rome")
URL = "/api/v1/appointments/"

pytestmark = pytest.mark.django_db


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ROME)


def _appointment(operator, person, starts_at, **values) -> Appointment:
    """As the web books it; straight into the table for days already past."""
    values = {"kind": "home_visit", "place": "home", **values}
    return Appointment.objects.create(
        operator=operator, person=person, starts_at=starts_at, **values
    )


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def colleague(make_member):
    """Another operator of the same zone: follows the same persons, keeps their own diary."""
    return make_member(Role.OPERATOR, zone_number=2)


def test_only_my_own_appointments_are_listed_and_readable(
    as_user, operator, colleague, social_worker, case
):
    person = case.person
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    mine = casework.book_appointment(
        by=operator,
        person=person,
        case=case,
        starts_at=_at(tomorrow, 10),
        kind="home_visit",
        place="home",
    )
    theirs = casework.book_appointment(
        by=colleague, person=person, starts_at=_at(tomorrow, 11), kind="interview", place="office"
    )

    api = as_user(operator)
    response = api.get(URL, HTTP_ACCEPT_LANGUAGE="it")
    assert _ids(response) == [mine.pk]
    [row] = response.json()["results"]
    assert (row["person"], row["case"], row["kind"], row["place"], row["status"]) == (
        person.pk,
        case.pk,
        "home_visit",
        "home",
        "scheduled",
    )
    # Italian labels beside the codes
    assert (row["kind_label"], row["place_label"], row["status_label"]) == (
        "visita domiciliare",
        "al domicilio della persona",
        "in programma",
    )
    assert api.get(f"{URL}{mine.pk}/").status_code == 200
    assert api.get(f"{URL}{theirs.pk}/").status_code == 404  # as if it did not exist

    # The colleague sees theirs only; a social worker of the zone, nothing of either diary.
    assert _ids(as_user(colleague).get(URL)) == [theirs.pk]
    assert _ids(as_user(social_worker).get(URL)) == []
    assert as_user(social_worker).get(f"{URL}{mine.pk}/").status_code == 404


def test_a_person_i_no_longer_read_leaves_my_list(as_user, operator, person_in_zone):
    stranger = person_in_zone(5)  # not in the operator's zone, no case or access there
    _appointment(operator, stranger, _at(timezone.localdate(), 9))
    assert _ids(as_user(operator).get(URL)) == []


def test_a_day_is_a_day_in_rome(as_user, operator, case):
    # In December Rome is UTC+1: 23:30 on the 10th is 22:30Z, 00:30 on the 11th is 23:30Z of
    # the 10th. A day cut in UTC would put both on the 10th.
    day = datetime.date(2026, 12, 10)
    late = _appointment(operator, case.person, _at(day, 23, 30))
    after_midnight = _appointment(
        operator, case.person, _at(day + datetime.timedelta(days=1), 0, 30)
    )
    early = _appointment(operator, case.person, _at(day, 0, 0))
    api = as_user(operator)
    assert _ids(api.get(URL, {"date": "2026-12-10"})) == sorted([late.pk, early.pk])
    assert _ids(api.get(URL, {"date": "2026-12-11"})) == [after_midnight.pk]
    assert _ids(api.get(URL, {"from": "2026-12-11", "to": "2026-12-17"})) == [after_midnight.pk]
    assert _ids(api.get(URL, {"from": "2026-12-10", "to": "2026-12-10"})) == sorted(
        [late.pk, early.pk]
    )
    # In summer (UTC+2) as well: 00:30 of 1 July is 22:30Z of 30 June.
    july = _appointment(operator, case.person, _at(datetime.date(2026, 7, 1), 0, 30))
    assert _ids(api.get(URL, {"date": "2026-06-30"})) == []
    assert _ids(api.get(URL, {"date": "2026-07-01"})) == [july.pk]


def test_status_filter_and_bad_days_are_refused_naming_the_field(as_user, operator, case):
    day = timezone.localdate()
    held = _appointment(operator, case.person, _at(day, 9), status="done")
    _appointment(operator, case.person, _at(day, 11))
    api = as_user(operator)
    assert _ids(api.get(URL, {"status": "done"})) == [held.pk]
    for query, field in (
        ({"date": "31/02/2026"}, "date"),
        ({"from": "domani"}, "from"),
        ({"from": "2026-12-10", "to": "2026-12-01"}, "to"),
        ({"status": "forse"}, "status"),
    ):
        response = api.get(URL, query, HTTP_ACCEPT_LANGUAGE="it")
        assert response.status_code == 400, query
        assert field in response.json()["errors"], response.json()


def test_each_person_shown_is_audited_for_the_agenda(as_user, operator, case, person_in_zone):
    other = person_in_zone(2)
    day = timezone.localdate()
    first = _appointment(operator, case.person, _at(day, 9))
    _appointment(operator, other, _at(day, 11))
    _appointment(operator, case.person, _at(day, 15))
    api = as_user(operator)
    before = AuditEvent.objects.count()
    _ids(api.get(URL, {"date": day.isoformat()}))
    events = AuditEvent.objects.order_by("pk")[before:]
    assert sorted(event.person_id for event in events) == sorted([case.person.pk, other.pk])
    assert {(e.action, e.actor_id, e.object_type, e.purpose) for e in events} == {
        ("view", operator.pk, "casework.appointment", "agenda")
    }
    assert all(event.detail == {"channel": "api"} for event in events)

    api.get(f"{URL}{first.pk}/")
    [event] = AuditEvent.objects.order_by("pk")[before + 2 :]
    assert (event.person_id, event.object_id) == (case.person.pk, str(first.pk))


def test_since_a_cursor_a_cancelled_appointment_comes_again(as_user, operator, case):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    booked = [
        casework.book_appointment(
            by=operator,
            person=case.person,
            starts_at=_at(tomorrow, hour),
            kind="interview",
            place="office",
        )
        for hour in (9, 10)
    ]
    Appointment.objects.update(updated_at=timezone.now() - datetime.timedelta(hours=2))
    api = as_user(operator)
    first = api.get(URL)
    assert len(_ids(first)) == 2
    cursor = first.headers["Sync-Cursor"]
    assert _ids(api.get(URL, {"since": cursor})) == []
    casework.cancel_appointment(booked[1], by=operator)
    response = api.get(URL, {"since": cursor})
    assert _ids(response) == [booked[1].pk]
    assert response.json()["results"][0]["status"] == "cancelled"
    assert api.get(URL, {"since": "not-a-cursor"}).status_code == 400


def test_roles_without_a_diary_are_refused(as_user, make_member, body_operator):
    for user in (make_member(Role.REGIONAL_ADMIN), make_member(Role.AUDITOR), body_operator):
        assert as_user(user).get(URL).status_code == 403
