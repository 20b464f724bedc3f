"""The sixth source: ISEE attestations, recorded through `people.actions` as the household's."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from siso_platform.imports import runs
from siso_platform.imports.formats import FORMATS
from siso_platform.imports.models import ColumnMapping, MappingProfile
from siso_platform.imports.reading import Dialect, converter, open_rows
from siso_platform.monitoring import fact_sheet
from siso_platform.people.attestations import current_isee
from siso_platform.people.models import Fact, Household, Person

from .conftest import code, csv_text, family, run_import

pytestmark = pytest.mark.django_db
JAN = datetime.date(2026, 1, 31)
JUNE = datetime.date(2026, 6, 1)


@pytest.fixture
def rossi(perugia):
    run_import("registry", csv_text("registry", family()), perugia)
    return {p.first_name: p for p in Person.objects.all()}


def attestation(tax_code, protocol="INPS-ISEE-2026-00123456A-00", **extra):
    row = {
        "tax_code": tax_code,
        "dsu_protocol": protocol,
        "dsu_year": "2026",
        "isee_kind": "ordinario",
        "isee_value": "12345.67",
        "issued_on": "2026-01-15",
        "valid_until": "2026-12-31",
    }
    row.update(extra)
    return row


def isee_facts():
    return Fact.objects.filter(kind="isee").order_by("valid_from", "pk")


def rejected(run) -> dict[int, dict[str, str]]:
    return {
        r.row_number: {e["column"]: e["message"] for e in r.errors} for r in run.rejected_rows.all()
    }


def test_good_rows_are_recorded_and_bad_ones_name_their_row_and_column_in_italian(perugia, rossi):
    mario, anna = rossi["Mario"], rossi["Anna"]
    stranger = code("Bianchi", "Paolo", "M", datetime.date(1970, 3, 4))
    rows = [
        attestation(mario.tax_code, isee_kind="ISEE Ordinario", isee_value='"12.345,67"'),
        attestation(anna.tax_code, "INPS-ISEE-2026-00999999B-00", isee_kind="Minori"),
        attestation(stranger, "INPS-ISEE-2026-00000001C-00"),
        attestation(mario.tax_code, "??"),
        attestation(mario.tax_code, "INPS-ISEE-2026-00000002D-00", isee_value="10000000"),
        attestation(mario.tax_code, "INPS-ISEE-2026-00000003E-00", valid_until="2026-01-10"),
        attestation(mario.tax_code, "INPS-ISEE-2026-00000004F-00", isee_kind="universitario"),
    ]
    with translation.override("it"):
        run = run_import("isee", csv_text("isee", rows), perugia)
        expected = {
            4: {
                "tax_code": gettext("No person has this tax code in the registry: import it first.")
            },
            5: {
                "dsu_protocol": gettext(
                    "A DSU protocol has letters, digits and dashes, e.g. "
                    "INPS-ISEE-2026-00123456A-00."
                )
            },
            6: {
                "isee_value": gettext("The ISEE value is an amount in euro from 0 to 9.999.999,99.")
            },
            7: {"valid_until": gettext("The validity ends before the date of issue.")},
        }
        found = rejected(run)
    assert (run.rows_inserted, run.rows_unchanged, run.rows_rejected) == (2, 0, 5), found
    assert {n: found[n] for n in expected} == expected
    assert list(found[8]) == ["isee_kind"] and "universitario" in found[8]["isee_kind"]

    household = Household.objects.get()
    ordinary, minors = isee_facts()
    assert (ordinary.household, ordinary.person) == (household, None)
    assert ordinary.key == "ordinario" and ordinary.value["isee"] == 12345.67
    assert minors.key == "minorenni" and minors.household == household
    assert (ordinary.source, ordinary.source_reference) == ("isee", f"import-run:{run.pk}")
    assert ordinary.valid_from == datetime.date(2026, 1, 15)
    assert ordinary.valid_to == datetime.date(2027, 1, 1)


def test_the_same_file_twice_changes_nothing_and_a_rollback_restores_the_older_isee(perugia, rossi):
    mario = rossi["Mario"]
    older = [attestation(mario.tax_code, "INPS-ISEE-2026-00000010A-00", isee_value="9000")]
    run_import("isee", csv_text("isee", older), perugia)
    newer = [
        attestation(
            mario.tax_code,
            "INPS-ISEE-2026-00000011A-00",
            isee_value="7000",
            issued_on="2026-03-02",
        )
    ]
    text = csv_text("isee", newer)
    first = run_import("isee", text, perugia, on=datetime.date(2026, 3, 5))
    before = list(isee_facts().values_list("pk", "value", "valid_from", "valid_to"))
    again = run_import("isee", text, perugia, on=datetime.date(2026, 3, 5))

    assert (first.rows_inserted, first.rows_rejected) == (1, 0)
    assert (again.rows_inserted, again.rows_unchanged, again.rows_rejected) == (0, 1, 0)
    assert list(isee_facts().values_list("pk", "value", "valid_from", "valid_to")) == before
    # the newer ISEE of the same kind ended the older the day it was issued
    assert [(f.value["isee"], f.valid_to) for f in isee_facts()] == [
        (9000.0, datetime.date(2026, 3, 2)),
        (7000.0, datetime.date(2027, 1, 1)),
    ]

    runs.request_roll_back(again)
    runs.perform_roll_back(again)
    runs.request_roll_back(first)
    runs.perform_roll_back(first)
    assert [(f.value["isee"], f.valid_to) for f in isee_facts()] == [
        (9000.0, datetime.date(2027, 1, 1))
    ]


def test_the_imported_isee_is_read_by_the_fact_sheet_and_an_expired_one_is_not_current(
    perugia, rossi
):
    luca = rossi["Luca"]
    rows = [
        attestation(
            luca.tax_code,
            "INPS-ISEE-2025-00000020A-00",
            dsu_year="2025",
            isee_value="15000",
            issued_on="2025-02-10",
            valid_until="2025-12-31",
        ),
        attestation(luca.tax_code, isee_value='"11.250,50"'),
    ]
    run = run_import("isee", csv_text("isee", rows), perugia)
    assert (run.rows_inserted, run.rows_rejected) == (2, 0)
    household = Household.objects.get()

    sheet = fact_sheet.sheet(household, on=JUNE)
    assert sheet["isee"] == 11250.5
    assert current_isee(household, on=JUNE)["dsu_protocol"] == "INPS-ISEE-2026-00123456A-00"
    # Before the 2026 attestation, only the 2025 one is left, and it expired on 31 December.
    assert current_isee(household, on=datetime.date(2026, 1, 10)) is None
    assert fact_sheet.sheet(household, on=datetime.date(2026, 1, 10))["isee"] is None
    assert current_isee(luca, on=datetime.date(2025, 6, 1))["isee"] == 15000.0


def test_a_zones_own_columns_and_number_format_import_through_a_profile(perugia, rossi):
    profile = MappingProfile.objects.create(
        name="Zona Perugia - ISEE",
        source="isee",
        delimiter=";",
        date_format="%d/%m/%Y",
        decimal_separator=",",
        thousands_separator=".",
    )
    own = {
        "tax_code": "CF_DICHIARANTE",
        "dsu_protocol": "PROTOCOLLO",
        "dsu_year": "ANNO",
        "isee_kind": "TIPOLOGIA",
        "isee_value": "VALORE",
        "issued_on": "DATA_RILASCIO",
        "valid_until": "SCADENZA",
    }
    for field, column in own.items():
        ColumnMapping.objects.create(profile=profile, field=field, column=column)
    text = (
        ";".join(own.values())
        + "\n"
        + f"{rossi['Anna'].tax_code};INPS-ISEE-2026-00000030A-00;2026;"
        + "ISEE Socio-sanitario;23.456,78;20/01/2026;31/12/2026\n"
    )
    run = run_import("isee", text, perugia, profile=profile)
    assert (run.rows_inserted, run.rows_rejected) == (1, 0)
    fact = isee_facts().get()
    assert (fact.key, fact.value["isee"]) == ("sociosanitario", 23456.78)


@pytest.mark.parametrize(
    "written, kind",
    [
        ("ISEE Ordinario", "ordinario"),
        ("standard", "ordinario"),
        ("ISEE socio-sanitario", "sociosanitario"),
        ("Sociosanitario residenze", "sociosanitario"),
        ("MINORENNI", "minorenni"),
        ("minori", "minorenni"),
        ("I.S.E.E. corrente", "corrente"),
    ],
)
def test_inps_spellings_of_the_kind_are_read(written, kind):
    assert _read(isee_kind=written).values["isee_kind"] == kind


@pytest.mark.parametrize(
    "written, value",
    [
        ("12345.67", Decimal("12345.67")),
        ("12.345,67", Decimal("12345.67")),
        ("12345,6", Decimal("12345.6")),
        ("1.234.567", Decimal("1234567")),
        ("0", Decimal("0")),
    ],
)
def test_an_isee_value_is_read_exactly_in_either_format(written, value):
    assert _read(isee_value=f'"{written}"').values["isee_value"] == value


def test_a_value_with_three_decimals_is_refused_not_rounded(perugia, rossi):
    rows = [attestation(rossi["Mario"].tax_code, isee_value="1234.567")]
    run = run_import("isee", csv_text("isee", rows), perugia)
    assert run.rows_rejected == 1
    assert list(rejected(run)[2]) == ["isee_value"]


def _read(**cells):
    import io

    fmt = FORMATS["isee"]
    row = attestation("RSSMRA80A01G478P", **cells)
    text = io.StringIO(",".join(fmt.names) + "\n" + ",".join(row[n] for n in fmt.names) + "\n")
    header, rows = open_rows(text, fmt, Dialect())
    (converted,) = [converter(fmt, Dialect(), header)(r) for r in rows]
    assert converted.errors == []
    return converted
