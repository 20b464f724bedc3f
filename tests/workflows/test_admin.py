"""The procedures admin: building and publishing through wagtail's forms, versions and their
flow chart, zone variants and who may edit what."""

import html
import json
import re

import pytest
from django.urls import reverse
from viewflow.workflow.status import PROCESS

from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from workflows import runtime
from workflows.graph import normalise
from workflows.models import WorkflowDefinition, WorkflowVersion

from .admin_post import definition_post_data
from .conftest import end, make_definition, task, text

ADD_URL = "wagtailsnippets_workflows_workflowdefinition:add"
EDIT_URL = "wagtailsnippets_workflows_workflowdefinition:edit"
PUBLISH = {"action-publish": "action-publish"}

REVIEW = {
    "slug": "revisione",
    "title": text("Revisione", "Review"),
    "steps": [
        task("review", "route", queue=True, title="Revisione"),
        {
            "key": "route",
            "kind": "decision",
            "title": text("Esito", "Outcome"),
            "branches": [
                {
                    "when": {"var": "review.approved"},
                    "next": "confirm",
                    "label": text("Approvata", "Approved"),
                }
            ],
            "default": "done",
        },
        task("confirm", "done", assignee={"rule": "performer", "step": "review"}),
        end(),
    ],
}


@pytest.fixture
def region_org(db):
    return Organisation.objects.get(kind=OrganisationKind.REGION)


@pytest.fixture
def zone_org(db):
    return Organisation.objects.get(zone__number=2)


@pytest.fixture
def regional_admin(make_member):
    return make_member(Role.REGIONAL_ADMIN)


def assert_refused(response):
    """wagtail's admin answers a PermissionDenied with its dashboard and an error message."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def body_error(response) -> dict:
    """The error wagtail's StreamField widget of the steps shows, as its JSON arguments."""
    content = response.content.decode()
    match = re.search(
        r'<div id="body" data-block [^>]*data-w-block-arguments-value="([^"]*)"', content
    )
    assert match, "no steps StreamField on the page"
    _value, error = json.loads(html.unescape(match[1]))
    return error


def test_a_regional_admin_builds_and_publishes_a_workflow_over_http(
    client, regional_admin, region_org, operator, social_worker, person_in_zone
):
    client.force_login(regional_admin)
    url = reverse(ADD_URL)
    assert client.get(url).status_code == 200

    response = client.post(url, definition_post_data(REVIEW, owner=region_org.pk, **PUBLISH))
    assert response.status_code == 302, response.content.decode()[:3000]
    definition = WorkflowDefinition.objects.get(slug="revisione")
    assert definition.live
    assert definition.owner == region_org
    version = WorkflowVersion.objects.get(definition=definition)
    assert version.number == 1
    assert version.published_by == regional_admin
    assert version.graph == normalise(REVIEW)

    # An operator starts it and a social worker works it, all over HTTP, with no restart.
    client.force_login(operator)
    start = reverse("workflows:start") + f"?person={person_in_zone(2).pk}"
    assert client.post(start, {"version": version.pk}).status_code == 302
    client.force_login(social_worker)
    (review,) = client.get(reverse("workflows:inbox")).context["queue"]
    assert review.flow_task.name == "review"
    client.post(reverse("workflows:claim", args=[review.pk]))
    response = client.post(
        reverse("workflows:task", args=[review.pk]), {"approved": "true", "note": "ok"}
    )
    (confirm,) = runtime.my_tasks(social_worker)
    assert confirm.flow_task.name == "confirm"  # the decision followed the answer
    assert response["Location"] == reverse("workflows:task", args=[confirm.pk])
    client.post(reverse("workflows:task", args=[confirm.pk]), {"approved": "true"})
    process = confirm.process
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert process.data["answers"]["review"] == {"approved": True, "note": "ok"}


def test_publishing_an_unreachable_step_is_refused_naming_it(
    english_client, regional_admin, region_org
):
    client = english_client
    graph = {
        "slug": "orfana",
        "title": text("Orfana"),
        "steps": [task("review", "done"), task("orphan", "done"), end()],
    }
    client.force_login(regional_admin)
    response = client.post(
        reverse(ADD_URL), definition_post_data(graph, owner=region_org.pk, **PUBLISH)
    )
    assert response.status_code == 200  # the editor again, with the error
    content = response.content.decode()
    assert "orphan" in content
    assert "cannot be reached from the start" in content
    assert not WorkflowVersion.objects.exists()
    assert not WorkflowDefinition.objects.filter(slug="orfana").exists()
    # The message stands beside the step itself (the second block of the steps field).
    error = body_error(response)
    (message,) = error["blockErrors"]["1"]["messages"]
    assert "orphan" in message and "cannot be reached from the start" in message

    # Saved as a draft, then fixed, the edit page's publish button makes version 1.
    response = client.post(reverse(ADD_URL), definition_post_data(graph, owner=region_org.pk))
    assert response.status_code == 302
    definition = WorkflowDefinition.objects.get(slug="orfana")
    assert not definition.live and not definition.versions.exists()
    graph["steps"][0]["next"] = "orphan"
    response = client.post(
        reverse(EDIT_URL, args=[definition.pk]),
        definition_post_data(graph, owner=region_org.pk, **PUBLISH),
    )
    assert response.status_code == 302
    assert definition.versions.get().number == 1


def test_a_zone_admin_adapts_a_regional_template_in_a_variant(
    client, make_member, regional_admin, zone_org
):
    template = make_definition(REVIEW["steps"], slug="revisione", title="Revisione")
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    assert_refused(client.get(reverse(EDIT_URL, args=[template.pk])))
    response = client.post(
        reverse(EDIT_URL, args=[template.pk]),
        definition_post_data(REVIEW, owner=template.owner_id, **PUBLISH),
    )
    assert_refused(response)
    assert not template.versions.exists()

    # The template's index row offers the variant; the variant page makes one for zone 2.
    index = client.get(reverse("wagtailsnippets_workflows_workflowdefinition:list")).content
    variant_url = reverse("workflows_admin:variant", args=[template.pk])
    assert variant_url.encode() in index
    form = client.get(variant_url)
    assert form.status_code == 200
    assert list(form.context["form"].fields["owner"].queryset) == [zone_org]
    response = client.post(variant_url, {"owner": zone_org.pk, "slug": "revisione-zona-2"})
    variant = WorkflowDefinition.objects.get(slug="revisione-zona-2")
    assert response.status_code == 302
    assert response["Location"] == reverse(EDIT_URL, args=[variant.pk])
    assert variant.based_on == template
    assert variant.owner == zone_org
    assert not variant.live and variant.latest_revision is not None
    # never published: the template's draft is copied
    assert variant.graph["steps"] == template.graph["steps"]

    # The zone admin edits and publishes the variant: a second reviewer confirms.
    graph = {**REVIEW, "slug": variant.slug}
    graph["steps"] = [*REVIEW["steps"]]
    graph["steps"][2] = task("confirm", "done", queue=True)
    edit = reverse(EDIT_URL, args=[variant.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, definition_post_data(graph, owner=zone_org.pk, based_on=template.pk, **PUBLISH)
    )
    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.live and variant.based_on == template
    version = variant.versions.get()
    assert version.graph["steps"][2]["queue"] is True
    assert not template.versions.exists()


def test_a_variant_copies_the_templates_latest_published_version(
    client, make_member, publish_steps, zone_org
):
    published = publish_steps(REVIEW["steps"], slug="revisione")
    template = published.definition
    # a later draft of the template is not what variants adapt
    make_definition([task("review", "done"), end()], slug="revisione")
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    response = client.post(
        reverse("workflows_admin:variant", args=[template.pk]),
        {"owner": zone_org.pk, "slug": "revisione-zona-2"},
    )
    assert response.status_code == 302
    variant = WorkflowDefinition.objects.get(slug="revisione-zona-2")
    assert variant.graph["steps"] == published.graph["steps"]
    # a variant's slug must be new
    response = client.post(
        reverse("workflows_admin:variant", args=[template.pk]),
        {"owner": zone_org.pk, "slug": "revisione"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["slug"]


def test_the_variant_page_refuses_variants_of_variants_and_foreign_owners(
    client, make_member, region_org, zone_org
):
    template = make_definition(REVIEW["steps"], slug="revisione")
    variant = make_definition(
        REVIEW["steps"], slug="revisione-zona-2", owner=zone_org, based_on=template
    )
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    index = client.get(reverse("wagtailsnippets_workflows_workflowdefinition:list")).content
    assert reverse("workflows_admin:variant", args=[template.pk]).encode() in index
    assert reverse("workflows_admin:variant", args=[variant.pk]).encode() not in index
    assert reverse("workflows_admin:versions", args=[variant.pk]).encode() in index
    assert_refused(client.get(reverse("workflows_admin:variant", args=[variant.pk])))
    response = client.post(
        reverse("workflows_admin:variant", args=[template.pk]),
        {"owner": region_org.pk, "slug": "revisione-regione"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner"]
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    assert_refused(client.get(reverse("workflows_admin:variant", args=[template.pk])))


def test_the_versions_page_lists_versions_and_draws_the_newest(
    client, regional_admin, publish_steps
):
    version = publish_steps(REVIEW["steps"], slug="revisione")
    client.force_login(regional_admin)
    edit = client.get(reverse(EDIT_URL, args=[version.definition_id])).content.decode()
    url = reverse("workflows_admin:versions", args=[version.definition_id])
    assert url in edit
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content
    # viewflow's chart of the flow, inline: its steps by key, a task by its title
    chart = re.search(r'<figure class="workflow-chart"[^>]*>(.*?)</figure>', content, re.S)
    assert chart[1].lstrip().startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert '<g id="route"' in chart[1]
    assert ">Revisione</text>" in chart[1]
    assert "v1" in content
    json_url = reverse("workflows_admin:version_json", args=[version.pk])
    assert json_url in content
    assert json.loads(client.get(json_url).content) == version.graph


def test_the_versions_page_of_a_never_published_definition(english_client, regional_admin):
    client = english_client
    definition = make_definition(REVIEW["steps"], slug="revisione")
    client.force_login(regional_admin)
    response = client.get(reverse("workflows_admin:versions", args=[definition.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "No version has been published yet." in content
    assert "workflow-chart" not in content


def test_people_without_the_design_permissions_see_no_versions(client, operator, publish_steps):
    version = publish_steps(REVIEW["steps"], slug="revisione")
    client.force_login(operator)
    url = reverse("workflows_admin:versions", args=[version.definition_id])
    assert_refused(client.get(url))
    assert_refused(client.get(reverse("workflows_admin:version_json", args=[version.pk])))


def test_the_chart_escapes_step_titles(client, regional_admin, publish_steps):
    version = publish_steps([task("review", "done", title="<b>Rev</b>"), end()], slug="titoli")
    client.force_login(regional_admin)
    content = client.get(
        reverse("workflows_admin:versions", args=[version.definition_id])
    ).content.decode()
    chart = re.search(r'<figure class="workflow-chart"[^>]*>(.*?)</figure>', content, re.S)[1]
    # viewflow title-cases the first line of a task's title
    assert "&lt;b&gt;rev&lt;/b&gt;</text>" in chart.lower()
    assert "<b>" not in chart.lower()
