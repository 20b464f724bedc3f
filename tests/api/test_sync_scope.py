"""What the app may still keep: `ids/` of each list it syncs answers the ids of the rows the
list returns now, for the user's own scope only, so that rows that left it leave the device."""

import datetime

import pytest

from siso_platform.accounts.models import Role
from siso_platform.casework import actions as casework
from siso_platform.casework.models import Access
from tests import factories

SYNCED = ("persons", "accesses", "cases", "interventions", "diary-notes")


def _ids(api, path, **params) -> set[int] | int:
    response = api.get(f"/api/v1/{path}/ids/", params)
    if response.status_code != 200:
        return response.status_code
    ids = response.json()["ids"]
    assert ids == sorted(ids)
    return set(ids)


@pytest.fixture
def elsewhere(make_member, person_in_zone):
    """A case in zone 5, with a note and an intervention: nobody of zone 2 may read it."""
    operator = make_member(Role.OPERATOR, zone_number=5)
    office = operator.memberships.get().office
    case = factories.taken_in_charge(operator, person_in_zone(5), "Solo", office)
    note = casework.write_note(by=operator, case=case, kind="note", text="Altrove")
    return {"case": case, "note": note, "person": case.person}


def test_an_operator_gets_the_ids_of_their_zone_only(as_user, operator, case, home_care, elsewhere):
    api = as_user(operator)
    note = casework.write_note(by=operator, case=case, kind="note", text="Sentita")
    access = Access.objects.get(person=case.person)
    # the ids are those of the list, and nothing else
    for path in SYNCED:
        listed = {
            row["id"] for row in api.get(f"/api/v1/{path}/", {"page_size": 200}).json()["results"]
        }
        assert _ids(api, path) == listed, path
    assert case.person.pk in _ids(api, "persons")
    assert elsewhere["person"].pk not in _ids(api, "persons")
    assert _ids(api, "cases") == {case.pk}
    assert _ids(api, "interventions") == {home_care.pk}
    assert _ids(api, "diary-notes") == {note.pk}
    assert access.pk in _ids(api, "accesses")
    # the list's filters apply: the app keeps open cases only
    assert _ids(api, "cases", status="closed") == set()
    assert _ids(api, "cases", status="open") == {case.pk}
    assert _ids(api, "cases", status="nonsense") == 400


def test_the_zone_five_operator_gets_none_of_zone_two(as_user, make_member, case, elsewhere):
    api = as_user(elsewhere["case"].access.recorded_by)
    assert case.person.pk not in _ids(api, "persons")
    assert _ids(api, "cases") == {elsewhere["case"].pk}
    assert _ids(api, "diary-notes") == {elsewhere["note"].pk}


def test_a_body_gets_what_its_assignment_shows_until_it_ends(
    as_user, operator, body_operator, accredited_body, assignment, home_care, elsewhere
):
    api = as_user(body_operator)
    person = assignment.case.person
    assert _ids(api, "persons") == {person.pk}
    assert _ids(api, "cases") == {assignment.case.pk}
    assert _ids(api, "interventions") == {home_care.pk}
    # never the diary or the accesses: not through an assignment
    assert _ids(api, "diary-notes") == 403
    assert _ids(api, "accesses") == 403

    casework.end_assignment(
        assignment, by=operator, ends_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    for path in ("persons", "cases", "interventions"):
        assert _ids(api, path) == set(), path


@pytest.mark.parametrize("role", [Role.REGIONAL_ADMIN, Role.AUDITOR])
def test_roles_without_the_lists_get_no_ids(as_user, make_member, case, role):
    api = as_user(make_member(role))
    for path in SYNCED:
        assert _ids(api, path) == 403, path


def test_the_ids_need_a_signed_in_user(client, case):
    assert client.get("/api/v1/persons/ids/").status_code == 401
