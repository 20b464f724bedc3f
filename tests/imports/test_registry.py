"""The registry driver: persons and households from family sheets, changes kept as history."""

import datetime

import pytest

from siso_platform.imports.models import DuplicateSuspicion, RunStatus, SuspicionReason
from siso_platform.imports.runs import RunRefused, roll_back
from siso_platform.people.models import Fact, Household, HouseholdMembership, Person

from .conftest import csv_text, family, person_row, run_import

pytestmark = pytest.mark.django_db
LATER = datetime.date(2026, 6, 30)


def counts(run):
    return (run.rows_inserted, run.rows_updated, run.rows_unchanged, run.rows_rejected)


def state():
    return (
        Person.objects.count(),
        Household.objects.count(),
        HouseholdMembership.objects.count(),
        Fact.objects.count(),
    )


def test_a_family_sheet_becomes_a_household_with_its_members(perugia):
    run = run_import("registry", csv_text("registry", family()), perugia)

    assert run.status == RunStatus.COMPLETED
    assert counts(run) == (3, 0, 0, 0)
    household = Household.objects.get(municipality=perugia, code="F1")
    assert household.address == "Via dei Priori 12"
    members = HouseholdMembership.objects.current().filter(household=household)
    assert sorted(members.values_list("person__first_name", "relation")) == [
        ("Anna", "spouse"),
        ("Luca", "child"),
        ("Mario", "head"),
    ]
    mario = Person.objects.get(first_name="Mario")
    assert mario.residence_municipality == perugia
    assert mario.birth_place_code == "G478"


def test_the_same_file_twice_changes_nothing(perugia):
    text = csv_text("registry", family())
    run_import("registry", text, perugia)
    before = state()

    again = run_import("registry", text, perugia)

    assert counts(again) == (0, 0, 3, 0)
    assert state() == before


def test_a_later_file_records_a_move_a_death_and_a_new_address(perugia):
    first = [*family(), person_row("Bianchi", "Ugo", "M", datetime.date(1940, 2, 2), "F2", "head")]
    run_import("registry", csv_text("registry", first), perugia)

    later = family(address="Corso Vannucci 3")
    later[2].update(family_sheet="F3", relation="head", registered_on="2026-05-04")
    later.append(
        person_row(
            "Bianchi",
            "Ugo",
            "M",
            datetime.date(1940, 2, 2),
            "F2",
            "head",
            cancelled_on="2026-04-10",
            cancellation_reason="death",
        )
    )
    run = run_import("registry", csv_text("registry", later), perugia, on=LATER)

    assert counts(run) == (0, 4, 0, 0)  # three new addresses, a move and a death
    luca = Person.objects.get(first_name="Luca")
    history = list(
        luca.household_memberships.order_by("valid_from").values_list(
            "household__code", "relation", "valid_from", "valid_to"
        )
    )
    assert history == [
        ("F1", "child", datetime.date(2015, 3, 2), datetime.date(2026, 5, 4)),
        ("F3", "head", datetime.date(2026, 5, 4), None),
    ]
    ugo = Person.objects.get(first_name="Ugo")
    assert ugo.deceased_on == datetime.date(2026, 4, 10)
    assert ugo.household_memberships.get().valid_to == datetime.date(2026, 4, 10)
    f1 = Household.objects.get(code="F1")
    assert f1.address == "Corso Vannucci 3"
    addresses = f1.facts.filter(kind="registry", key="address").order_by("valid_from")
    assert [(f.value["address"], f.valid_to) for f in addresses] == [
        ("Via dei Priori 12", LATER),
        ("Corso Vannucci 3", None),
    ]

    assert counts(run_import("registry", csv_text("registry", later), perugia, on=LATER)) == (
        0,
        0,
        4,
        0,
    )


def test_members_without_a_head_are_rejected_unless_one_is_recorded(english, perugia):
    members = family()[1:]
    run = run_import("registry", csv_text("registry", members), perugia)
    assert counts(run) == (0, 0, 0, 2)
    messages = {e["message"] for r in run.rejected_rows.all() for e in r.errors}
    assert messages == {
        "The family sheet F1 has no head of household, neither in this file nor already recorded."
    }

    run_import("registry", csv_text("registry", family()[:1]), perugia)
    assert counts(run_import("registry", csv_text("registry", members), perugia)) == (2, 0, 0, 0)


def test_row_errors_name_the_row_and_the_column(english, perugia):
    rows = family()
    rows[1]["birth_date"] = "1982-02-30"
    rows[2]["tax_code"] = rows[2]["tax_code"][:15] + "A"
    rows[0]["sex"] = "F"
    rows.append(person_row("Neri", "Ada", "F", datetime.date(1990, 1, 1), "F4", "head"))
    rows[3]["registered_on"] = "2026-02-01"
    run = run_import("registry", csv_text("registry", rows), perugia)

    report = {
        (r.row_number, e["column"]): e["message"] for r in run.rejected_rows.all() for e in r.errors
    }
    assert set(report) == {(2, "sex"), (3, "birth_date"), (4, "tax_code"), (5, "registered_on")}
    assert (
        report[(5, "registered_on")] == "The date is after the file's reference date (31/01/2026)."
    )
    assert "does not match the tax code" in report[(2, "sex")]
    assert report[(3, "birth_date")] == "“1982-02-30” is not a date in the format yyyy-mm-dd."
    assert "check character" in report[(4, "tax_code")].lower()
    assert Person.objects.count() == 0


def test_a_missing_required_column_fails_the_run_and_imports_nothing(english, perugia):
    text = csv_text("registry", family()).replace("family_sheet", "sheet")
    run = run_import("registry", text, perugia)

    assert run.status == RunStatus.FAILED
    assert run.error.startswith("Required columns are missing: family_sheet.")
    assert Person.objects.count() == 0


def test_rolling_back_restores_what_was_there(perugia):
    run_import("registry", csv_text("registry", family()), perugia)
    before = state()
    luca_before = Person.objects.get(first_name="Luca").household_memberships.get()
    later = family(address="Corso Vannucci 3")
    later[2].update(family_sheet="F3", relation="head", registered_on="2026-05-04")
    later.append(person_row("Neri", "Ada", "F", datetime.date(1990, 1, 1), "F4", "head"))
    run = run_import("registry", csv_text("registry", later), perugia, on=LATER)
    assert state() != before

    roll_back(run)

    assert state() == before
    luca = Person.objects.get(first_name="Luca").household_memberships.get()
    assert (luca.household_id, luca.valid_to) == (luca_before.household_id, None)
    assert Household.objects.get(code="F1").address == "Via dei Priori 12"
    run.refresh_from_db()
    assert run.status == RunStatus.ROLLED_BACK


def test_only_the_latest_run_rolls_back(english, perugia):
    first = run_import("registry", csv_text("registry", family()), perugia)
    run_import("registry", csv_text("registry", family(address="Via Roma 1")), perugia, on=LATER)

    with pytest.raises(RunRefused, match="builds on this one"):
        roll_back(first)


def test_a_provisional_code_for_a_known_person_is_flagged(perugia):
    run_import("registry", csv_text("registry", family()[:1]), perugia)
    twin = person_row(
        "Rossi", "Mario", "M", datetime.date(1980, 1, 1), "F9", "head", tax_code="12345678903"
    )
    assert twin["tax_code"] and Person.objects.count() == 1
    run = run_import("registry", csv_text("registry", [twin]), perugia)

    assert run.rows_inserted == 1
    suspicion = DuplicateSuspicion.objects.get()
    assert suspicion.reason == SuspicionReason.PROVISIONAL_CODE
    assert {suspicion.person.tax_code, suspicion.other.tax_code} == {
        "12345678903",
        family()[0]["tax_code"],
    }


def test_a_file_in_another_encoding_fails_with_advice_and_imports_nothing(english, perugia):
    rows = family()
    rows[0]["first_name"] = "Niccolò"
    text = csv_text("registry", rows).encode("windows-1252")

    run = run_import("registry", text, perugia)

    assert run.status == RunStatus.FAILED
    assert run.error.startswith("The file is not in the utf-8 encoding")
    assert "choose a mapping profile with the right encoding" in run.error
    assert Person.objects.count() == 0
