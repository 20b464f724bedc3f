"""A save the editor refuses leaves nothing behind: no definition, no revision; the corrected
save then succeeds (issue 20: "Questionario con questo Slug esiste già" after a refused save)."""

import re

import pytest
from django.urls import reverse
from wagtail.models import Revision

from forms.models import FormDefinition
from forms.streamfield import stream_from_schema
from siso_platform.accounts.models import Role

from .admin_post import definition_post_data
from .schemas import housing_schema

ADD_URL = "wagtailsnippets_forms_formdefinition:add"
PUBLISH = {"action-publish": "action-publish"}
VISIBLE_IF = "body-0-value-fields-1-value-visible_if"


def _new_post(region_org, **fields):
    schema = housing_schema()
    draft = FormDefinition(slug="housing", title="Housing", owner=region_org, body=[])
    draft.body = stream_from_schema(schema)
    return definition_post_data(draft, **fields)


def _editor_controllers(page: str) -> list[str]:
    form = re.search(r'<form\b[^>]*id="w-editor-form"[^>]*>', page)
    assert form, "no editor form"
    return re.search(r'data-controller="([^"]*)"', form[0])[1].split()


def _revisions():
    return Revision.objects.filter(base_content_type__model="formdefinition").count()


@pytest.mark.parametrize(
    ("action", "bad"),
    [
        ({}, '{"==": [{"var": "tenure"}, "rented"'),  # save draft, not JSON
        (PUBLISH, '{"==": [{"var": "tenure"}, "rented"'),  # publish, not JSON
        ({}, '{"nope": [1, 2]}'),  # save draft, JSON but not JSON Logic
        (PUBLISH, '{"nope": [1, 2]}'),
        (PUBLISH, '{"==": [{"var": "tenancy"}, "rented"]}'),  # publish, names no field
    ],
)
def test_a_refused_create_leaves_no_draft_and_the_corrected_save_succeeds(
    client, make_member, region_org, action, bad
):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    before = _revisions()
    data = _new_post(region_org, **action, **{VISIBLE_IF: bad})
    response = client.post(reverse(ADD_URL), data)
    assert response.status_code == 200, response.get("Location")
    assert not FormDefinition.objects.filter(slug="housing").exists()
    assert _revisions() == before

    data[VISIBLE_IF] = '{"==": [{"var": "tenure"}, "rented"]}'
    response = client.post(reverse(ADD_URL), data)
    assert response.status_code == 302
    definition = FormDefinition.objects.get(slug="housing")
    assert definition.revisions.count() == 1
    assert definition.live == bool(action)


@pytest.mark.parametrize(
    "kind",
    ["forms_formdefinition", "workflows_workflowdefinition", "monitoring_programme"],
)
def test_the_new_definition_page_never_autosaves(client, make_member, region_org, kind):
    """wagtail's autosave created the definition while it was typed (the half-filled draft of
    issue 20); the explicit save then failed on its slug."""
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = client.get(reverse(f"wagtailsnippets_{kind}:add")).content.decode()
    assert _editor_controllers(page) == ["w-unsaved"]
    # an autosave from a page opened earlier is refused, and creates nothing
    data = _new_post(region_org)
    data.pop("body-count")
    response = client.post(
        reverse("wagtailsnippets_forms_formdefinition:add"), data, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert not FormDefinition.objects.filter(slug="housing").exists()


def test_an_existing_definitions_editor_still_autosaves(client, make_member, region_org):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    definition = FormDefinition.objects.create(
        slug="housing", title="Housing", owner=region_org, body=stream_from_schema(housing_schema())
    )
    url = reverse("wagtailsnippets_forms_formdefinition:edit", args=[definition.pk])
    assert "w-autosave" in _editor_controllers(client.get(url).content.decode())


PROCEDURE_WHEN = "body-1-value-branches-0-value-when"


@pytest.mark.parametrize(
    ("action", "bad"),
    [
        ({}, '{"var": "review.approved"'),  # save draft, not JSON
        (PUBLISH, '{"var": "review.approved"'),
        (PUBLISH, '{"nope": [1]}'),  # not JSON Logic
    ],
)
def test_a_refused_procedure_create_leaves_no_draft(client, make_member, region_org, action, bad):
    from tests.workflows.admin_post import definition_post_data as procedure_post_data
    from tests.workflows.test_admin import REVIEW
    from workflows.models import WorkflowDefinition

    client.force_login(make_member(Role.REGIONAL_ADMIN))
    url = reverse("wagtailsnippets_workflows_workflowdefinition:add")
    data = procedure_post_data(REVIEW, owner=region_org.pk, **action)
    assert data[PROCEDURE_WHEN] == '{"var": "review.approved"}'
    data[PROCEDURE_WHEN] = bad
    before = Revision.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert not WorkflowDefinition.objects.filter(slug="revisione").exists()
    assert Revision.objects.count() == before

    data[PROCEDURE_WHEN] = '{"var": "review.approved"}'
    assert client.post(url, data).status_code == 302
    definition = WorkflowDefinition.objects.get(slug="revisione")
    assert definition.revisions.count() == 1 and definition.live == bool(action)


@pytest.mark.parametrize(
    ("action", "bad"),
    [({}, '{"<=": [{"var": "isee"}'), (PUBLISH, '{"foo": 1}'), (PUBLISH, '{"var": "nessuno"}')],
)
def test_a_refused_programme_create_leaves_no_draft(client, make_member, region_org, action, bad):
    from siso_platform.monitoring.models import Programme
    from tests.monitoring.test_admin import programme_post_data

    client.force_login(make_member(Role.REGIONAL_ADMIN))
    url = reverse("wagtailsnippets_monitoring_programme:add")
    data = programme_post_data(region_org, **action)
    good = data["rule"]
    data["rule"] = bad
    before = Revision.objects.count()
    assert client.post(url, data).status_code == 200
    assert not Programme.objects.exists()
    assert Revision.objects.count() == before

    data["rule"] = good
    assert client.post(url, data).status_code == 302
    programme = Programme.objects.get()
    assert programme.revisions.count() == 1 and programme.live == bool(action)


def test_a_refused_variant_or_import_leaves_nothing(client, make_member, intake, zone_org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    definitions, before = FormDefinition.objects.count(), _revisions()
    # a variant whose slug is taken
    response = client.post(
        reverse("forms_admin:variant", args=[intake.pk]),
        {"owner": zone_org.pk, "slug": intake.slug},
    )
    assert response.status_code == 200 and response.context["form"].errors["slug"]
    # a file that is not JSON, and one that is not an export
    for content in (b'{"slug": "x", ', b'{"slug": "x", "schema": {}}'):
        upload = SimpleUploadedFile("scheda.json", content)
        response = client.post(
            reverse("forms_admin:import"), {"file": upload, "owner": zone_org.pk}
        )
        assert response.status_code == 200 and response.context["form"].errors["file"]
    assert FormDefinition.objects.count() == definitions
    assert _revisions() == before
    # corrected, the variant is made with its first revision
    response = client.post(
        reverse("forms_admin:variant", args=[intake.pk]),
        {"owner": zone_org.pk, "slug": "scheda-accesso-zona-2"},
    )
    assert response.status_code == 302
    assert FormDefinition.objects.get(slug="scheda-accesso-zona-2").revisions.count() == 1
