"""The app syncs only what changed: `?since=<cursor>` on the lists of its working set."""

import datetime

from django.utils import timezone

from siso_platform.casework import actions as casework
from siso_platform.casework.models import Access, CarePlan, Case, DiaryNote, Intervention
from siso_platform.people.models import Person
from tests import factories


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def _age(*models):
    """As if every row had last changed two hours ago."""
    then = timezone.now() - datetime.timedelta(hours=2)
    for model, field in models:
        model.objects.update(**{field: then})


def test_since_a_cursor_only_the_changed_rows_come(
    as_user, operator, social_worker, office, person_in_zone, home_care
):
    api = as_user(operator)
    other = factories.taken_in_charge(operator, person_in_zone(2), "Affitto", office)
    first = api.get("/api/v1/cases/")
    assert len(_ids(first)) == 2
    cursor = first.headers["Sync-Cursor"]
    _age(
        (Case, "updated_at"),
        (CarePlan, "updated_at"),
        (Person, "updated_at"),
        (Access, "updated_at"),
        (Intervention, "updated_at"),
        (DiaryNote, "written_at"),
    )
    cursors = {
        path: api.get(f"/api/v1/{path}/").headers["Sync-Cursor"]
        for path in ("persons", "accesses", "interventions", "diary-notes")
    }
    for path, since in cursors.items():
        assert _ids(api.get(f"/api/v1/{path}/", {"since": since})) == set(), path

    # one case gets its social worker, the other a diary note; an access, an intervention
    casework.set_social_worker(other, social_worker, by=operator)
    note = casework.write_note(by=operator, case=home_care.case, kind="note", text="Sentita")
    casework.change_intervention(home_care, by=operator, status="active")
    assert _ids(api.get("/api/v1/cases/", {"since": cursor})) == {other.pk}
    assert _ids(api.get("/api/v1/diary-notes/", {"since": cursors["diary-notes"]})) == {note.pk}
    changed = _ids(api.get("/api/v1/interventions/", {"since": cursors["interventions"]}))
    assert changed == {home_care.pk}
    # without a cursor, everything, as before
    assert len(_ids(api.get("/api/v1/cases/"))) == 2


def test_a_cursor_that_is_not_ours_is_refused(as_user, operator):
    response = as_user(operator).get("/api/v1/cases/", {"since": "2020-01-01T00:00:00"})
    assert response.status_code == 400
    assert "since" in response.json()["errors"]
