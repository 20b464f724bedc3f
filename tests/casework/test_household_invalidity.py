"""The household page shows the civil invalidity in force of each member the viewer may read,
audited as health data; members out of the viewer's scope, and their verdicts, stay hidden."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.people import actions as people_actions
from siso_platform.people.facts import join_household

from ..conftest import municipality_in_zone
from ..factories import HouseholdFactory

D = datetime.date
PURPOSE = "civil invalidity of the household members"


@pytest.fixture
def household(operator, person_in_zone):
    """In Perugia (zone 2): Anna, of Perugia, 100% with the allowance, revised in 2027 (an
    older verdict replaced); Bruno, resident in zone 5, 75%."""
    home = HouseholdFactory()
    anna = person_in_zone(2, last_name="Bianchi", first_name="Anna", sex="F")
    bruno = person_in_zone(5, last_name="Bianchi", first_name="Bruno")
    join_household(anna, home, "head", since=D(2020, 1, 1))
    join_household(bruno, home, "spouse", since=D(2020, 1, 1))
    for percent, allowance, verdict_on, revision_on in (
        (70, False, D(2023, 5, 2), None),
        (100, True, D(2025, 3, 10), D(2027, 1, 10)),
    ):
        people_actions.record_invalidity(
            anna,
            by=operator,
            percent=percent,
            accompanying_allowance=allowance,
            verdict_on=verdict_on,
            revision_on=revision_on,
        )
    people_actions.record_invalidity(
        bruno, by=operator, percent=75, accompanying_allowance=False, verdict_on=D(2024, 9, 1)
    )
    return {"household": home, "anna": anna, "bruno": bruno}


def _section(page: str) -> str:
    found = re.search(r'id="member-invalidity-title".*?</section>', page, re.S)
    assert found, "no civil invalidity section"
    return found.group(0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _reads(person) -> int:
    return AuditEvent.objects.filter(action="view", person_id=person.pk, purpose=PURPOSE).count()


def test_an_operator_in_scope_reads_the_members_invalidity(english_client, operator, household):
    english_client.force_login(operator)
    url = reverse("casework:household", args=[household["household"].pk])
    response = english_client.get(url)
    assert response.status_code == 200
    shown = _text(_section(response.content.decode()))
    assert "Bianchi Anna 100% yes 10/03/2025 to be revised on 10/01/2027" in shown
    assert "70%" not in shown  # the replaced verdict: the person's page keeps the history
    # Bruno lives in another zone: listed as a member, his verdict is not the operator's to read.
    assert "Bruno" not in shown and "75%" not in shown
    assert (_reads(household["anna"]), _reads(household["bruno"])) == (1, 0)


def test_the_person_page_words_the_revision_the_same_way(english_client, operator, household):
    english_client.force_login(operator)
    page = english_client.get(reverse("casework:person", args=[household["anna"].pk]))
    rows = _text(re.search(r'class="invalidity-list".*?</table>', page.content.decode(), re.S)[0])
    assert "100% yes 10/03/2025 to be revised on 10/01/2027" in rows
    assert "70% replaced no 02/05/2023 valid until 09/03/2025" in rows


def test_only_the_members_the_viewer_may_read_and_nobody_out_of_scope(
    english_client, make_member, household
):
    # Zone 5 opens the household through Bruno, its resident: his verdict only.
    english_client.force_login(make_member(Role.OPERATOR, zone_number=5))
    url = reverse("casework:household", args=[household["household"].pk])
    shown = _text(_section(english_client.get(url).content.decode()))
    assert "Bianchi Bruno 75% no 01/09/2024 no revision planned" in shown
    assert "Anna" not in shown and "100%" not in shown
    assert (_reads(household["anna"]), _reads(household["bruno"])) == (0, 1)

    # A zone with neither member: 404, as before, and nothing read.
    assert municipality_in_zone(7) != household["household"].municipality
    english_client.force_login(make_member(Role.OPERATOR, zone_number=7))
    response = english_client.get(url)
    assert response.status_code == 404
    assert "Bianchi" not in response.content.decode()
    assert (_reads(household["anna"]), _reads(household["bruno"])) == (0, 1)


def test_the_members_verdicts_take_as_many_queries_for_five_members_as_for_one(
    client, operator, household, person_in_zone
):
    """The section reads every member's verdict at once, not one member at a time."""
    client.force_login(operator)
    url = reverse("casework:household", args=[household["household"].pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return sum("people_fact" in q["sql"] for q in captured.captured_queries)

    before = queries()
    assert before >= 1  # the verdicts are read from the facts table
    for n in range(4):
        member = person_in_zone(2, last_name="Bianchi", first_name=f"Figlio{n}")
        join_household(member, household["household"], "child", since=D(2021, 1, 1))
        people_actions.record_invalidity(
            member, by=operator, percent=80, accompanying_allowance=False, verdict_on=D(2024, 1, 1)
        )
    assert queries() == before
    assert _section(client.get(url).content.decode()).count("80%") == 4
