"""The questionnaire designer's server side: who opens it, what a save checks before it writes,
publishing, conflicts, and the start of a new questionnaire by its title."""

import copy
import json

import pytest
from django.urls import reverse
from wagtail.models import Revision

from forms.blocks import simple_field_blocks
from forms.models import FormDefinition
from siso_platform.accounts.models import Role

from .schemas import field, label


@pytest.fixture
def regional(client, make_member):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    return client


def designer_schema(client, definition) -> tuple[dict, int]:
    response = client.get(reverse("forms_designer:designer", args=[definition.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    schema = json.loads(_script(html, "qd-schema"))
    setup = json.loads(_script(html, "qd-setup"))
    return schema, setup["revision"]


def _script(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}" type="application/json">') + len(
        f'id="{element_id}" type="application/json">'
    )
    return html[start : html.index("</script>", start)]


def post_save(client, definition, schema, revision):
    return client.post(
        reverse("forms_designer:save", args=[definition.pk]),
        json.dumps({"schema": schema, "revision": revision}),
        content_type="application/json",
    )


def revisions(definition) -> int:
    return Revision.objects.for_instance(definition).count()


def test_designer_page_carries_the_draft_schema_and_the_palette(regional, intake):
    response = regional.get(reverse("forms_designer:designer", args=[intake.pk]))
    html = response.content.decode()
    schema = json.loads(_script(html, "qd-schema"))
    assert schema == intake.schema
    setup = json.loads(_script(html, "qd-setup"))
    assert {"kind": "choice", "label": "Scelta singola"} in setup["kinds"]
    offered = {name for name, _block in simple_field_blocks()} | {"group"}
    assert {kind["kind"] for kind in setup["kinds"]} == offered  # every kind the editor has
    assert any(name for name, _label in setup["prefill"] if name)
    assert "forms/designer.js" in html


def test_the_edit_page_and_the_list_link_to_the_designer(regional, intake):
    designer = reverse("forms_designer:designer", args=[intake.pk])
    edit = regional.get(reverse("wagtailsnippets_forms_formdefinition:edit", args=[intake.pk]))
    assert designer in edit.content.decode()
    listing = regional.get(reverse("wagtailsnippets_forms_formdefinition:list"))
    assert designer in listing.content.decode()
    assert reverse("forms_designer:new") in listing.content.decode()


def test_another_owners_questionnaire_is_not_found(client, make_member, intake):
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    for name in ("designer", "save", "publish"):
        response = client.post(reverse(f"forms_designer:{name}", args=[intake.pk]))
        assert response.status_code == 404, name
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    response = client.get(reverse("forms_designer:designer", args=[intake.pk]))
    assert response.status_code in (302, 403)


def test_a_valid_save_makes_one_draft_revision(regional, intake):
    schema, revision = designer_schema(regional, intake)
    schema["steps"][0]["fields"].append(field("nuovo_campo", label=label("Nuovo campo")))
    before = revisions(intake)
    response = post_save(regional, intake, schema, revision)
    assert response.status_code == 200, response.content
    assert revisions(intake) == before + 1
    intake.refresh_from_db()
    draft = intake.get_latest_revision_as_object().schema
    assert draft["steps"][0]["fields"][-1]["key"] == "nuovo_campo"
    assert response.json()["revision"] == intake.latest_revision_id
    assert intake.versions.count() == 1  # saved, not published


def test_a_refused_save_writes_nothing_and_names_the_field_by_label(regional, intake):
    schema, revision = designer_schema(regional, intake)
    step = schema["steps"][0]
    twice = copy.deepcopy(schema)
    twice["steps"][0]["fields"].append(field(step["fields"][1]["key"], label=label("Doppione")))
    missing = copy.deepcopy(schema)
    missing["steps"][0]["fields"].append(
        field("nuovo", label=label("Nuovo"), visible_if={"==": [{"var": "manca"}, 1]})
    )
    before, definitions = revisions(intake), FormDefinition.objects.count()
    for broken, words in ((twice, "usata due volte"), (missing, "non è un campo")):
        response = post_save(regional, intake, broken, revision)
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert len(errors) == 1, errors
        label_shown = broken["steps"][0]["fields"][-1]["label"]["it"]
        assert label_shown in errors[0]["message"] and words in errors[0]["message"]
        assert errors[0]["step"] == step["key"]
        assert errors[0]["field"] == broken["steps"][0]["fields"][-1]["key"]
    assert revisions(intake) == before
    assert FormDefinition.objects.count() == definitions


def test_unreadable_input_is_a_message_not_an_error(regional, intake):
    _schema, revision = designer_schema(regional, intake)
    url = reverse("forms_designer:save", args=[intake.pk])
    for body in ("{", json.dumps({"schema": {"steps": "x"}}), json.dumps({"schema": []})):
        response = regional.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["message"]
    odd = [
        [{"kind": "nope"}],
        [{"kind": "text", "key": "a", "label": ["x"]}],
        [{"kind": "file", "key": "a", "validations": {"extensions": [1], "max_size": "x"}}],
        [{"kind": "text", "key": "a", "validations": {"rules": ["x"]}}],
        [{"kind": "choice", "key": "a", "choices": [{"value": {"x": 1}}]}],
    ]
    for fields in odd:
        sent = {"title": label("X"), "steps": [{"key": "a", "title": "A", "fields": fields}]}
        response = post_save(regional, intake, sent, revision)
        assert response.status_code == 400, fields


def test_a_newer_revision_by_someone_else_is_not_overwritten(regional, intake):
    schema, revision = designer_schema(regional, intake)
    intake.get_latest_revision_as_object().save_revision()  # someone saved meanwhile
    newest = revisions(intake)
    response = post_save(regional, intake, schema, revision)
    assert response.status_code == 409
    assert response.json()["errors"][0]["message"]
    assert revisions(intake) == newest


def test_publish_refusal_names_the_field_and_success_freezes_a_version(regional, region_org):
    response = regional.post(
        reverse("forms_designer:new"), {"title": "Contributo affitto", "owner": region_org.pk}
    )
    definition = FormDefinition.objects.get(title="Contributo affitto")
    assert response["Location"] == reverse("forms_designer:designer", args=[definition.pk])
    assert definition.slug == "contributo-affitto"
    refused = regional.post(reverse("forms_designer:publish", args=[definition.pk]))
    assert refused.status_code == 400
    first_step = definition.schema["steps"][0]["title"]["it"]
    assert first_step in refused.json()["errors"][0]["message"]
    assert definition.versions.count() == 0

    schema, revision = designer_schema(regional, definition)
    schema["steps"][0]["fields"] = [field("canone", "decimal", label=label("Canone"))]
    assert post_save(regional, definition, schema, revision).status_code == 200
    published = regional.post(reverse("forms_designer:publish", args=[definition.pk]))
    assert published.status_code == 200, published.content
    assert definition.versions.get().schema["steps"][0]["fields"][0]["key"] == "canone"


def test_new_questionnaire_slug_is_derived_and_unique(regional, region_org):
    for _ in range(2):
        regional.post(
            reverse("forms_designer:new"), {"title": "Scheda è nuova", "owner": region_org.pk}
        )
    slugs = sorted(
        FormDefinition.objects.filter(title="Scheda è nuova").values_list("slug", flat=True)
    )
    assert slugs == ["scheda-e-nuova", "scheda-e-nuova-2"]
    response = regional.post(reverse("forms_designer:new"), {"title": "", "owner": region_org.pk})
    assert response.status_code == 200
    assert "obbligatorio" in response.content.decode()


def test_a_zone_administrator_may_not_pick_the_region_as_owner(client, make_member, region_org):
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    response = client.post(reverse("forms_designer:new"), {"title": "X", "owner": region_org.pk})
    assert response.status_code == 200
    assert not FormDefinition.objects.filter(title="X").exists()
