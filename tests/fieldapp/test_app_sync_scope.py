"""The app fetches only what changed since its last sync, and drops from the device what left
the user's scope: at phone size, a body's assignment ends on the server and, after the next
sync, nothing of that person is left in IndexedDB, while the person still assigned stays
without being fetched again."""

import datetime
import json
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.casework import actions as casework
from siso_platform.casework.models import CarePlan, Case, Intervention
from siso_platform.people.models import Person
from tests import factories
from tests.api.conftest import (  # noqa: F401 (fixtures)
    accredited_body,
    assignment,
    body_operator,
    case,
    home_care,
    office,
    operator,
)
from tests.browser import axe_violations

from .conftest import INDEXEDDB_DUMP, PHONE
from .test_app_browser import first_visit, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fieldapp_browser")]

LISTS = ("/api/v1/persons/", "/api/v1/cases/", "/api/v1/interventions/")


@pytest.fixture
def still_assigned(operator, office, accredited_body, person_in_zone):  # noqa: F811
    """A second person whose case the body keeps."""
    person = person_in_zone(2, last_name="Resta", first_name="Ornella")
    other = factories.taken_in_charge(operator, person, "Ha bisogno di compagnia", office)
    today = datetime.date.today()
    casework.assign_case(
        other, by=operator, body=accredited_body.organisation, starts_on=today, ends_on=None
    )
    return person


def _age_everything():
    """As if every row had last changed two hours ago (before the app's first sync)."""
    then = timezone.now() - datetime.timedelta(hours=2)
    for model in (Person, Case, CarePlan, Intervention):
        model.objects.update(updated_at=then)


def _lists(answers):
    """The list requests among `answers`: (path, query, the rows answered)."""
    return [
        (path, query, json.loads(body)["results"])
        for method, path, query, status, body in answers
        if method == "GET" and path in LISTS and status == 200
    ]


def _whole(answer, path) -> bool:
    """The answer to a list asked whole (without `since`)."""
    url = urlsplit(answer.url)
    return url.path == path and "since=" not in url.query


def _synced(page):
    page.wait_for_function(
        "(busy) => document.querySelector('#app-status').textContent !== busy",
        arg=_("Syncing…"),
    )


def test_an_ended_assignment_leaves_the_device_and_what_did_not_change_is_not_fetched_again(
    open_app,
    operator,  # noqa: F811
    body_operator,  # noqa: F811
    accredited_body,  # noqa: F811
    assignment,  # noqa: F811
    home_care,  # noqa: F811
    still_assigned,
):
    gone = assignment.case.person
    _age_everything()
    app = open_app(PHONE)
    page = first_visit(app)
    sign_in(page, {"user": body_operator, "person": gone})
    page.wait_for_function(
        "(name) => document.querySelector('#home-persons').textContent.includes(name)",
        arg=still_assigned.last_name,
    )
    _synced(page)
    dump = page.evaluate(INDEXEDDB_DUMP)
    assert gone.tax_code in dump and still_assigned.tax_code in dump
    first = _lists(app.answers)
    assert {path for path, _query, _rows in first} == set(LISTS)
    assert all("since=" not in query for _path, query, _rows in first)  # the first: whole

    casework.end_assignment(
        assignment, by=operator, ends_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    before = len(app.answers)
    page.click("#sync-now")
    page.wait_for_function(
        "(name) => !document.querySelector('#home-persons').textContent.includes(name)",
        arg=gone.last_name,
    )
    _synced(page)
    assert still_assigned.last_name in page.locator("#home-persons").inner_text()
    assert axe_violations(page) == []

    # Nothing of that person on the device: the person, the case, the intervention.
    dump = page.evaluate(INDEXEDDB_DUMP)
    assert gone.tax_code not in dump and gone.last_name not in dump
    assert json.dumps(gone.first_name)[1:-1] not in dump
    rows = json.loads(page.evaluate(STORES))
    assert [row["id"] for row in rows["persons"]] == [still_assigned.pk]
    assert assignment.case_id not in {row["id"] for row in rows["cases"]}
    assert home_care.pk not in {row["id"] for row in rows["interventions"]}

    # The second sync asked each list only for what changed, and nothing had: the person
    # still assigned stayed on the device without being fetched again.
    second = _lists(app.answers[before:])
    assert {path for path, _query, _rows in second} == set(LISTS)
    for path, query, answered in second:
        assert "since=" in query, path
        assert answered == [], path
    asked = {(path, query) for _method, path, query, _status, _body in app.answers[before:]}
    assert ("/api/v1/persons/ids/", "page_size=200&mine=true") in asked
    assert ("/api/v1/cases/ids/", "page_size=200&status=open&mine=true") in asked


# The rows of the working set's stores, read (not changed) to name what is left.
STORES = """async () => {
    const database = await idb.openDB("siso-app");
    const rows = {};
    for (const name of ["persons", "cases", "interventions"]) {
        rows[name] = await database.getAll(name);
    }
    database.close();
    return JSON.stringify(rows);
}"""


def test_a_person_entrusted_without_changing_comes_and_a_refused_cursor_fetches_whole(
    open_app,
    operator,  # noqa: F811
    office,  # noqa: F811
    body_operator,  # noqa: F811
    accredited_body,  # noqa: F811
    assignment,  # noqa: F811
    person_in_zone,
    settings,
):
    person = assignment.case.person
    later = factories.taken_in_charge(
        operator, person_in_zone(2, last_name="Affidata", first_name="Lina"), "Sola", office
    )
    _age_everything()
    app = open_app(PHONE)
    page = first_visit(app)
    sign_in(page, {"user": body_operator, "person": person})
    _synced(page)
    assert later.person.tax_code not in page.evaluate(INDEXEDDB_DUMP)

    # The case is entrusted to the body: neither the person nor the case changed, so no
    # cursor brings them; `ids/` names them, and the app fetches those lists whole.
    casework.assign_case(
        later, by=operator, body=accredited_body.organisation, starts_on=datetime.date.today()
    )
    before = len(app.answers)
    page.click("#sync-now")
    page.wait_for_function(
        "(name) => document.querySelector('#home-persons').textContent.includes(name)",
        arg="Affidata",
    )
    _synced(page)
    persons = [
        (query, rows) for path, query, rows in _lists(app.answers[before:]) if "persons" in path
    ]
    assert [("since=" in query, len(rows)) for query, rows in persons] == [(True, 0), (False, 2)]

    # A cursor the server no longer accepts (here: its key changed) is answered 400: the app
    # fetches each list whole and keeps working.
    settings.SECRET_KEY = "another-secret-key-for-the-cursors-" + "x" * 20
    before = len(app.answers)
    with page.expect_response(lambda answer: _whole(answer, "/api/v1/interventions/")):
        page.click("#sync-now")
    _synced(page)
    refused = [
        (path, query)
        for method, path, query, status, _body in app.answers[before:]
        if status == 400 and path in LISTS
    ]
    assert {path for path, _query in refused} == set(LISTS)
    assert all("since=" in query for _path, query in refused)
    whole = {path for path, query, rows in _lists(app.answers[before:]) if "since=" not in query}
    assert whole == set(LISTS)
    assert "Affidata" in page.locator("#home-persons").inner_text()
    assert person.last_name in page.locator("#home-persons").inner_text()
