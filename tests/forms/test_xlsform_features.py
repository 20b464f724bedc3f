"""XLSForm features as the spec and ODK mean them: each example is typed from xlsform.org or
docs.getodk.org (the source named beside it) as a small workbook, imported, published through
the admin's path (StreamField body) and filled in the wizard or checked with the engine."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from forms.json_schema import json_schema
from forms.models import Submission
from forms.publishing import current, import_definition, publish
from forms.validation import validate
from forms.xlsform import import_xlsform, schema_from_xlsform

from .test_wizard import Wizard
from .test_xlsform import fields_by_key, xlsx

TODAY = datetime.date(2026, 12, 4)
SETTINGS = [["form_id", "form_title"], ["caratteristiche", "Caratteristiche"]]

# xlsform.org "Cascading selects" (states, counties, cities with `state=${state}`), in Umbria.
CASCADE_CHOICES = [
    ["list_name", "name", "label", "province"],
    ["province", "pg", "Perugia", ""],
    ["province", "tr", "Terni", ""],
    ["comune", "assisi", "Assisi", "pg"],
    ["comune", "foligno", "Foligno", "pg"],
    ["comune", "narni", "Narni", "tr"],
    ["comune", "orvieto", "Orvieto", "tr"],
    ["needs", "food", "Cibo", ""],
    ["needs", "rent", "Affitto", ""],
    ["priority", "health", "Salute", ""],
    ["priority", "work", "Lavoro", ""],
    ["priority", "home", "Casa", ""],
]

SURVEY = [
    [
        "type",
        "name",
        "label",
        "required",
        "required_message",
        "constraint",
        "constraint_message",
        "default",
        "choice_filter",
        "parameters",
    ],
    # xlsform.org "Metadata": start, end, today and the phone's own (deviceid...)
    ["start", "start"],
    ["end", "end"],
    ["today", "today"],
    ["deviceid", "deviceid"],
    ["phonenumber", "phonenumber"],
    ["username", "username"],
    ["email", "email"],
    ["audit", "audit"],
    # xlsform.org "Required" and "Constraints": required_message, constraint_message
    [
        "text",
        "postcode",
        "CAP",
        "yes",
        "Il CAP serve per la residenza",
        "regex(., '^[0-9]{5}$')",
        "Il CAP ha 5 cifre",
    ],
    # xlsform.org "Default": a new answer starts from it
    ["integer", "children", "Figli", "", "", ". <= 20", "Al massimo 20", "0"],
    # xlsform.org "Specify other": select_one ... or_other
    ["select_one needs or_other", "need", "Bisogno principale", "yes"],
    # xlsform.org "Cascading selects"
    ["select_one province", "province", "Provincia"],
    ["select_one comune", "comune", "Comune", "", "", "", "", "", "province=${province}"],
    # xlsform.org "Question types": time, dateTime
    ["time", "visit_time", "Ora della visita"],
    ["dateTime", "visit_at", "Data e ora"],
    # xlsform.org "Range" (parameters start, end, step)
    ["range", "pain", "Dolore da 0 a 10", "", "", "", "", "", "", "start=0 end=10 step=1"],
    # docs.getodk.org/form-question-types/#rank-widget: `rank <list>`
    ["rank priority", "priorities", "Priorità"],
    # xlsform.org "Question types": geopoint
    ["geopoint", "where", "Posizione"],
    # xlsform.org "Hidden": a stored constant
    ["hidden", "source", "", "", "", "", "", "sportello"],
    # xlsform.org "Media": image
    ["image", "photo", "Foto del documento"],
]


def normalised(steps: list) -> list:
    """Steps with an empty `rules` list left out: the importer writes it, the admin does not."""
    out = []
    for step in steps:
        fields = []
        for spec in step["fields"]:
            spec = dict(spec)
            checks = {k: v for k, v in (spec.get("validations") or {}).items() if v != []}
            if "validations" in spec:
                spec["validations"] = checks
            if spec.get("fields"):
                spec["fields"] = normalised([{"fields": spec["fields"]}])[0]["fields"]
            fields.append(spec)
        out.append({**step, "fields": fields})
    return out


def features_schema():
    return schema_from_xlsform(xlsx(SURVEY, CASCADE_CHOICES, SETTINGS))


def clean(answers, schema=None):
    return validate(schema or features_schema(), answers, today=TODAY)


def test_the_features_import_with_their_odk_meaning():
    schema, notes = import_xlsform(xlsx(SURVEY, CASCADE_CHOICES, SETTINGS))
    fields = fields_by_key(schema)
    assert schema["metadata"] == {"start": "start", "end": "end", "today": "today"}
    # the phone's metadata is left out, and the report says which
    not_recorded = _("%(where)s: the metadata %(type)s is not recorded by the platform.")
    assert len(notes) == 5
    assert all(note.endswith(not_recorded.split("%(type)s")[1]) for note in notes)
    assert any("'deviceid'" in note for note in notes)
    assert fields["postcode"]["required_message"]["it"] == "Il CAP serve per la residenza"
    assert fields["postcode"]["constraint_message"]["it"] == "Il CAP ha 5 cifre"
    assert fields["children"]["default"] == "0"
    assert [c["value"] for c in fields["need"]["choices"]] == ["food", "rent", "other"]
    assert fields["need_other"]["visible_if"] == {"==": [{"var": "need"}, "other"]}
    assert fields["comune"]["choice_filter"] == {
        "==": [{"var": "choice.province"}, {"var": "province"}]
    }
    assert fields["comune"]["choices"][0]["columns"] == {"province": "pg"}
    assert (fields["pain"]["start"], fields["pain"]["end"], fields["pain"]["step"]) == (0, 10, 1)
    assert fields["visit_at"]["kind"] == "datetime" and fields["priorities"]["kind"] == "rank"
    assert fields["source"] == {
        "key": "source",
        "kind": "hidden",
        "label": {"it": "source", "en": "source"},
        "computed": None,
        "default": "sportello",
    }


def test_required_and_constraint_messages_are_the_forms_own():
    result = clean({"need": "food"})
    assert result.errors["postcode"] == ["Il CAP serve per la residenza"]
    result = clean({"need": "food", "postcode": "0612"})
    assert result.errors["postcode"] == ["Il CAP ha 5 cifre"]
    assert clean({"need": "food", "postcode": "06121", "children": "21"}).errors == {
        "children": ["Al massimo 20"]
    }


def test_or_other_stores_other_and_the_text_as_odk_does():
    result = clean({"postcode": "06121", "need": "other"})
    assert result.errors == {"need_other": ["Questo campo è obbligatorio."]}
    result = clean({"postcode": "06121", "need": "other", "need_other": "Trasporto"})
    assert result.cleaned["need"] == "other" and result.cleaned["need_other"] == "Trasporto"
    # the text of a choice that is not "other" is dropped
    assert (
        "need_other" not in clean({"postcode": "06121", "need": "food", "need_other": "x"}).cleaned
    )


def test_a_cascading_select_offers_only_the_filtered_choices():
    base = {"postcode": "06121", "need": "food", "province": "pg"}
    assert clean({**base, "comune": "assisi"}).cleaned["comune"] == "assisi"
    assert clean({**base, "comune": "narni"}).errors == {
        "comune": [_("“%(value)s” is not one of the available choices.") % {"value": "narni"}]
    }


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"visit_time": "9.30", "visit_at": "04/12/2026 09:30"}, {}),
        ({"visit_time": "25:00"}, {"visit_time": [_("Enter a valid time (HH:MM).")]}),
        (
            {"pain": "11"},
            {"pain": [_("Choose a value from %(start)s to %(end)s.") % {"start": 0, "end": 10}]},
        ),
        ({"pain": "2,5"}, {"pain": [_("Choose a value in steps of %(step)s.") % {"step": 1}]}),
        ({"where": {"lat": "43,1107", "lon": "12,3908"}}, {}),
        (
            {"where": {"lat": "95", "lon": "12"}},
            {"where": [_("The latitude must be between -90 and 90.")]},
        ),
        (
            {"priorities": ["work", "home"]},
            {"priorities": [_("Put every choice in order, each once.")]},
        ),
    ],
)
def test_time_range_geopoint_and_rank_are_checked(answers, errors):
    result = clean({"postcode": "06121", "need": "food", **answers})
    assert result.errors == errors


def test_the_values_are_stored_as_the_canonical_kinds_say():
    answers = {
        "postcode": "06121",
        "need": "food",
        "visit_time": "09:30",
        "visit_at": "2026-12-04T09:30",
        "pain": "7",
        "where": {"lat": "43,1107", "lon": "12,3908", "accuracy": "12"},
        "priorities": ["home", "health", "work"],
    }
    cleaned = clean(answers).cleaned
    assert cleaned["visit_time"] == "09:30" and cleaned["visit_at"] == "2026-12-04T09:30"
    assert cleaned["pain"] == 7 and cleaned["priorities"] == ["home", "health", "work"]
    assert cleaned["where"] == {"lat": 43.1107, "lon": 12.3908, "accuracy": 12.0}
    assert cleaned["source"] == "sportello"  # hidden: its constant, whatever is sent


def test_the_app_gets_the_new_kinds_in_its_json_schema():
    document = json_schema(features_schema())
    props = document["properties"]
    assert props["pain"] == {
        "title": "Dolore da 0 a 10",
        "type": "number",
        "minimum": 0,
        "maximum": 10,
        "multipleOf": 1,
    }
    assert props["where"]["required"] == ["lat", "lon"]
    assert props["where"]["properties"]["lat"]["maximum"] == 90
    assert props["priorities"]["minItems"] == 3
    assert props["need"]["enum"] == ["food", "rent", "other"] and "need_other" in props
    assert props["visit_time"]["pattern"] and props["start"]["readOnly"]
    assert props["source"]["readOnly"] and props["children"]["default"] == 0  # as stored


# Through the admin's path and the wizard ------------------------------------------------------


@pytest.fixture
def features(region_org):
    schema = features_schema()
    definition = import_definition({"slug": "caratteristiche", "schema": schema}, owner=region_org)
    publish(definition)
    return definition


@pytest.fixture
def filling(client, operator, features, person_in_zone):
    person = person_in_zone(2, last_name="Rossi", first_name="Mario")
    client.force_login(operator)
    response = client.post(
        reverse("forms:start", args=["caratteristiche"]), {"tax_code": person.tax_code.lower()}
    )
    assert response.status_code == 302
    return Wizard(client, response["Location"])


def test_the_admins_body_keeps_every_feature(features):
    assert normalised(current(features).schema["steps"]) == normalised(features_schema()["steps"])


def test_the_wizard_shows_the_widgets_prefills_the_default_and_the_forms_messages(
    filling, settings, tmp_path
):
    settings.SISO_PRIVATE_ROOT = tmp_path
    html = filling.page.content.decode()
    assert filling.page.context["wizard"]["form"]["children"].value() == 0  # default
    assert 'type="range"' in html and 'type="time"' in html and 'type="datetime-local"' in html
    assert _("Use my position") in html and "data-rank" in html
    assert 'data-choice-filter="' in html and "data-choice=" in html
    assert 'accept="image/*"' in html
    assert 'name="caratteristiche-source"' not in html  # hidden: not shown

    filling.post({"children": "0", "need": "other"})
    html = filling.page.content.decode()
    assert "Il CAP serve per la residenza" in html and "Questo campo è obbligatorio." in html

    photo = SimpleUploadedFile("carta.png", b"\x89PNG\r\n", content_type="image/png")
    filling.post(
        {
            "postcode": "06121",
            "children": "2",
            "need": "other",
            "need_other": "Trasporto",
            "province": "pg",
            "comune": "foligno",
            "visit_time": "09:30",
            "visit_at": "2026-12-04T09:30",
            "pain": "6",
            "priorities": ["work", "home", "health"],
            "priorities__ranked": "1",  # moved (the page ticks it) or accepted as shown
            "where__lat": "43,1107",
            "where__lon": "12,3908",
            "photo": photo,
        }
    )
    assert filling.step == "review", filling.page.context["wizard"]["form"].errors
    response = filling.post(**{"review-confirm": "on"})
    assert response.status_code == 302
    answers = Submission.objects.get().answers
    assert answers["need"] == "other" and answers["need_other"] == "Trasporto"
    assert answers["comune"] == "foligno" and answers["pain"] == 6
    assert answers["priorities"] == ["work", "home", "health"]
    assert answers["where"] == {"lat": 43.1107, "lon": 12.3908}
    assert answers["photo"]["name"] == "carta.png" and answers["source"] == "sportello"
    # metadata recorded by the platform
    assert answers["today"] == datetime.date.today().isoformat()
    assert answers["start"] <= answers["end"] and "T" in answers["end"]


def test_the_wizard_refuses_a_document_as_an_image(filling, settings, tmp_path):
    settings.SISO_PRIVATE_ROOT = tmp_path
    scan = SimpleUploadedFile("isee.pdf", b"%PDF-1.4", content_type="application/pdf")
    filling.post({"postcode": "06121", "need": "food", "photo": scan})
    assert filling.step == "caratteristiche"
    assert filling.page.context["wizard"]["form"].errors["photo"]


def test_the_import_report_names_the_metadata_left_out(client, make_member, region_org):
    # xlsform.org "Metadata": deviceid, phonenumber, username, email and audit describe the
    # phone; the import goes on and its report says they are not recorded.
    from siso_platform.accounts.models import Role

    client.force_login(make_member(Role.REGIONAL_ADMIN))
    upload = SimpleUploadedFile("f.xlsx", xlsx(SURVEY, CASCADE_CHOICES, SETTINGS).read())
    response = client.post(
        reverse("forms_admin:import"), {"file": upload, "owner": region_org.pk}, follow=True
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert sum("deviceid" in m or "phonenumber" in m or "audit" in m for m in shown) == 3
    assert current(response.context["object"]).schema["metadata"]["today"] == "today"
