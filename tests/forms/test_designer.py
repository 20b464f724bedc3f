"""The questionnaire designer's server side: who opens it, what a save checks before it writes,
publishing, conflicts, and the start of a new questionnaire by its title."""

import copy
import json

import pytest
from django.urls import reverse
from django.utils.translation import gettext
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


def new_definition(client, region_org, title="Domanda di sostegno"):
    client.post(reverse("forms_designer:new"), {"title": title, "owner": region_org.pk})
    definition = FormDefinition.objects.get(title=title)
    schema, revision = designer_schema(client, definition)
    schema["steps"][0]["title"] = label("Situazione")
    return definition, schema, revision


def refused(client, definition, schema, revision) -> list[dict]:
    before = revisions(definition)
    response = post_save(client, definition, schema, revision)
    assert response.status_code == 400, response.content
    assert revisions(definition) == before
    return response.json()["errors"]


def where(step: str, field_label: str) -> str:
    """The start of a designer message: the step and the field, by their labels."""
    return f"{gettext('step “%s”') % step}, {gettext('field “%s”') % field_label}: "


def scale(**settings) -> dict:
    return field("disagio", "range", label=label("Disagio percepito"), **settings)


def test_a_range_is_saved_only_with_distinct_ends_and_a_positive_increment(regional, region_org):
    definition, schema, revision = new_definition(regional, region_org)
    cases = [
        ({"end": 5}, "Enter the start and the end of the range as numbers."),
        ({"start": 1, "end": 1}, "The start and the end of the range must differ."),
        (
            {"start": 1, "end": 5, "step": 0},
            "The increment of the range must be a number greater than zero.",
        ),
        (
            {"start": 1, "end": 5, "step": -1},
            "The increment of the range must be a number greater than zero.",
        ),
    ]
    for settings, message in cases:
        schema["steps"][0]["fields"] = [scale(**settings)]
        errors = refused(regional, definition, schema, revision)
        # one precise message, naming the step and the field by their labels, in Italian
        assert errors == [
            {
                "step": "passo_1",
                "field": "disagio",
                "message": where("Situazione", "Disagio percepito") + gettext(message),
            }
        ], settings
    # a descending range, as ODK allows it (9, 7, ... 1)
    schema["steps"][0]["fields"] = [scale(start=9, end=1, step=2)]
    assert post_save(regional, definition, schema, revision).status_code == 200
    assert regional.post(reverse("forms_designer:publish", args=[definition.pk])).status_code == 200
    saved = definition.versions.get().schema["steps"][0]["fields"][0]
    assert (saved["start"], saved["end"], saved["step"]) == (9, 1, 2)


def test_validation_rules_need_a_condition_and_a_message_and_errors_point_at_the_field(
    regional, region_org
):
    definition, schema, revision = new_definition(regional, region_org)
    at_least_3 = {">=": [{"var": "disagio"}, 3]}
    cases = [
        (
            [{"rule": None, "message": label("Almeno 3")}],
            gettext("Validation rule %(n)s has no condition: build it or remove the rule.")
            % {"n": 1},
        ),
        (
            [
                {"rule": at_least_3, "message": label("Almeno 3")},
                {"rule": at_least_3, "message": {"it": " ", "en": ""}},
            ],
            gettext("Validation rule %(n)s needs a message to show when it does not hold.")
            % {"n": 2},
        ),
        (
            [{"rule": {">=": [{"var": "manca"}, 3]}, "message": label("Almeno 3")}],
            gettext("The logic names “%s”, which is not a field of the form.") % "manca",
        ),
    ]
    for rules, message in cases:
        schema["steps"][0]["fields"] = [scale(start=1, end=9, validations={"rules": rules})]
        errors = refused(regional, definition, schema, revision)
        assert [(e["step"], e["field"]) for e in errors] == [("passo_1", "disagio")], errors
        assert errors[0]["message"] == where("Situazione", "Disagio percepito") + message
    rules = [{"rule": at_least_3, "message": label("Almeno 3")}]
    schema["steps"][0]["fields"] = [scale(start=1, end=9, validations={"rules": rules})]
    assert post_save(regional, definition, schema, revision).status_code == 200


def test_a_rule_of_a_groups_field_points_at_that_field(regional, region_org):
    definition, schema, revision = new_definition(regional, region_org)
    age = field(
        "eta",
        "integer",
        label=label("Età"),
        validations={"rules": [{"rule": {">=": [{"var": "row.eta"}, 0]}, "message": label("")}]},
    )
    schema["steps"][0]["fields"] = [field("nucleo", "group", label=label("Nucleo"), fields=[age])]
    errors = refused(regional, definition, schema, revision)
    assert [(e["step"], e["field"]) for e in errors] == [("passo_1", "eta")]
    assert errors[0]["message"].startswith(where("Situazione", "Età"))


def test_each_choice_of_a_cascading_select_names_the_answer_it_goes_with(regional, region_org):
    definition, schema, revision = new_definition(regional, region_org)
    province = field(
        "provincia",
        "choice",
        label=label("Provincia"),
        choices=[
            {"value": "pg", "label": label("Perugia")},
            {"value": "tr", "label": label("Terni")},
        ],
    )
    town = field(
        "comune",
        "choice",
        label=label("Comune"),
        choice_filter={"==": [{"var": "choice.provincia"}, {"var": "provincia"}]},
        choices=[
            {"value": "assisi", "label": label("Assisi"), "columns": {"provincia": "pg"}},
            {"value": "narni", "label": label("Narni")},
        ],
    )
    schema["steps"][0]["fields"] = [province, town]
    errors = refused(regional, definition, schema, revision)
    expected = gettext(
        "The choice “%(choice)s” is never offered: pick the answer to “%(field)s” it goes with."
    ) % {"choice": "Narni", "field": "Provincia"}
    assert errors == [
        {
            "step": "passo_1",
            "field": "comune",
            "message": where("Situazione", "Comune") + expected,
        }
    ]
    town["choices"][1]["columns"] = {"provincia": "tr"}
    town["or_other"] = True  # "Altro" has no province: it would never be offered
    errors = refused(regional, definition, schema, revision)
    assert [(e["step"], e["field"]) for e in errors] == [("passo_1", "comune")]
    assert errors[0]["message"].endswith(
        gettext("“Other” cannot be offered when the choices depend on another answer.")
    )
    del town["or_other"]
    assert post_save(regional, definition, schema, revision).status_code == 200
    assert regional.post(reverse("forms_designer:publish", args=[definition.pk])).status_code == 200
    published = definition.versions.get().schema["steps"][0]["fields"]
    assert published[1]["choice_filter"] == town["choice_filter"]
    assert published[1]["choices"][1]["columns"] == {"provincia": "tr"}


def test_the_designer_edits_the_other_flag_alone(regional, region_org):
    definition, schema, revision = new_definition(regional, region_org)
    need = field(
        "bisogno",
        "choice",
        label=label("Bisogno"),
        or_other=True,
        choices=[{"value": "casa", "label": label("Casa")}],
    )
    schema["steps"][0]["fields"] = [need]
    assert post_save(regional, definition, schema, revision).status_code == 200
    assert regional.post(reverse("forms_designer:publish", args=[definition.pk])).status_code == 200
    published = definition.versions.get().schema["steps"][0]["fields"]
    # "Altro" and its text box come with the flag when saved, and are not edited apart
    assert [f["key"] for f in published] == ["bisogno", "bisogno_other"]
    assert [c["value"] for c in published[0]["choices"]] == ["casa", "other"]
    edited, _revision = designer_schema(regional, definition)
    assert [f["key"] for f in edited["steps"][0]["fields"]] == ["bisogno"]
    assert [c["value"] for c in edited["steps"][0]["fields"][0]["choices"]] == ["casa"]
    assert edited["steps"][0]["fields"][0]["or_other"] is True


def test_a_default_answer_must_be_an_answer_of_the_field(regional, region_org):
    definition, schema, revision = new_definition(regional, region_org)
    schema["steps"][0]["fields"] = [
        field("nascita", "date", label=label("Nascita"), default="ieri")
    ]
    errors = refused(regional, definition, schema, revision)
    assert [(e["step"], e["field"]) for e in errors] == [("passo_1", "nascita")]
    assert errors[0]["message"].startswith(where("Situazione", "Nascita"))
    assert gettext("The default answer is not valid: %s") % "" in errors[0]["message"]
    schema["steps"][0]["fields"] = [
        field("nascita", "date", label=label("Nascita"), default="2000-01-31"),
        field("ora", "time", label=label("Ora"), default="09:30"),
        field("scala", "range", label=label("Scala"), start=0, end=10, default=4),
        field("nota", "hidden", label=label("Origine"), default="sportello"),
    ]
    assert post_save(regional, definition, schema, revision).status_code == 200
    assert regional.post(reverse("forms_designer:publish", args=[definition.pk])).status_code == 200
    published = definition.versions.get().schema["steps"][0]["fields"]
    assert [f.get("default") for f in published] == ["2000-01-31", "09:30", "4", "sportello"]
