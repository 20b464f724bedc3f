"""`?mine=true`: the persons a user follows, and their cases and interventions — the web's "my
persons" and the field app's working set. Never more than the scope: the rest of the zone's
persons stay on the server."""

import datetime

import pytest
from django.utils import timezone

from siso_platform.accounts.models import Role
from siso_platform.casework import actions as casework
from siso_platform.casework.models import Case
from siso_platform.casework.visibility import RECENT_ACCESS_DAYS
from tests import factories

from .conftest import DAY

pytestmark = pytest.mark.django_db


def ids(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    rows = response.json()
    return {row["id"] for row in rows.get("results", rows)}


def scope_ids(client, path):
    response = client.get(path.replace("/?", "/ids/?"))
    assert response.status_code == 200, response.content
    return set(response.json()["ids"])


@pytest.fixture
def zone(operator, social_worker, office, person_in_zone):
    """Persons of zone 2: one per reason to follow them, and one the social worker does not."""
    today = timezone.localdate()
    persons = {name: person_in_zone(2) for name in ("mine", "recent", "old", "visit", "other")}
    mine = factories.taken_in_charge(operator, persons["mine"], "Affitto arretrato", office)
    casework.set_social_worker(mine, social_worker, by=operator)
    for name, days in (("recent", RECENT_ACCESS_DAYS - 1), ("old", RECENT_ACCESS_DAYS + 1)):
        casework.register_access(
            by=social_worker,
            office=office,
            person=persons[name],
            channel="in_person",
            reason="Informazioni",
            outcome="information",
            date=today - days * DAY,
        )
    casework.book_appointment(
        by=social_worker,
        person=persons["visit"],
        starts_at=timezone.now() + datetime.timedelta(days=2),
        kind="home_visit",
        place="home",
    )
    # someone else's case: in the social worker's scope, not among the persons they follow
    factories.taken_in_charge(operator, persons["other"], "Spesa", office)
    return persons


def test_a_social_worker_follows_their_cases_recent_accesses_and_visits(
    as_user, social_worker, zone
):
    client = as_user(social_worker)
    everyone = ids(client, "/api/v1/persons/?page_size=200")
    followed = ids(client, "/api/v1/persons/?page_size=200&mine=true")
    expected = {zone[name].pk for name in ("mine", "recent", "visit")}
    assert followed == expected
    assert {zone["old"].pk, zone["other"].pk} <= everyone - followed
    assert scope_ids(client, "/api/v1/persons/?mine=true") == expected
    # their cases: the open cases of the persons followed, not the zone's
    cases = ids(client, "/api/v1/cases/?status=open&mine=true")
    assert cases == set(Case.objects.filter(person=zone["mine"]).values_list("pk", flat=True))
    assert scope_ids(client, "/api/v1/cases/?status=open&mine=true") == cases


def test_without_mine_the_whole_scope_is_listed_as_before(as_user, social_worker, zone):
    client = as_user(social_worker)
    assert {person.pk for person in zone.values()} <= ids(
        client, "/api/v1/persons/?page_size=200&mine=false"
    )


def test_a_body_operator_follows_every_person_entrusted_to_the_body(
    as_user, body_operator, accredited_body, assignment, home_care
):
    client = as_user(body_operator)
    assert ids(client, "/api/v1/persons/?mine=true") == {assignment.case.person_id}
    assert ids(client, "/api/v1/interventions/?mine=true") == {home_care.pk}


def test_an_operator_follows_nobody_of_another_zone(as_user, operator, person_in_zone, make_member):
    elsewhere = make_member(Role.OPERATOR, zone_number=5)
    factories.taken_in_charge(
        elsewhere, person_in_zone(5), "Altro", elsewhere.memberships.get().office
    )
    assert ids(as_user(operator), "/api/v1/persons/?mine=true") == set()


def test_the_persons_of_the_tasks_in_my_queue_are_followed(as_user, report_review, social_worker):
    """A social worker who reviews a body's report needs its person's card on the device."""
    from workflows.flows import process_data

    subject = process_data(report_review.process)["context"]["subject"]
    assert ids(as_user(social_worker), "/api/v1/persons/?mine=true") == {subject}
