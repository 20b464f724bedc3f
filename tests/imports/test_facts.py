"""Local taxes, property, rentals and income become facts with provenance and periods."""

import datetime

import pytest

from siso_platform.people.models import Fact, Person

from .conftest import csv_text, family, run_import

pytestmark = pytest.mark.django_db
JAN, JUN = datetime.date(2026, 1, 31), datetime.date(2026, 6, 30)


@pytest.fixture
def rossi(perugia):
    run_import("registry", csv_text("registry", family()), perugia)
    return {p.first_name: p for p in Person.objects.all()}


def facts(person, kind):
    return list(
        person.facts.filter(kind=kind)
        .order_by("key", "valid_from")
        .values_list("key", "value", "valid_from", "valid_to")
    )


def test_income_rows_of_one_year_make_one_fact_and_a_new_amount_closes_the_old(perugia, rossi):
    mario = rossi["Mario"]
    rows = [
        {"tax_code": mario.tax_code, "year": 2025, "income_type": "employment", "amount": "21000"},
        {"tax_code": mario.tax_code, "year": 2025, "income_type": "property", "amount": "1200.5"},
    ]
    run = run_import("income", csv_text("income", rows), perugia)
    assert (run.rows_inserted, run.rows_updated) == (1, 1)
    assert facts(mario, "income") == [
        ("2025", {"employment": 21000.0, "property": 1200.5}, JAN, None)
    ]
    fact = mario.facts.get(kind="income")
    assert (fact.source, fact.source_reference) == ("income", f"import-run:{run.pk}")

    rows[0]["amount"] = "23000"
    run = run_import("income", csv_text("income", rows), perugia, on=JUN)

    assert (run.rows_updated, run.rows_unchanged) == (1, 1)
    assert facts(mario, "income") == [
        ("2025", {"employment": 21000.0, "property": 1200.5}, JAN, JUN),
        ("2025", {"employment": 23000.0, "property": 1200.5}, JUN, None),
    ]


def test_a_property_sold_closes_its_period_and_the_same_file_changes_nothing(perugia, rossi):
    anna = rossi["Anna"]
    unit = {
        "tax_code": anna.tax_code,
        "unit_id": "G478-1-2-3",
        "category": "a/2",
        "share": "50",
        "cadastral_value": "612.40",
        "since": "2010-06-30",
    }
    run_import("property", csv_text("property", [unit]), perugia)
    assert facts(anna, "property") == [
        (
            "G478-1-2-3",
            {"category": "A/2", "share": 50.0, "cadastral_value": 612.4, "since": "2010-06-30"},
            datetime.date(2010, 6, 30),
            None,
        )
    ]

    unit["until"] = "2026-03-15"
    sold = run_import("property", csv_text("property", [unit]), perugia, on=JUN)
    again = run_import("property", csv_text("property", [unit]), perugia, on=JUN)

    assert (sold.rows_updated, again.rows_unchanged) == (1, 1)
    periods = [(f[2], f[3]) for f in facts(anna, "property")]
    assert periods == [(datetime.date(2010, 6, 30), datetime.date(2026, 3, 16))]
    assert not anna.facts.current(on=JUN).filter(kind="property").exists()


def test_a_rental_runs_from_its_start_and_names_its_owner(perugia, rossi):
    contract = {
        "contract_id": "RC7",
        "tenant_tax_code": rossi["Mario"].tax_code,
        "owner_tax_code": "12345678903",
        "address": "Via Roma 3",
        "yearly_rent": "6.000,00",
        "start": "2024-02-01",
        "end": "2028-01-31",
    }
    text = csv_text("rentals", [contract], delimiter=";")
    from siso_platform.imports.models import MappingProfile

    profile = MappingProfile.objects.create(
        name="semicolons",
        source="rentals",
        delimiter=";",
        decimal_separator=",",
        thousands_separator=".",
    )
    run_import("rentals", text, perugia, profile=profile)

    [(key, value, began, ended)] = facts(rossi["Mario"], "rental")
    assert (key, value["yearly_rent"], value["owner_tax_code"]) == ("RC7", 6000.0, "12345678903")
    assert (began, ended, value["end"]) == (datetime.date(2024, 2, 1), None, "2028-01-31")
    assert rossi["Mario"].facts.current().filter(kind="rental").exists()  # on the record

    # A later extraction, after the contract's end: the same row now closes the fact.
    later = run_import("rentals", text, perugia, on=datetime.date(2028, 3, 1), profile=profile)
    assert later.rows_updated == 1
    assert [f[3] for f in facts(rossi["Mario"], "rental")] == [datetime.date(2028, 2, 1)]


def test_local_taxes_default_their_arrears(perugia, rossi):
    row = {"tax_code": rossi["Mario"].tax_code, "tax": "tari", "year": 2025, "due": "320"}
    row["paid"] = "120"
    run_import("local_taxes", csv_text("local_taxes", [row]), perugia)

    [(key, value, *_period)] = facts(rossi["Mario"], "local_tax")
    assert key == "TARI-2025"
    assert value == {"tax": "TARI", "year": 2025, "due": 320.0, "paid": 120.0, "arrears": 0.0}


def test_a_tax_code_unknown_to_the_registry_is_rejected_by_row(english, perugia, rossi):
    rows = [
        {"tax_code": rossi["Luca"].tax_code, "year": 2025, "income_type": "other", "amount": "1"},
        {"tax_code": "BNCGLI92L55F205A", "year": 2025, "income_type": "other", "amount": "1"},
        {"tax_code": rossi["Luca"].tax_code, "year": 2025, "income_type": "gift", "amount": "-1"},
    ]
    run = run_import("income", csv_text("income", rows), perugia)

    assert (run.rows_inserted, run.rows_rejected) == (1, 2)
    report = [(r.row_number, r.errors) for r in run.rejected_rows.all()]
    assert report == [
        (
            3,
            [
                {
                    "column": "tax_code",
                    "message": "No person has this tax code in the registry: import it first.",
                }
            ],
        ),
        (
            4,
            [
                {
                    "column": "income_type",
                    "message": "“gift” is not one of: employment, self_employment, pension, "
                    "property, other.",
                },
                {"column": "amount", "message": "The amount cannot be negative."},
            ],
        ),
    ]
    assert Fact.objects.filter(kind="income").count() == 1


def test_a_rental_starting_after_the_reference_date_is_current_only_from_its_start(perugia, rossi):
    """A row's own dates decide: a contract signed for next month is not rent paid today."""
    from siso_platform.monitoring import fact_sheet

    mario = rossi["Mario"]
    starts = datetime.date(2026, 3, 1)  # after the file's reference date (31 January)
    contract = {
        "contract_id": "RC9",
        "tenant_tax_code": mario.tax_code,
        "owner_tax_code": "12345678903",
        "address": "Via Roma 3",
        "yearly_rent": "7200",
        "start": starts.isoformat(),
        "end": "2030-02-28",
    }
    text = csv_text("rentals", [contract])
    run_import("rentals", text, perugia)

    [(key, _value, began, ended)] = facts(mario, "rental")
    assert (key, began, ended) == ("RC9", starts, None)
    day_before, first_day = starts - datetime.timedelta(days=1), starts
    assert not mario.facts.current(on=day_before).filter(kind="rental").exists()
    assert mario.facts.current(on=first_day).filter(kind="rental").exists()
    household = mario.household_memberships.get().household
    assert fact_sheet.sheet(household, on=JAN)["rent_yearly"] == 0
    assert fact_sheet.sheet(household, on=day_before)["rentals"] == []
    assert fact_sheet.sheet(household, on=first_day)["rent_yearly"] == 7200.0

    # The same file again, and a later one after the start, change nothing.
    assert run_import("rentals", text, perugia).rows_unchanged == 1
    assert run_import("rentals", text, perugia, on=JUN).rows_unchanged == 1
    assert [f[2] for f in facts(mario, "rental")] == [starts]


def test_a_rental_that_began_before_the_reference_date_keeps_its_start(perugia, rossi):
    mario = rossi["Mario"]
    contract = {
        "contract_id": "RC10",
        "tenant_tax_code": mario.tax_code,
        "owner_tax_code": "12345678903",
        "address": "Via Roma 3",
        "yearly_rent": "7200",
        "start": JAN.isoformat(),  # on the reference date itself
    }
    run_import("rentals", csv_text("rentals", [contract]), perugia)
    assert [f[2] for f in facts(mario, "rental")] == [JAN]
    assert mario.facts.current(on=JAN).filter(kind="rental").exists()
    assert (
        not mario.facts.current(on=JAN - datetime.timedelta(days=1)).filter(kind="rental").exists()
    )
