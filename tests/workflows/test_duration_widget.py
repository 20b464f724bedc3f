"""Deadlines and waits are chosen as a number and a unit ("5 giorni lavorativi") and stored as
the same ISO 8601 string and working-days flag as before, with the same meaning."""

import datetime
import html
import json
import re

import pytest
from django.urls import reverse

from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from workflows.duration_widget import (
    DAYS,
    HOURS,
    MONTHS,
    OTHER,
    WEEKS,
    WORKING_DAYS,
    compose,
    parts,
)
from workflows.durations import add_duration
from workflows.models import WorkflowDefinition
from workflows.publishing import current

from .admin_post import definition_post_data
from .conftest import end, make_definition, task, text

EDIT_URL = "wagtailsnippets_workflows_workflowdefinition:edit"


@pytest.mark.parametrize(
    "stored, working_days, shown",
    [
        ("P5D", True, ("5", WORKING_DAYS)),
        ("P5D", False, ("5", DAYS)),
        ("P2W", False, ("2", WEEKS)),
        ("P2W", True, ("10", WORKING_DAYS)),  # a working week is five working days
        ("P1W3D", True, ("8", WORKING_DAYS)),
        ("P1W3D", False, ("10", DAYS)),
        ("PT48H", False, ("48", HOURS)),
        ("PT48H", True, ("48", HOURS)),  # hours are calendar time either way
        ("P1M", True, ("1", MONTHS)),
        ("P1Y2M", False, ("14", MONTHS)),
        ("P1DT12H", False, ("P1DT12H", OTHER)),
        ("P1MT2H", True, ("P1MT2H", OTHER)),
        ("dieci giorni", False, ("dieci giorni", OTHER)),
        ("", True, ("", "")),
        (None, False, ("", "")),
    ],
)
def test_a_stored_duration_is_shown_with_the_same_meaning(stored, working_days, shown):
    assert parts(stored, working_days) == shown
    number, unit = shown
    if stored and unit != OTHER:
        # Chosen again, it means the same deadline from any moment.
        again = compose(number, unit)
        flag = unit == WORKING_DAYS
        for start in (datetime.datetime(2026, 12, 23, 9), datetime.datetime(2027, 1, 29, 17)):
            assert add_duration(start, again, working_days=flag) == add_duration(
                start, stored, working_days=working_days
            )


@pytest.mark.parametrize(
    "number, unit, iso",
    [
        ("5", WORKING_DAYS, "P5D"),
        (" 7 ", DAYS, "P7D"),
        ("2", WEEKS, "P2W"),
        ("36", HOURS, "PT36H"),
        ("3", MONTHS, "P3M"),
        ("P1DT12H", OTHER, "P1DT12H"),
        ("", WORKING_DAYS, ""),
        ("cinque", DAYS, "cinque"),  # kept, so the publish check names it
        ("P10D", "", "P10D"),  # an ISO string posted as before still reads as itself
    ],
)
def test_a_number_and_a_unit_make_the_iso_string(number, unit, iso):
    assert compose(number, unit) == iso


@pytest.fixture
def regional_admin(make_member):
    return make_member(Role.REGIONAL_ADMIN)


def _graph(deadline):
    return {
        "slug": "scadenze",
        "title": text("Scadenze"),
        "steps": [
            task("check", "pause", deadline=deadline),
            {
                "key": "pause",
                "kind": "wait",
                "title": text("Attesa"),
                "duration": "P7D",
                "until": None,
                "next": "done",
            },
            end(),
        ],
    }


def test_saving_5_working_days_through_the_admin_stores_p5d_and_the_flag(client, regional_admin):
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    graph = _graph({"duration": "P10D", "working_days": False, "escalation": "reassign"})
    definition = make_definition(graph["steps"], slug="scadenze", title="Scadenze")
    client.force_login(regional_admin)
    data = definition_post_data(graph, owner=region.pk)
    data.pop("body-0-value-working_days", None)  # the hidden box: the unit decides
    data.update(
        {
            "body-0-value-deadline": "5",
            "body-0-value-deadline_unit": "working_days",
            "body-1-value-duration": "2",
            "body-1-value-duration_unit": "weeks",
        }
    )
    response = client.post(reverse(EDIT_URL, args=[definition.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    definition.refresh_from_db()
    check, pause, _end = current(definition).graph["steps"]
    assert check["deadline"] == {"duration": "P5D", "working_days": True, "escalation": "reassign"}
    assert pause["duration"] == "P2W"

    # And back: "5 days" (calendar) clears the flag.
    data.update({"body-0-value-deadline_unit": "days", "body-0-value-working_days": "on"})
    client.post(reverse(EDIT_URL, args=[definition.pk]), data)
    definition.refresh_from_db()
    check = current(definition).graph["steps"][0]
    assert check["deadline"] == {"duration": "P5D", "working_days": False, "escalation": "reassign"}


def test_the_edit_page_gives_the_widget_the_duration_and_the_flag(client, regional_admin):
    graph = _graph({"duration": "P2W", "working_days": True, "escalation": "notify"})
    definition = make_definition(graph["steps"], slug="scadenze")
    client.force_login(regional_admin)
    page = client.get(reverse(EDIT_URL, args=[definition.pk])).content.decode()
    match = re.search(r'<div id="body" data-block [^>]*data-w-block-data-value="([^"]*)"', page)
    assert match, "no steps StreamField on the page"
    definition_json = html.unescape(match[1])
    assert "siso.widgets.DurationInput" in definition_json
    assert "workflows/duration-widget.js" in page
    state = json.loads(
        html.unescape(
            re.search(
                r'<div id="body" data-block [^>]*data-w-block-arguments-value="([^"]*)"', page
            )[1]
        )
    )[0]
    task_state = state[0]["value"]
    assert task_state["deadline"] == {"duration": "P2W", "working_days": True}
    assert state[1]["value"]["duration"] == "P7D"
    assert WorkflowDefinition.objects.get(pk=definition.pk).graph["steps"][0]["deadline"] == {
        "duration": "P2W",
        "working_days": True,
        "escalation": "notify",
    }
