"""Two ODK behaviours of XLSForm, each from the page that states it:

- rank (https://docs.getodk.org/form-question-types/#rank-widget): a rank question nobody
  touched is unanswered, so a required one must be ranked and an untouched optional one
  saves nothing;
- defaults that are expressions (https://docs.getodk.org/form-logic/#default-values and
  https://xlsform.org/en/#default): `today()` and `now()` fill in the date and the time when
  the question is shown, `${other}` and other expressions are computed then, and what cannot
  be translated is left out with a note in the import report, never stored as text.

Workbooks are built with openpyxl, imported, published through the admin's path and filled
in the wizard with the Django test client."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from freezegun import freeze_time
from openpyxl import load_workbook

from forms.json_schema import json_schema
from forms.models import Submission
from forms.publishing import current, import_definition, publish
from forms.schema import Field
from forms.validation import default_answer, validate
from forms.xlsform import import_xlsform
from forms.xlsform_export import export_xlsform

from .test_wizard import Wizard
from .test_xlsform import fields_by_key, xlsx

SETTINGS = [["form_id", "form_title"], ["visita_odk", "Visita"]]
CHOICES = [
    ["list_name", "name", "label"],
    ["priority", "health", "Salute"],
    ["priority", "work", "Lavoro"],
    ["priority", "home", "Casa"],
]
SURVEY = [
    ["type", "name", "label", "required", "required_message", "default"],
    ["begin_group", "famiglia", "Famiglia"],
    ["integer", "adults", "Adulti", "yes"],
    ["end_group"],
    ["begin_group", "visita", "Visita"],
    # https://docs.getodk.org/form-logic/#default-values: "today()" in a date's default
    ["date", "visit_day", "Giorno della visita", "", "", "today()"],
    # https://xlsform.org/en/#default: now() for a dateTime
    ["dateTime", "visit_at", "Data e ora", "", "", "now()"],
    # a default that reads another answer (pyxform: a dynamic default)
    ["integer", "people", "Persone", "", "", "${adults} + 1"],
    ["integer", "children", "Figli", "", "", "0"],
    # pulldata() reads a CSV on the phone: the platform cannot compute it
    ["text", "district", "Distretto", "", "", "pulldata('zone', 'name', 'code', '1')"],
    ["hidden", "visited_on", "", "", "", "today()"],
    # https://docs.getodk.org/form-question-types/#rank-widget
    ["rank priority", "priorities", "Priorità"],
    ["rank priority", "urgent", "Urgenze", "yes", "Metti in ordine le urgenze"],
    ["rank priority", "needs_order", "Bisogni", "yes"],
    ["end_group"],
]
SHOWN_ORDER = ["health", "work", "home"]


def imported():
    return import_xlsform(xlsx(SURVEY, CHOICES, SETTINGS))


# Import -----------------------------------------------------------------------------------


def test_expression_defaults_import_as_logic_computed_when_shown():
    schema, _notes = imported()
    fields = fields_by_key(schema)
    assert fields["visit_day"]["default"] == {"today": []}
    assert fields["visit_at"]["default"] == {"now": []}
    assert fields["people"]["default"] == {"+": [{"var": "adults"}, 1]}
    assert fields["visited_on"]["default"] == {"today": []}
    assert fields["children"]["default"] == "0"  # a value stays a value


def test_a_default_that_cannot_be_translated_is_left_out_with_a_note():
    schema, notes = imported()  # never refused
    assert "default" not in fields_by_key(schema)["district"]  # never kept as text
    left_out = _("%(where)s: the default %(expression)s is left out: %(error)s.")
    assert len(notes) == 1
    assert "pulldata" in notes[0] and "district" in notes[0]
    assert left_out.split("%(expression)s")[1].split("%(error)s")[0] in notes[0]


def test_a_date_with_dashes_is_a_value_not_a_subtraction():
    survey = [["type", "name", "label", "default"], ["date", "since", "Dal", "2026-01-31"]]
    schema, notes = import_xlsform(xlsx(survey, None, SETTINGS))
    assert fields_by_key(schema)["since"]["default"] == "2026-01-31" and notes == []


def test_export_writes_the_expressions_back_and_the_form_reimports_the_same():
    schema, _notes = imported()
    data, _warnings = export_xlsform(schema)
    sheet = load_workbook(io.BytesIO(data))["survey"]
    rows = list(sheet.values)
    header = rows[0]
    by_name = {row[header.index("name")]: row for row in rows[1:]}
    default = header.index("default")
    assert by_name["visit_day"][default] == "today()"
    assert by_name["visit_at"][default] == "now()"
    assert by_name["people"][default] == "${adults} + 1"
    again, notes = import_xlsform(io.BytesIO(data))
    assert again == schema and notes == []


def test_json_logic_that_xpath_cannot_hold_survives_export_in_its_siso_column():
    schema, _notes = imported()
    spec = fields_by_key(schema)["people"]
    spec["default"] = {"age": [{"var": "visit_day"}]}  # no exact XPath for age
    data, _warnings = export_xlsform(schema)
    again, _notes = import_xlsform(io.BytesIO(data))
    assert fields_by_key(again)["people"]["default"] == {"age": [{"var": "visit_day"}]}


def test_the_apps_json_schema_has_only_constant_defaults_and_rank_as_an_optional_order():
    schema, _notes = imported()
    props = json_schema(schema)["properties"]
    assert "default" not in props["visit_day"] and "default" not in props["visit_at"]
    assert props["children"]["default"] == 0
    assert props["priorities"] == {
        "title": "Priorità",
        "type": "array",
        "items": {"enum": SHOWN_ORDER},
        "uniqueItems": True,
        "minItems": 3,
        "maxItems": 3,
    }
    # required: present with every choice once; optional: absent when untouched, as the
    # wizard saves it
    required = json_schema(schema)["required"]
    assert "urgent" in required and "needs_order" in required
    assert "priorities" not in required
    answers = {"adults": 2, "urgent": SHOWN_ORDER, "needs_order": SHOWN_ORDER}
    assert validate(schema, answers).is_valid
    assert validate(schema, {"adults": 2, "urgent": SHOWN_ORDER}).errors == {
        "needs_order": [_("This field is required.")]
    }


def test_a_rank_default_is_its_order_in_the_json_schema():
    survey = [
        ["type", "name", "label", "default"],
        ["rank priority", "order", "Ordine", "home work health"],
    ]
    schema, _notes = import_xlsform(xlsx(survey, CHOICES, SETTINGS))
    assert json_schema(schema)["properties"]["order"]["default"] == ["home", "work", "health"]


@pytest.mark.parametrize(
    ("kind", "default", "expected"),
    [
        ("date", {"today": []}, "2026-12-05"),
        ("date", {"now": []}, "2026-12-05"),  # now() in a date: its day
        ("datetime", {"now": []}, "2026-12-05T00:30"),
        ("datetime", {"today": []}, "2026-12-05T00:00"),  # today() in a date and time
        ("integer", {"/": [1, 0]}, None),  # Infinity: no answer
        ("text", {"unknown_op": []}, None),
    ],
)
def test_a_logic_default_is_fitted_to_its_kind(kind, default, expected):
    item = Field("x", kind, {"key": "x", "kind": kind, "default": default}, "s")
    on = datetime.datetime(2026, 12, 5, 0, 30)
    assert default_answer(item, {}, today=on.date(), now=on) == expected


# Through the admin's path and the wizard --------------------------------------------------


@pytest.fixture
def visit(region_org):
    schema, _notes = imported()
    definition = import_definition({"slug": "visita_odk", "schema": schema}, owner=region_org)
    publish(definition)
    return definition


@pytest.fixture
def filling(client, operator, visit, person_in_zone):
    person = person_in_zone(2, last_name="Rossi", first_name="Mario")
    client.force_login(operator)
    response = client.post(
        reverse("forms:start", args=["visita_odk"]), {"tax_code": person.tax_code.lower()}
    )
    assert response.status_code == 302
    return Wizard(client, response["Location"])


def test_the_admins_body_keeps_the_expression_defaults(visit):
    fields = fields_by_key(current(visit).schema)
    assert fields["visit_day"]["default"] == {"today": []}
    assert fields["people"]["default"] == {"+": [{"var": "adults"}, 1]}
    assert fields["visited_on"]["default"] == {"today": []}


def untouched(**answers):
    """What the browser posts for the ranks when nobody moved them: their order, no mark."""
    return {"priorities": SHOWN_ORDER, "urgent": SHOWN_ORDER, "needs_order": SHOWN_ORDER, **answers}


@pytest.fixture
def rome_past_midnight():
    """23:30 in UTC, already the next day in Rome (frozen before logging in, so the session
    is as fresh as the page)."""
    with freeze_time("2026-12-04 23:30:00"):
        yield


def test_today_and_now_are_filled_in_with_romes_date_and_time(rome_past_midnight, filling):
    filling.post({"adults": "2"})
    assert filling.step == "visita"
    form = filling.page.context["wizard"]["form"]
    assert form["visit_day"].value() == "2026-12-05"
    assert form["visit_at"].value() == "2026-12-05T00:30"
    assert form["people"].value() == 3  # ${adults} + 1, from the page before
    assert form["children"].value() == 0
    assert form["district"].value() is None  # its default was left out at import
    html = filling.page.content.decode()
    assert 'value="2026-12-05"' in html and 'value="2026-12-05T00:30"' in html


def test_the_filled_in_date_is_saved_as_an_answer_and_may_be_changed(filling):
    filling.post({"adults": "2"})
    today = timezone.localdate().isoformat()
    assert filling.page.context["wizard"]["form"]["visit_day"].value() == today
    filling.post(
        untouched(
            visit_day=today,
            visit_at="2026-12-04T09:30",
            people="4",
            urgent__ranked="1",
            needs_order__ranked="1",
        )
    )
    assert filling.step == "review", filling.page.context["wizard"]["form"].errors
    assert filling.post(**{"review-confirm": "on"}).status_code == 302
    answers = Submission.objects.get().answers
    assert answers["visit_day"] == today and answers["visit_at"] == "2026-12-04T09:30"
    assert answers["people"] == 4  # changed by the operator
    assert answers["visited_on"] == today  # hidden: computed when sent
    assert "today()" not in str(answers) and "district" not in answers


def test_an_untouched_required_rank_is_unanswered(filling):
    filling.post({"adults": "1"})
    html = filling.page.content.decode()
    assert escape(_("I accept this order")) in html and "data-ranked" in html
    assert "data-ranked checked" not in html  # nobody has ranked yet
    filling.post(untouched())
    assert filling.step == "visita"
    errors = filling.page.context["wizard"]["form"].errors
    assert errors["urgent"] == ["Metti in ordine le urgenze"]  # the field's required_message
    assert errors["needs_order"] == [_("This field is required.")]
    assert "priorities" not in errors  # optional: untouched is fine


def test_an_untouched_optional_rank_saves_nothing_and_an_accepted_order_is_saved(filling):
    filling.post({"adults": "1"})
    moved = ["work", "health", "home"]
    filling.post(
        untouched(
            urgent__ranked="1",  # the order shown, accepted as it is
            needs_order=moved,  # a choice moved: the page ticks the box
            needs_order__ranked="1",
        )
    )
    assert filling.step == "review", filling.page.context["wizard"]["form"].errors
    assert filling.post(**{"review-confirm": "on"}).status_code == 302
    answers = Submission.objects.get().answers
    assert "priorities" not in answers
    assert answers["urgent"] == SHOWN_ORDER and answers["needs_order"] == moved


def test_a_ranked_order_comes_back_ticked_when_the_page_is_shown_again(filling):
    filling.post({"adults": "1"})
    moved = ["home", "work", "health"]
    filling.post(untouched(priorities=moved, priorities__ranked="1"))  # refused: ranks missing
    assert filling.step == "visita"
    html = filling.page.content.decode()
    assert html.count("data-ranked checked") == 1
    ranked = html.index('name="visita-priorities__ranked"')
    assert "checked" in html[ranked : html.index(">", ranked)]
