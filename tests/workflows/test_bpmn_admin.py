"""The procedures admin's "Export BPMN" and "Import BPMN": a diagram drawn in Camunda Modeler
becomes a draft procedure or a new draft of one; a refused file saves nothing; only the
procedure's owner's administrators use them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from workflows import bpmn
from workflows.graph import normalise
from workflows.models import WorkflowDefinition
from workflows.publishing import current, known, publish

from .conftest import end, make_definition, task
from .test_bpmn import DRAWN, GATEWAY, REVIEW

EDIT_URL = "wagtailsnippets_workflows_workflowdefinition:edit"
SCRIPT = DRAWN.replace(
    '<bpmn:userTask id="Activity_1m2n3o4" name="Liquidazione" camunda:assignee="${initiator}">',
    '<bpmn:scriptTask id="Activity_1m2n3o4" name="Liquidazione" scriptFormat="groovy">',
).replace("</bpmn:userTask>\n    <bpmn:endEvent", "</bpmn:scriptTask>\n    <bpmn:endEvent")


@pytest.fixture
def region_org(db):
    return Organisation.objects.get(kind=OrganisationKind.REGION)


@pytest.fixture
def regional_admin(make_member):
    return make_member(Role.REGIONAL_ADMIN)


def upload(text: str, name="contributo.bpmn"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/xml")


def test_a_regional_admin_imports_a_camunda_diagram_as_a_draft_procedure(
    client, regional_admin, region_org
):
    client.force_login(regional_admin)
    index = client.get(reverse("wagtailsnippets_workflows_workflowdefinition:list"))
    url = reverse("workflows_admin:bpmn_import")
    assert url.encode() in index.content
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"file": upload(DRAWN), "title": "Contributo economico", "owner": region_org.pk},
    )
    definition = WorkflowDefinition.objects.get(title="Contributo economico")
    assert response.status_code == 302
    assert response["Location"] == reverse(EDIT_URL, args=[definition.pk])
    assert not definition.live and definition.owner == region_org
    draft = current(definition)
    assert [step["key"] for step in draft.graph["steps"]][:2] == [REVIEW, GATEWAY]
    edit = client.get(reverse(EDIT_URL, args=[definition.pk]))
    assert reverse("workflows_admin:bpmn_export", args=[definition.pk]).encode() in edit.content
    version = publish(definition, user=regional_admin)
    assert version.graph["steps"][0]["deadline"]["duration"] == "P10D"


def test_a_refused_file_shows_its_problems_and_saves_nothing(client, regional_admin, region_org):
    client.force_login(regional_admin)
    before = WorkflowDefinition.objects.count()
    response = client.post(
        reverse("workflows_admin:bpmn_import"),
        {"file": upload(SCRIPT), "title": "Contributo", "owner": region_org.pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Activity_1m2n3o4" in page and "Liquidazione" in page
    assert WorkflowDefinition.objects.count() == before
    not_xml = client.post(
        reverse("workflows_admin:bpmn_import"),
        {"file": upload("ciao", "ciao.bpmn"), "title": "Contributo", "owner": region_org.pk},
    )
    assert not_xml.status_code == 200 and not_xml.context["form"].errors["file"]
    assert WorkflowDefinition.objects.count() == before


def test_importing_into_a_procedure_makes_a_new_draft_and_leaves_the_live_one(
    client, regional_admin, publish_steps
):
    version = publish_steps([task("check", "done"), end()], slug="contributo")
    definition = version.definition
    client.force_login(regional_admin)
    url = reverse("workflows_admin:bpmn_import_into", args=[definition.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": upload(DRAWN)})
    assert response.status_code == 302
    definition.refresh_from_db()
    assert [step["key"] for step in definition.graph["steps"]] == ["check", "done"]
    assert current(definition).graph["steps"][0]["key"] == REVIEW
    assert definition.has_unpublished_changes
    # The export gives the draft, laid out as drawn.
    exported = client.get(reverse("workflows_admin:bpmn_export", args=[definition.pk]))
    assert exported.status_code == 200
    assert exported["Content-Disposition"] == 'attachment; filename="contributo.bpmn"'
    graph, layout = bpmn.from_bpmn(exported.content, known())
    assert graph["steps"] == normalise(current(definition).graph)["steps"]
    assert layout[REVIEW] == {"x": 270, "y": 77, "width": 100, "height": 80}


def test_another_owners_procedure_is_not_found_and_other_roles_are_refused(
    client, make_member, region_org
):
    regional = make_definition([task("check", "done"), end()], slug="regionale")
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    for name in ("bpmn_export", "bpmn_import_into"):
        assert client.get(reverse(f"workflows_admin:{name}", args=[regional.pk])).status_code == 404
    response = client.post(
        reverse("workflows_admin:bpmn_import_into", args=[regional.pk]), {"file": upload(DRAWN)}
    )
    assert response.status_code == 404
    # A zone administrator imports for their own zone only.
    form = client.get(reverse("workflows_admin:bpmn_import")).context["form"]
    assert region_org not in form.fields["owner"].queryset
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    for url in (
        reverse("workflows_admin:bpmn_import"),
        reverse("workflows_admin:bpmn_export", args=[regional.pk]),
    ):
        assert client.get(url).status_code in (302, 403)
    assert current(regional).graph["steps"][0]["key"] == "check"
