"""A procedure's zone variant keeps its template link through every save, shows its
differences step by step, and takes in the template's new version by a three-way merge."""

import copy
import re

import pytest
from django.urls import reverse

from siso_platform.accounts.models import Role
from workflows.models import WorkflowDefinition
from workflows.publishing import current, publish

from .admin_post import definition_post_data
from .conftest import make_definition, task
from .test_admin import REVIEW

EDIT = "wagtailsnippets_workflows_workflowdefinition:edit"
LIST = "wagtailsnippets_workflows_workflowdefinition:list"


@pytest.fixture
def template(publish_steps):
    return publish_steps(REVIEW["steps"], slug="revisione", title="Revisione").definition


@pytest.fixture
def variant(client, zone_admin, template, zone_org):
    client.force_login(zone_admin)
    response = client.post(
        reverse("workflows_admin:variant", args=[template.pk]),
        {"owner": zone_org.pk, "slug": "revisione-zona-2"},
    )
    assert response.status_code == 302
    return WorkflowDefinition.objects.get(slug="revisione-zona-2")


@pytest.fixture
def zone_org(db):
    from siso_platform.accounts.models import Organisation

    return Organisation.objects.get(zone__number=2)


def save_in_editor(client, definition, change):
    """The editor's "Save draft" with the page's own template link and `change(graph)` made."""
    url = reverse(EDIT, args=[definition.pk])
    page = client.get(url)
    assert page.status_code == 200
    based_on = re.search(r'name="based_on"[^>]*value="(\d*)"', page.content.decode())
    graph = copy.deepcopy(current(definition).graph)
    change(graph)
    data = definition_post_data(
        graph, owner=definition.owner_id, based_on=based_on[1] if based_on else ""
    )
    data["description"] = current(definition).description
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    definition.refresh_from_db()
    return definition


def step(graph, key):
    return next(s for s in graph["steps"] if s["key"] == key)


def test_a_procedure_variant_keeps_its_template_link_through_three_saves(client, variant, template):
    v1 = template.latest_version
    assert variant.based_on_version == v1
    changes = [
        lambda g: step(g, "confirm").update(queue=True),
        lambda g: step(g, "review")["title"].update(it="Revisione di zona"),
        lambda g: step(g, "route")["title"].update(it="Esito della zona"),
    ]
    for number, change in enumerate(changes, start=1):
        save_in_editor(client, variant, change)
        assert variant.based_on == template, f"save {number} cut the link"
        assert variant.based_on_version == v1
    assert variant.revisions.count() == 4
    assert step(variant.graph, "route")["title"]["it"] == "Esito della zona"


def test_procedure_differences_and_merge(english_client, variant, template, make_member):
    client = english_client
    save_in_editor(client, variant, lambda g: step(g, "confirm").update(queue=True))
    save_in_editor(client, variant, lambda g: step(g, "review")["title"].update(it="Esame"))
    differences = reverse("workflows_admin:differences", args=[variant.pk])
    response = client.get(differences)
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["Esame"].details == [("title", "Revisione", "Esame")]
    assert rows["confirm"].details == [("shared queue", "no", "yes")]
    assert rows["Esame"].change_label == "step changed"

    # the region publishes v2: a new step before the end, and the review step retitled
    graph = copy.deepcopy(template.latest_version.graph)
    step(graph, "review")["title"]["it"] = "Istruttoria"
    step(graph, "confirm")["next"] = "archive"
    graph["steps"].insert(3, task("archive", "done", title="Archiviazione"))
    make_definition(graph["steps"], slug="revisione", title="Revisione")
    template.refresh_from_db()
    v2 = publish(template)
    variant.refresh_from_db()
    assert variant.template_update == v2
    editor = client.get(reverse(EDIT, args=[variant.pk])).content.decode()
    merge_url = reverse("workflows_admin:merge", args=[variant.pk])
    assert merge_url in editor

    response = client.get(merge_url)
    ids = [row["id"] for row in response.context["conflicts"]]
    # both changed the review step's title, and confirm (queue here, next step there)
    assert ids == ["step:confirm", "step:review"]
    assert {row.name for row in response.context["template_rows"]} == {
        "Istruttoria",
        "confirm",
        "Archiviazione",
    }
    response = client.post(
        merge_url,
        {
            "revision": variant.latest_revision.pk,
            "version": v2.pk,
            "choice-step:review": "ours",
            "choice-step:confirm": "theirs",
        },
    )
    assert response.status_code == 302
    variant.refresh_from_db()
    merged = current(variant).graph
    assert [s["key"] for s in merged["steps"]] == ["review", "route", "confirm", "archive", "done"]
    assert step(merged, "review")["title"]["it"] == "Esame"
    assert step(merged, "confirm")["next"] == "archive"
    assert variant.based_on_version == v2 and variant.template_update is None
    # another zone's administrator finds nothing there
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=3))
    assert client.get(differences).status_code == 404
    assert client.get(merge_url).status_code == 404


def test_create_a_zone_variant_is_a_visible_row_button(client, zone_admin, template, variant):
    client.force_login(zone_admin)
    listing = client.get(reverse(LIST)).content.decode()
    variant_url = reverse("workflows_admin:variant", args=[template.pk])
    assert re.search(rf'<a[^>]*href="{re.escape(variant_url)}"[^>]*class="[^"]*button', listing)
    assert reverse("workflows_admin:differences", args=[variant.pk]) in listing
