"""The procedure designer over HTTP: who may open it, saving a diagram as a draft (or its
problems, with nothing saved), publishing, a new procedure by name, a process's diagram."""

import json

import pytest
from django.urls import reverse

from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from workflows import bpmn, runtime
from workflows.designer import LAYOUT_KEY, stored_layout
from workflows.models import WorkflowDefinition

from .conftest import end, make_definition, task, text

STEPS = [
    task("verifica", "esito", title="Verifica della domanda"),
    {
        "key": "esito",
        "kind": "decision",
        "title": text("Esito"),
        "branches": [
            {"when": {"var": "verifica.approved"}, "next": "conferma", "label": text("Sì")}
        ],
        "default": "fine",
    },
    task("conferma", "fine", title="Conferma"),
    end("fine"),
]


@pytest.fixture
def regional_admin(make_member):
    return make_member(Role.REGIONAL_ADMIN)


@pytest.fixture
def procedure(db):
    return make_definition(STEPS, slug="domanda", title="Domanda")


def designer_url(definition, name="designer"):
    return reverse(f"workflows_admin:{name}", args=[definition.pk])


def drawn(definition, *, move=0):
    """The procedure's diagram as the designer would post it (shapes moved right by `move`)."""
    layout = bpmn.auto_layout(definition.graph)
    layout["verifica"] = {**layout["verifica"], "x": layout["verifica"]["x"] + move}
    return bpmn.to_bpmn(definition.graph, layout)


def test_the_designer_opens_for_the_owner_and_is_404_outside_its_scope(
    client, procedure, regional_admin, make_member
):
    client.force_login(regional_admin)
    page = client.get(designer_url(procedure))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="designer-xml"' in content and "bpmn-modeler.production.min.js" in content
    assert "Verifica della domanda" in content  # the diagram of the draft
    # The edit page and the index row link to it.
    edit = client.get(
        reverse("wagtailsnippets_workflows_workflowdefinition:edit", args=[procedure.pk])
    )
    assert designer_url(procedure) in edit.content.decode()
    index = client.get(reverse("wagtailsnippets_workflows_workflowdefinition:list"))
    assert designer_url(procedure) in index.content.decode()

    # A zone's administrator does not own the region's procedure: as if it did not exist.
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    assert client.get(designer_url(procedure)).status_code == 404
    xml = drawn(procedure)
    assert client.post(designer_url(procedure, "designer_save"), {"xml": xml}).status_code == 404
    assert client.post(designer_url(procedure, "designer_publish"), {"xml": xml}).status_code == 404
    assert client.get(designer_url(WorkflowDefinition(pk=99999))).status_code == 404
    index = client.get(reverse("wagtailsnippets_workflows_workflowdefinition:list"))
    assert designer_url(procedure) not in index.content.decode()


def test_a_saved_diagram_is_a_draft_that_reopens_as_drawn(client, procedure, regional_admin):
    client.force_login(regional_admin)
    before = procedure.revisions.count()
    graph = procedure.graph
    graph["steps"][2]["title"] = text("Conferma finale")
    layout = bpmn.auto_layout(graph)
    layout["conferma"] = {**layout["conferma"], "y": 555}
    response = client.post(
        designer_url(procedure, "designer_save"), {"xml": bpmn.to_bpmn(graph, layout)}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"saved": True}
    procedure.refresh_from_db()
    assert procedure.revisions.count() == before + 1
    draft = procedure.get_latest_revision_as_object()
    assert draft.graph["steps"][2]["title"]["it"] == "Conferma finale"
    assert not procedure.live  # a draft, not published
    assert stored_layout(procedure)["conferma"]["y"] == 555
    # Opened again, the diagram keeps the shape where it was put.
    page = client.get(designer_url(procedure)).content.decode()
    xml = json.loads(
        page.split('id="designer-xml" type="application/json">')[1].split("</script>")[0]
    )
    assert 'bpmnElement="conferma"' in xml
    shape = xml.split('bpmnElement="conferma"')[1].split("/>")[0]
    assert 'y="555"' in shape


def test_a_diagram_with_problems_saves_nothing_and_names_the_steps(
    client, procedure, regional_admin
):
    client.force_login(regional_admin)
    before = procedure.revisions.count()
    graph = procedure.graph
    graph["steps"][0]["assignee"] = {"rule": "role", "role": "", "within": "zone"}
    response = client.post(designer_url(procedure, "designer_save"), {"xml": bpmn.to_bpmn(graph)})
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert [p["step"] for p in problems] == ["verifica"]
    assert "Verifica della domanda" in problems[0]["message"]  # by its name, not its key
    assert procedure.revisions.count() == before

    # An element a procedure cannot have is refused by name, nothing saved either.
    xml = bpmn.to_bpmn(procedure.graph).replace("bpmn:userTask", "bpmn:scriptTask")
    response = client.post(designer_url(procedure, "designer_save"), {"xml": xml})
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert any("verifica" in p["message"] and p["step"] == "verifica" for p in problems)
    assert procedure.revisions.count() == before
    response = client.post(designer_url(procedure, "designer_save"), {"xml": "non è xml"})
    assert response.status_code == 400 and response.json()["problems"]


def test_publishing_from_the_designer_makes_a_version(client, procedure, regional_admin):
    client.force_login(regional_admin)
    response = client.post(designer_url(procedure, "designer_publish"), {"xml": drawn(procedure)})
    assert response.status_code == 200, response.content
    assert response.json() == {"saved": True, "version": 1}
    procedure.refresh_from_db()
    assert procedure.live
    version = procedure.versions.get()
    assert [step["key"] for step in version.graph["steps"]] == [
        "verifica",
        "esito",
        "conferma",
        "fine",
    ]
    assert version.published_by == regional_admin


def test_a_new_procedure_needs_only_its_name(client, regional_admin, make_member):
    client.force_login(regional_admin)
    url = reverse("workflows_admin:designer_new")
    assert client.get(url).status_code == 200
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    response = client.post(url, {"title": "Contributo per l'affitto", "owner": region.pk})
    definition = WorkflowDefinition.objects.get(title="Contributo per l'affitto")
    assert response.status_code == 302
    assert response["Location"] == designer_url(definition)
    assert definition.slug == "contributo-per-laffitto"
    assert not definition.live and definition.owner == region
    assert client.get(designer_url(definition)).status_code == 200
    client.post(url, {"title": "Contributo per l'affitto", "owner": region.pk})
    assert WorkflowDefinition.objects.filter(slug="contributo-per-laffitto-2").exists()
    # Those who may not add procedures do not get the page.
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    assert client.get(url).status_code in (302, 403, 404)


def test_a_process_page_carries_its_diagram_with_the_steps_states(
    client, publish_steps, operator, person_in_zone
):
    version = publish_steps(STEPS, slug="domanda", title="Domanda")
    process = runtime.start(version, user=operator, subject=person_in_zone(2))
    client.force_login(operator)
    page = client.get(reverse("workflows:process", args=[process.pk]))
    diagram = page.context["diagram"]
    assert diagram["states"] == {"verifica": "active"}
    assert 'id="verifica"' in diagram["xml"]
    content = page.content.decode()
    assert "process-diagram-data" in content and "bpmn-navigated-viewer" in content


def test_the_layout_is_kept_in_the_revision_content(client, procedure, regional_admin):
    client.force_login(regional_admin)
    client.post(designer_url(procedure, "designer_save"), {"xml": drawn(procedure, move=40)})
    revision = procedure.revisions.order_by("-id").first()
    assert LAYOUT_KEY in revision.content
    # wagtail reads the revision back as the definition all the same
    assert revision.as_object().graph["steps"][0]["key"] == "verifica"


def test_a_procedure_locked_by_someone_else_is_not_saved(
    client, procedure, regional_admin, make_member
):
    other = make_member(Role.REGIONAL_ADMIN)
    procedure.locked, procedure.locked_by = True, other
    procedure.save(update_fields=["locked", "locked_by"])
    before = procedure.revisions.count()
    client.force_login(regional_admin)
    response = client.post(designer_url(procedure, "designer_save"), {"xml": drawn(procedure)})
    assert response.status_code == 400
    (problem,) = response.json()["problems"]
    assert problem["step"] is None and str(other) in problem["message"]
    assert procedure.revisions.count() == before
