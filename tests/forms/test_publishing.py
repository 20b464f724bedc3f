"""Definitions, immutable versions, zone variants and sharing as a file."""

import json

import pytest
from django.urls import reverse

from forms.models import FormDefinition, FormVersion, ImmutableError, Submission
from forms.publishing import (
    ImportRefused,
    PublishRefused,
    export_definition,
    import_definition,
    publish,
    read_export,
)
from forms.rendering import summary
from forms.streamfield import schema_from_stream, stream_from_schema
from forms.validation import validate
from siso_platform.accounts.models import Role

from .admin_post import definition_post_data
from .schemas import housing_schema, intake_document

DEFAULTS = {"kind": None, "visible_if": None, "computed": None, "required": False, "choices": None}


def test_stream_round_trip_keeps_the_schema():
    schema = intake_document()["schema"]
    back = schema_from_stream(
        stream_from_schema(schema), slug=schema["slug"], title=schema["title"]
    )
    assert back["steps"] == json.loads(json.dumps(back["steps"]))
    for original, copy in zip(schema["steps"], back["steps"], strict=True):
        assert [f["key"] for f in original["fields"]] == [f["key"] for f in copy["fields"]]
        for a, b in zip(original["fields"], copy["fields"], strict=True):
            for name, default in DEFAULTS.items():
                assert a.get(name, default) == b.get(name, default), (a["key"], name)


def test_publishing_freezes_numbered_versions(intake):
    version = intake.latest_version
    assert version.number == 1
    assert version.schema["steps"][0]["key"] == "persona"
    with pytest.raises(ImmutableError):
        version.save()
    # publishing unchanged content makes no new version
    publish(intake)
    assert intake.versions.count() == 1


def test_earlier_submissions_keep_their_version(intake, person_in_zone, operator):
    v1 = intake.latest_version
    answers = {"tenure": "owned", "work_status": "employed", "monthly_income": 1500}
    submission = Submission.objects.create(
        version=v1,
        subject=person_in_zone(2),
        answers=answers,
        channel="web",
        submitted_by=operator,
    )
    # v2 renames the tenure choices: the old answer would not validate against it
    schema = intake.schema
    tenure = next(f for f in schema["steps"][1]["fields"] if f["key"] == "tenure")
    tenure["choices"] = [{"value": "own", "label": {"it": "Proprietà", "en": "Owned"}}]
    import_definition({"slug": intake.slug, "schema": schema}, owner=intake.owner)
    intake.refresh_from_db()
    publish(intake)
    assert intake.latest_version.number == 2

    submission.refresh_from_db()
    assert submission.version == v1
    assert "tenure" not in validate(submission.version.compiled, answers).errors
    assert "tenure" in validate(intake.latest_version.compiled, answers).errors
    rendered = summary(submission.version.compiled, submission.answers, "it")
    assert ("Titolo di godimento dell'abitazione", "Proprietà") in [
        (answer["label"], answer["value"]) for step in rendered for answer in step["answers"]
    ]


def test_publish_refuses_logic_naming_a_missing_field(region_org):
    schema = housing_schema()
    schema["steps"][0]["fields"][1]["visible_if"] = {"==": [{"var": "tenancy"}, "rented"]}
    definition = import_definition({"slug": "housing", "schema": schema}, owner=region_org)
    with pytest.raises(PublishRefused, match="tenancy"):
        publish(definition)
    assert not FormVersion.objects.filter(definition=definition).exists()


def test_admin_publish_button_refuses_with_the_field_named(client, make_member, region_org):
    admin = make_member(Role.REGIONAL_ADMIN)
    schema = housing_schema()
    schema["steps"][0]["fields"][1]["visible_if"] = {"==": [{"var": "tenancy"}, "rented"]}
    definition = import_definition({"slug": "housing", "schema": schema}, owner=region_org)
    client.force_login(admin)
    url = reverse("wagtailsnippets_forms_formdefinition:edit", args=[definition.pk])
    assert client.get(url).status_code == 200
    data = definition_post_data(definition, **{"action-publish": "action-publish"})
    response = client.post(url, data)
    assert response.status_code == 200  # the edit page again, with the error
    assert "tenancy" in response.content.decode()
    assert not definition.versions.exists()

    # fixed, the same button publishes version 1
    data["body-0-value-fields-1-value-visible_if"] = '{"==": [{"var": "tenure"}, "rented"]}'
    response = client.post(url, data)
    assert response.status_code == 302
    assert definition.versions.get().number == 1


def test_zone_admin_cannot_edit_the_regional_template(client, make_member, intake):
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    url = reverse("wagtailsnippets_forms_formdefinition:edit", args=[intake.pk])
    assert client.get(url).status_code in (302, 403)


def test_zone_variant_shows_differences_and_template_updates(
    english_client, make_member, intake, zone_org
):
    client = english_client
    zone_admin = make_member(Role.ZONE_ADMIN, zone_number=2)
    client.force_login(zone_admin)
    response = client.post(
        reverse("forms_admin:variant", args=[intake.pk]),
        {"owner": zone_org.pk, "slug": "scheda-accesso-zona-2"},
    )
    assert response.status_code == 302
    variant = FormDefinition.objects.get(slug="scheda-accesso-zona-2")
    assert variant.based_on == intake and variant.owner == zone_org
    assert variant.template_update is None
    # The editor opens the draft revision: the link is in it, so saving keeps it.
    assert variant.latest_revision.as_object().based_on == intake
    editor = client.get(reverse("wagtailsnippets_forms_formdefinition:edit", args=[variant.pk]))
    assert f'name="based_on" value="{intake.pk}"' in editor.content.decode()

    # the zone adds a field
    schema = variant.schema
    schema["steps"][0]["fields"].append(
        {"key": "zone_note", "kind": "text", "label": {"it": "Nota", "en": "Note"}}
    )
    import_definition({"slug": variant.slug, "schema": schema}, owner=zone_org)
    page = client.get(reverse("forms_admin:versions", args=[variant.pk])).content.decode()
    assert "zone_note" in page and "field added" in page

    # the region publishes a new version of the template: the variant is told
    template_schema = intake.schema
    template_schema["steps"][0]["fields"][2]["label"]["it"] = "Cognome (come da documento)"
    import_definition({"slug": intake.slug, "schema": template_schema}, owner=intake.owner)
    intake.refresh_from_db()
    publish(intake)
    variant.refresh_from_db()
    assert variant.template_update == intake.latest_version
    listing = client.get(reverse("wagtailsnippets_forms_formdefinition:list")).content.decode()
    page = client.get(reverse("forms_admin:versions", args=[variant.pk])).content.decode()
    assert "has published version 2" in page
    client.post(reverse("forms_admin:versions", args=[variant.pk]))
    variant.refresh_from_db()
    assert variant.template_update is None
    assert "scheda-accesso-zona-2" in listing and "version 2 to review" in listing


def test_export_and_import_round_trip(client, make_member, intake, zone_org):
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    exported = client.get(reverse("forms_admin:export", args=[intake.pk]))
    document = json.loads(exported.content)
    assert document["schema"] == intake.schema

    document["slug"] = "scheda-condivisa"
    upload = _upload("scheda.json", json.dumps(document).encode())
    response = client.post(reverse("forms_admin:import"), {"file": upload, "owner": zone_org.pk})
    assert response.status_code == 302
    copy = FormDefinition.objects.get(slug="scheda-condivisa")
    assert copy.schema["steps"] == intake.schema["steps"]
    assert copy.owner == zone_org and not copy.live


def test_import_refuses_a_file_that_is_not_an_export(english):
    with pytest.raises(ImportRefused, match="not valid JSON"):
        read_export(b"{nope")
    with pytest.raises(ImportRefused, match="siso-form/1"):
        read_export(b'{"slug": "x"}')
    assert read_export(export_definition_for_test())["slug"] == "t"


def export_definition_for_test():
    definition = FormDefinition(slug="t", title="T", body="[]")
    return export_definition(definition)


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_editor_preview_shows_the_unsaved_content(client, make_member, intake):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    data = definition_post_data(intake)
    data["body-0-value-fields-2-value-label_it"] = "Cognome da documento"
    url = reverse("wagtailsnippets_forms_formdefinition:preview_on_edit", args=[intake.pk])
    assert client.post(url, data).json()["is_valid"] is True
    assert "Cognome da documento" in client.get(url).content.decode()


def test_editor_refuses_logic_that_is_not_json(client, make_member, intake):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    data = definition_post_data(intake)
    data["body-0-value-fields-7-value-visible_if"] = '{"==": [{"var": "citizenship_kind"}'
    url = reverse("wagtailsnippets_forms_formdefinition:edit", args=[intake.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["body"].as_data()[0]
    assert "JSON valido" in str(errors.as_json_data())
    assert intake.revisions.count() == 1  # nothing saved
