"""Each role's main pages in a real browser, at phone and desktop widths: none is wider than
the screen, and axe-core finds no serious or critical accessibility fault on any of them.

The pages are those a role uses daily, on the permission matrices' world (tests/world.py): a
person of zone 2 with a household, an access, a case with a plan, an intervention given by an
accredited body, an alert and the body's activity report. Italian pages, as users see them.
On a phone, the lists' tables read as cards: each cell carries its column's heading.
"""

import pytest
from django.urls import reverse

from tests.browser import axe_violations

pytestmark = pytest.mark.django_db

PHONE, DESKTOP = 390, 1366


def _pages(role: str, place) -> list[str]:
    person, case = place.person, place.case
    staff = [
        reverse("casework:home"),
        reverse("casework:persons") + "?q=a",
        reverse("casework:person", args=[person]),
        reverse("casework:household", args=[place.household]),
        reverse("casework:access", args=[place.access]),
        reverse("casework:case", args=[case]),
        reverse("casework:cases"),
        reverse("workflows:inbox"),
        reverse("forms:index"),
        reverse("monitoring:alerts"),
        reverse("monitoring:alert", args=[place.alert]),
        reverse("monitoring:screenings"),
    ]
    return {
        # The operator's pages are the social worker's but for the screenings.
        "operator": staff[:5],
        "social_worker": staff,
        # The zone administrator's other pages are the social worker's too.
        "zone_admin": [staff[0], staff[6], reverse("monitoring:analysis_zone", args=[2])],
        "regional_admin": [
            reverse("monitoring:analysis_region"),
            reverse("monitoring:analysis_zone", args=[2]),
        ],
        "third_sector_operator": [reverse("thirdsector:body")],
        "auditor": [reverse("audit:find_person"), reverse("audit:person_trail", args=[person])],
    }[role]


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize(
    "role",
    [
        "operator",
        "social_worker",
        "zone_admin",
        "regional_admin",
        "third_sector_operator",
        "auditor",
    ],
)
def test_each_role_s_pages_fit_a_phone_and_pass_axe(open_page, client, world, settings, role):
    settings.SISO_2FA_REQUIRED = False
    client.force_login(world.users[role])
    page = open_page(client)
    faults = []
    for path in _pages(role, world.here):
        for width in (PHONE, DESKTOP):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(path)
            if response.status != 200:
                faults.append(f"{path}: {response.status}")
                break
            page.wait_for_load_state("load")
            if (overflow := _overflow(page)) > 0:
                faults.append(f"{path} at {width} px: {overflow} px wider than the screen")
            faults += [f"{path} at {width} px: {fault}" for fault in axe_violations(page)]
    assert faults == []


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_list_reads_as_cards_on_a_phone_and_as_a_table_on_a_desktop(
    open_page, client, world, width
):
    client.force_login(world.users["social_worker"])
    page = open_page(client)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("casework:cases"))
    page.wait_for_load_state("load")
    table = page.locator("main table").first
    headings = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    first_row = table.locator("tbody tr").first
    labels = [cell.get_attribute("data-label") for cell in first_row.locator("td").all()]
    assert labels == headings[: len(labels)]
    header_shown = table.locator("thead").bounding_box()["height"] > 1
    cell = first_row.locator("td").first.bounding_box()
    row = first_row.bounding_box()
    if width == PHONE:
        assert not header_shown
        assert cell["width"] >= row["width"] - 2  # each cell on its own line, full width
    else:
        assert header_shown
        assert cell["width"] < row["width"] / 2
