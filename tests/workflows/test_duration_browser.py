"""The deadline and wait widgets in a real browser, inside wagtail's StreamField: a stored
"P2W with working days" shows as 10 working days; an administrator picks "5 giorni lavorativi"
and saves; the procedure keeps P5D with the working-days flag."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from siso_platform.accounts.models import Role
from tests.browser import axe_violations
from workflows.publishing import current

from .conftest import end, make_definition, task, text


@pytest.fixture
def page(open_page, client, make_member):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = open_page(client)
    page.set_viewport_size({"width": 1366, "height": 900})
    return page


def test_an_administrator_chooses_5_working_days(page):
    definition = make_definition(
        [
            task(
                "check",
                "pause",
                deadline={"duration": "P2W", "working_days": True, "escalation": "notify"},
            ),
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
        slug="scadenze",
        title="Scadenze",
    )
    page.goto(reverse("wagtailsnippets_workflows_workflowdefinition:edit", args=[definition.pk]))
    number, unit = (
        page.locator("#body-0-value-deadline"),
        page.locator("#body-0-value-deadline_unit"),
    )
    expect(number).to_have_value("10")  # two working weeks
    expect(unit).to_have_value("working_days")
    expect(page.locator("#body-1-value-duration")).to_have_value("7")
    expect(page.locator("#body-1-value-duration_unit")).to_have_value("days")
    # A wait counts calendar time only: no working days to choose.
    assert page.locator('#body-1-value-duration_unit option[value="working_days"]').count() == 0
    expect(page.locator('[name="body-0-value-working_days"]')).to_be_hidden()
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        expect(number).to_be_visible()
        assert axe_violations(page) == []

    number.fill("5")
    unit.select_option("working_days")
    page.get_by_role("button", name="Salva bozza").click()
    expect(page.locator(".messages")).to_be_visible()
    definition.refresh_from_db()
    check, pause, _end = current(definition).graph["steps"]
    assert check["deadline"] == {"duration": "P5D", "working_days": True, "escalation": "notify"}
    assert pause["duration"] == "P7D"

    # Reopened, it reads "5 giorni lavorativi"; a calendar week for the wait.
    page.reload()
    expect(page.locator("#body-0-value-deadline")).to_have_value("5")
    expect(page.locator("#body-0-value-deadline_unit")).to_have_value("working_days")
    page.locator("#body-1-value-duration").fill("1")
    page.locator("#body-1-value-duration_unit").select_option("weeks")
    page.get_by_role("button", name="Salva bozza").click()
    expect(page.locator(".messages")).to_be_visible()
    definition.refresh_from_db()
    assert current(definition).graph["steps"][1]["duration"] == "P1W"
