"""XLSForm export (forms.xlsform_export): any questionnaire becomes an XLSForm that imports
back to the same questionnaire, and ODK reads the logic it can as XPath."""

import ast
import copy
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from forms import schema as canonical
from forms.json_logic_xpath import NoXPath, to_xpath
from forms.kinds import FIELD_KINDS
from forms.publishing import import_definition
from forms.xlsform import XLSFormError, import_xlsform, schema_from_xlsform
from forms.xlsform_export import export_xlsform
from forms.xpath import FieldRef, to_json_logic
from siso_platform.accounts.models import Role

from . import test_xlsform, test_xlsform_features, test_xlsform_odk
from .schemas import intake_document

EMPTY = {"it": "", "en": ""}


def texts(value):
    """A `{"it", "en"}` as the importer fills it: an empty language takes the other's text."""
    value = value if isinstance(value, dict) else {"it": value or "", "en": value or ""}
    it, en = value.get("it") or "", value.get("en") or ""
    return {"it": it or en, "en": en or it}


def normal_field(spec: dict) -> dict:
    spec = dict(spec)
    for key in ("label", "help", "required_message", "constraint_message"):
        if key in spec or key == "help":
            spec[key] = texts(spec.get(key))
    spec.setdefault("required", False)
    for key in ("visible_if", "computed", "prefill"):
        spec.setdefault(key, None)
    checks = dict(spec.get("validations") or {})
    checks["rules"] = [
        {"rule": rule["rule"], "message": texts(rule.get("message"))}
        for rule in checks.get("rules") or ()
    ]
    spec["validations"] = {key: value for key, value in checks.items() if value != []}
    if "choices" in spec:
        spec["choices"] = [
            {**choice, "value": str(choice["value"]), "label": texts(choice.get("label"))}
            for choice in spec["choices"]
        ]
    if spec.get("fields"):
        spec["fields"] = [
            normal_field(child)
            for child in canonical.with_other(canonical.without_other(spec["fields"]))
        ]
    return spec


def normalised(schema: dict) -> dict:
    """A schema with the defaults docs/forms.md gives to omitted keys written out, and empty
    languages filled, as the existing import tests compare."""
    schema = copy.deepcopy(schema)
    schema["title"] = texts(schema.get("title"))
    schema["steps"] = [
        {
            **step,
            "title": texts(step.get("title")),
            "visible_if": step.get("visible_if"),
            # the admin stores only `or_other`; the schema built from it has the rest
            "fields": [
                normal_field(spec)
                for spec in canonical.with_other(canonical.without_other(step.get("fields") or []))
            ],
        }
        for step in schema.get("steps") or ()
    ]
    return schema


def round_trip(schema: dict) -> tuple[dict, list[str]]:
    content, notes = export_xlsform(schema)
    back, _import_notes = import_xlsform(io.BytesIO(content))
    return back, notes


def sheet(content: bytes, name: str) -> list[dict]:
    rows = list(load_workbook(io.BytesIO(content))[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def survey_row(content: bytes, name: str) -> dict:
    return next(row for row in sheet(content, "survey") if row["name"] == name)


# The demo intake questionnaire ---------------------------------------------------------------


def test_the_intake_questionnaire_comes_back_the_same():
    schema = intake_document()["schema"]
    back, notes = round_trip(schema)
    assert normalised(back) == normalised(schema)
    assert back["steps"][0]["fields"][1]["prefill"] == "person.tax_code"  # kept exactly
    assert notes  # age(), some() and the lengths are not ODK's: said, not dropped


def test_the_intake_workbook_reads_as_odk_xlsform():
    content, notes = export_xlsform(intake_document()["schema"])
    rows = sheet(content, "survey")
    assert [row["type"] for row in rows][:3] == ["begin_group", "note", "text"]
    assert survey_row(content, "persona")["appearance"] == "field-list"
    tax = survey_row(content, "tax_code")
    assert (tax["type"], tax["siso::kind"], tax["required"]) == ("text", "tax_code", "yes")
    assert tax["label::Italian (it)"] == "Codice fiscale"
    assert tax["label::English (en)"] == "Tax code"
    members = survey_row(content, "members")
    assert (members["type"], members["repeat_count"]) == ("begin_repeat", "15")
    assert survey_row(content, "household_size")["calculation"] == "1 + count(${members})"
    assert survey_row(content, "residence_permit")["relevant"] == ("${citizenship_kind} = 'non_eu'")
    assert survey_row(content, "debts_amount")["relevant"] == "${debts} = 'OK'"
    assert survey_row(content, "minors_notes")["appearance"] == "multiline"
    # a platform operation: ODK gets the nearest XPath, the platform keeps its own rule
    age = survey_row(content, "age")
    assert age["calculation"] == "int((today() - ${birth_date}) div 365.25)"
    assert json.loads(age["siso::computed"]) == {"age": [{"var": "birth_date"}]}
    # lengths and bounds: ODK checks them in the constraint
    assert survey_row(content, "rent")["constraint"] == "(. >= 0) and (. <= 10000)"
    choices = sheet(content, "choices")
    assert {"list_name": "tenure", "name": "rented"}.items() <= choices[
        [c["name"] for c in choices].index("rented")
    ].items()
    settings_row = sheet(content, "settings")[0]
    assert settings_row["form_id"] == "scheda-accesso"
    assert settings_row["form_title"] == "Scheda di accesso"
    assert json.loads(settings_row["siso::extra"])["title"]["en"] == "Intake form"
    # the admin's warnings, also in the workbook's own sheet
    report = sheet(content, "avvisi")
    assert len(report) == len(notes)
    assert any(row[next(iter(row))] == "has_minors" for row in report)


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param(intake_document()["schema"], id="intake"),
        pytest.param(test_xlsform_features.features_schema(), id="features"),
    ],
)
def test_pyxform_makes_an_xform_of_the_export(schema):
    """ODK's own converter takes the workbook (the siso:: columns and `avvisi` are ignored)."""
    content, _notes = export_xlsform(schema)
    xform = convert(xlsform=io.BytesIO(content), file_type=".xlsx").xform
    assert f'id="{schema["slug"]}"' in xform
    assert "${" not in xform  # every reference resolved to a field's path
    assert "siso" not in xform


# Every workbook of the XLSForm tests -----------------------------------------------------------


def workbooks():
    """Each survey sheet written in the XLSForm test modules that imports, with the choices
    and settings of its module."""
    found = []
    for module in (test_xlsform, test_xlsform_features, test_xlsform_odk):
        tree = ast.parse(Path(module.__file__).read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.List) and node.elts):
                continue
            first = node.elts[0]
            if not (isinstance(first, ast.List) and first.elts):
                continue
            head = first.elts[0]
            if not (isinstance(head, ast.Constant) and head.value == "type"):
                continue
            try:
                survey = eval(compile(ast.Expression(node), "<survey>", "eval"), vars(module))
            except Exception:
                continue
            for choices in (
                getattr(module, "CASCADE_CHOICES", None),
                getattr(module, "CHOICES", None),
                test_xlsform.CHOICES,
                None,
            ):
                try:
                    schema = schema_from_xlsform(
                        test_xlsform.xlsx(survey, choices, getattr(module, "SETTINGS", None))
                    )
                except (XLSFormError, TypeError):
                    continue
                found.append(pytest.param(schema, id=f"{module.__name__[12:]}:{node.lineno}"))
                break
    return found


WORKBOOKS = workbooks()


def test_the_test_workbooks_are_found():
    assert len(WORKBOOKS) >= 10
    assert any("features" in param.id for param in WORKBOOKS)


@pytest.mark.parametrize("schema", WORKBOOKS)
def test_every_test_workbook_comes_back_the_same(schema):
    back, _notes = round_trip(schema)
    assert normalised(back) == normalised(schema)


def test_the_features_workbook_needs_no_platform_column():
    """What an XLSForm said comes back as XLSForm says it: no siso:: rule column."""
    schema = test_xlsform_features.features_schema()
    content, notes = export_xlsform(schema)
    assert notes == []
    rows = sheet(content, "survey")
    assert not any(key.startswith("siso::") and any(r[key] for r in rows) for key in rows[0])
    comune = survey_row(content, "comune")
    assert comune["choice_filter"] == "province = ${province}"
    assert survey_row(content, "need")["type"] == "select_one need or_other"
    assert survey_row(content, "pain")["parameters"] == "start=0 end=10 step=1"
    assert survey_row(content, "postcode")["constraint"] == "regex(., '^[0-9]{5}$')"
    assert [row["type"] for row in rows[:3]] == ["start", "end", "today"]
    assert all(c["name"] != "other" for c in sheet(content, "choices") if c["list_name"] == "need")


# Platform-only data --------------------------------------------------------------------------


def platform_schema() -> dict:
    label = {"it": "Etichetta", "en": "Label"}
    return {
        "slug": "piattaforma",
        "title": {"it": "Piattaforma", "en": "Platform"},
        "future_setting": {"kept": True},
        "steps": [
            {
                "key": "uno",
                "title": {"it": "Uno", "en": "One"},
                "visible_if": None,
                "fields": [
                    {"key": "cf", "kind": "tax_code", "label": label, "fact": "person.tax_code"},
                    {"key": "addr", "kind": "address", "label": label, "required": True},
                    {
                        "key": "amount",
                        "kind": "decimal",
                        "label": label,
                        "decimal_places": 3,
                        "default": 5,
                        "validations": {
                            "min": 1,
                            "rules": [{"rule": {">": [{"var": "amount"}, 0]}, "message": label}],
                        },
                    },
                    {
                        "key": "code",
                        "kind": "text",
                        "label": label,
                        "validations": {"pattern": "[A-Z]{3}"},
                        "visible_if": {"!": [{"in": [{"var": "amount"}, [1, 2]]}]},
                    },
                    {
                        "key": "who",
                        "kind": "group",
                        "label": label,
                        "min_rows": 1,
                        "prefill": "household.members",
                        "visible_if": {">": [{"var": "amount"}, 2]},
                        "fields": [
                            {
                                "key": "n",
                                "kind": "integer",
                                "label": label,
                                "required": {"and": [{"var": "row.n"}, {"var": "amount"}]},
                            },
                        ],
                    },
                ],
            },
            {
                "key": "due",
                "title": {"it": "Due", "en": ""},
                "visible_if": {"some": [{"var": "who"}, {"var": "n"}]},
                "fields": [{"key": "quote", "kind": "text", "label": {"it": 'L\'"x"', "en": "x"}}],
            },
        ],
    }


def test_platform_kinds_prefill_facts_and_rules_come_back_exactly():
    schema = platform_schema()
    back, notes = round_trip(schema)
    assert normalised(back) == normalised(schema)
    assert back["future_setting"] == {"kept": True}
    fields = test_xlsform.fields_by_key(back)
    assert fields["amount"]["default"] == 5 and fields["amount"]["decimal_places"] == 3
    assert fields["who"]["min_rows"] == 1 and fields["cf"]["fact"] == "person.tax_code"
    assert back["steps"][1]["visible_if"] == {"some": [{"var": "who"}, {"var": "n"}]}
    assert any(note.startswith("due, relevant") for note in notes)


def one_of_each_kind() -> list:
    """A field of every kind the platform has, with what that kind may carry."""
    label = {"it": "Domanda", "en": "Question"}
    choices = [
        {"value": "a", "label": {"it": "A", "en": "A"}},
        {"value": "b", "label": {"it": "B", "en": ""}},  # one language only: kept as is
    ]
    extra = {
        "choice": {"choices": choices, "or_other": True, "default": "a"},
        "multichoice": {"choices": choices, "validations": {"min": 1, "max": 2}},
        "rank": {"choices": choices},
        "range": {"start": 1, "end": 5, "step": 0.5},
        "decimal": {"decimal_places": 1, "validations": {"min": 0.5}},
        "date": {"validations": {"min": "2020-01-01"}},
        "file": {"validations": {"max_size": 1000, "extensions": ["pdf"]}},
        "image": {"validations": {"extensions": ["png"]}},
        "hidden": {"default": "sportello"},
        "note": {"label": {"it": "Solo da leggere", "en": ""}},
        "text": {"help": {"it": "Aiuto", "en": "Help"}, "required_message": label},
        "integer": {"computed": {"+": [1, 2]}, "label": {"it": "", "en": ""}},
    }
    fields = []
    for kind, _name in FIELD_KINDS:
        if kind == "group":
            continue
        fields.append({"key": f"q_{kind}", "kind": kind, "label": label, **extra.get(kind, {})})
    return fields


@pytest.mark.parametrize("spec", one_of_each_kind(), ids=lambda spec: spec["kind"])
def test_every_kind_comes_back_the_same(spec):
    group = {
        "key": "rows",
        "kind": "group",
        "label": {"it": "Righe", "en": "Rows"},
        "max_rows": 3,
        "fields": [{**copy.deepcopy(spec), "key": f"{spec['key']}_row"}],
    }
    if spec["kind"] in ("hidden", "note"):
        group["fields"].append({"key": "anything", "kind": "text", "label": spec["label"]})
    schema = {
        "slug": "tipi",
        "title": {"it": "Tipi", "en": "Kinds"},
        "steps": [{"key": "s", "title": {"it": "", "en": ""}, "fields": [spec, group]}],
    }
    back, _notes = round_trip(schema)
    assert normalised(back) == normalised(schema)
    fields = test_xlsform.fields_by_key(back)
    assert fields[spec["key"]]["label"] == spec["label"]  # languages exactly as given
    assert back["steps"][0]["title"] == {"it": "", "en": ""}


def test_a_text_that_looks_like_a_formula_stays_text():
    schema = platform_schema()
    schema["steps"][1]["fields"][0]["label"] = {"it": "=1+1", "en": '=HYPERLINK("x")'}
    content, _notes = export_xlsform(schema)
    cell = next(c for c in load_workbook(io.BytesIO(content))["survey"]["C"] if c.value == "=1+1")
    assert cell.data_type == "s"
    back, _notes = round_trip(schema)
    assert back["steps"][1]["fields"][0]["label"] == schema["steps"][1]["fields"][0]["label"]


def test_a_pattern_odk_reads_differently_is_kept_and_odk_gets_its_regex():
    content, _notes = export_xlsform(platform_schema())
    code = survey_row(content, "code")
    assert code["constraint"] == "regex(., '[A-Z]{3}')"
    assert json.loads(code["siso::validations"]) == {"pattern": "[A-Z]{3}"}


def test_a_broken_platform_column_is_refused_naming_it(english):
    content, _notes = export_xlsform(platform_schema())
    book = load_workbook(io.BytesIO(content))
    survey = book["survey"]
    headers = [cell.value for cell in survey[1]]
    survey.cell(row=3, column=headers.index("siso::extra") + 1, value="{not json")
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(XLSFormError) as caught:
        schema_from_xlsform(io.BytesIO(data.getvalue()))
    assert (
        "survey row 3 (cf), siso::extra: the column is not valid JSON" in caught.value.problems[0]
    )


# JSON Logic -> XPath, over what forms.xpath produces -----------------------------------------

FIELDS = {
    **test_xlsform.FIELDS,
    "ok": FieldRef(None, "boolean"),
    "when": FieldRef(None, "date"),
    "share": FieldRef(None, "decimal"),
}
NUMBERS = ["${age}", "${share}", "2", "1.5", "count(${members})", "string-length(${name})"]
NUMBERS += ["count-selected(${needs})", "sum(${income})", "today() - ${dob}", "int(${share})"]
NUMBERS += ["round(${share})", "round(${share}, 2)", "number(${name})"]
TEXTS = ["${name}", "${tenure}", "'a'", "concat(${name}, 'x')", "string(${age})"]
TEXTS += ["coalesce(${name}, 'none')", "if(${ok}, 'yes', 'no')"]
DATES = ["${dob}", "today()", "${dob} + 3", "${when} - 2", "date('2020-01-02')"]


def _conditions():
    number = st.sampled_from(NUMBERS)
    text = st.sampled_from(TEXTS)
    date = st.sampled_from(DATES)
    arithmetic = st.builds(
        lambda a, op, b: f"({a}) {op} ({b})",
        number,
        st.sampled_from(["+", "-", "*", "div", "mod"]),
        number,
    )
    numbers = st.one_of(number, arithmetic)
    atoms = st.one_of(
        st.builds(
            lambda a, op, b: f"{a} {op} {b}",
            numbers,
            st.sampled_from(["<", "<=", ">", ">=", "=", "!="]),
            numbers,
        ),
        st.builds(lambda a, op, b: f"{a} {op} {b}", text, st.sampled_from(["=", "!="]), text),
        st.builds(lambda a, op, b: f"{a} {op} {b}", date, st.sampled_from(["<", ">="]), date),
        st.builds(lambda a: f"{a} = ''", st.sampled_from(["${name}", "${age}", "${dob}"])),
        st.builds(lambda a: f"{a} != ''", st.sampled_from(["${name}", "${tenure}"])),
        st.builds(lambda v: f"selected(${{needs}}, '{v}')", st.sampled_from(["food", "rent"])),
        st.builds(lambda v: f"contains(${{name}}, '{v}')", st.sampled_from(["a", "b"])),
        st.sampled_from(["${ok}", "${ok} = 'OK'", "true()", "false()", "boolean(${name})"]),
        st.builds(lambda a, b: f"min({a}, {b}) > max({b}, 1)", number, number),
    )
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.builds(
                lambda a, op, b: f"({a}) {op} ({b})", inner, st.sampled_from(["and", "or"]), inner
            ),
            st.builds(lambda a: f"not({a})", inner),
        ),
        max_leaves=5,
    )


CONDITIONS = _conditions()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CONDITIONS)
def test_the_xpath_of_any_translated_expression_translates_back_the_same(expression):
    logic = to_json_logic(expression, fields=FIELDS)
    xpath = to_xpath(logic, FIELDS)
    assert to_json_logic(xpath, fields=FIELDS) == logic, xpath


@pytest.mark.parametrize(
    ("expression", "expected"), test_xlsform.test_xpath_translation.pytestmark[0].args[1]
)
def test_the_translator_cases_translate_back(expression, expected):
    assert to_json_logic(to_xpath(expected, FIELDS), fields=FIELDS) == expected


def test_inside_a_repeat_a_row_field_is_written_by_its_name():
    logic = to_json_logic(
        ". > 0 and ${relation} = 'child' and position(..) = 1", fields=FIELDS, current="income"
    )
    xpath = to_xpath(logic, FIELDS)
    assert "${relation}" in xpath and "position(..)" in xpath
    assert to_json_logic(xpath, fields=FIELDS, current="income") == logic


@pytest.mark.parametrize(
    "logic",
    [{"some": [{"var": "members"}, True]}, {"merge": [1]}, {"==": [{"var": "age"}, None]}],
)
def test_an_operation_with_no_xpath_form_is_said(logic):
    with pytest.raises(NoXPath):
        to_xpath(logic, FIELDS)


def test_an_inexact_xpath_never_replaces_the_rule():
    """`in` over a list reads back as `or`: the same meaning, not the same rule."""
    logic = {"in": [{"var": "tenure"}, ["a", "b"]]}
    xpath = to_xpath(logic, FIELDS)
    assert xpath == "${tenure} = 'a' or ${tenure} = 'b'"
    assert to_json_logic(xpath, fields=FIELDS) == {
        "or": [{"==": [{"var": "tenure"}, "a"]}, {"==": [{"var": "tenure"}, "b"]}]
    }


# The admin's download ------------------------------------------------------------------------


def test_the_owner_downloads_the_xlsform_and_it_imports_back(client, make_member, intake):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    edit = client.get(reverse("wagtailsnippets_forms_formdefinition:edit", args=[intake.pk]))
    url = reverse("forms_admin:export_xlsform", args=[intake.pk])
    assert url in edit.content.decode()
    listing = client.get(reverse("wagtailsnippets_forms_formdefinition:list"))
    assert url in listing.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="scheda-accesso.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    back = schema_from_xlsform(io.BytesIO(response.content))
    assert normalised(back) == normalised(intake.schema)
    # the admin is told what ODK does differently (on the next page)
    page = client.get(reverse("wagtailsnippets_forms_formdefinition:list")).content.decode()
    assert "avvisi" in page


def test_another_zones_variant_is_not_found(client, make_member, intake, zone_org):
    variant = import_definition(
        {"schema": intake.schema, "title": {"it": "Variante", "en": "Variant"}},
        owner=zone_org,
        slug="scheda-zona-2",
        based_on=intake,
    )
    url = reverse("forms_admin:export_xlsform", args=[variant.pk])
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=3))
    assert client.get(url).status_code == 404
    listing = client.get(reverse("wagtailsnippets_forms_formdefinition:list")).content.decode()
    assert url not in listing
    assert client.get(reverse("forms_admin:export_xlsform", args=[999_999])).status_code == 404
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="scheda-zona-2.xlsx"'
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    assert client.get(url).status_code in (302, 403, 404)
