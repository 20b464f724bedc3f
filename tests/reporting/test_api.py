"""The reporting API: who is served, the JSON table, the files, the audit trail."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.reporting.exports import FLAT_HEADER, FLAT_OBJECT, PSEUDONYMISED_HEADER
from siso_platform.reporting.pseudonyms import keyer

pytestmark = pytest.mark.django_db

AGGREGATES = "/api/v1/reporting/aggregates/"
EXPORT = "/api/v1/reporting/interventions-export/"


def as_user(client, user):
    client.force_login(user)
    return client


def exports_of(user, obj="reporting.aggregates"):
    return AuditEvent.objects.filter(action="export", actor=user, object_type=obj)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def test_the_routes_are_named():
    assert reverse("api-v1:reporting-aggregates") == AGGREGATES
    assert reverse("api-v1:reporting-interventions-export") == EXPORT


def test_operators_are_refused(client, recorder):
    as_user(client, recorder)
    for url in (AGGREGATES + "?measure=persons", EXPORT):
        response = client.get(url)
        assert response.status_code == 403
        assert "errors" in response.json()


def test_auditors_read_aggregates_but_do_not_export(client, auditor, population):
    as_user(client, auditor)
    assert client.get(AGGREGATES + "?measure=persons").status_code == 200
    assert client.get(EXPORT).status_code == 403
    assert client.get(EXPORT + "?format=xlsx").status_code == 403


def test_the_region_gets_every_zone_with_small_cells_suppressed(client, region_admin, population):
    response = as_user(client, region_admin).get(
        AGGREGATES, {"measure": "interventions", "by": "zone,age_band"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["measure"], body["by"], body["threshold"]) == (
        "interventions",
        ["zone", "age_band"],
        5,
    )
    zones = {cell["zone"] for cell in body["cells"]}
    assert zones == {2, 3}
    for cell in body["cells"]:
        assert set(cell) == {
            "zone",
            "zone_label",
            "age_band",
            "age_band_label",
            "value",
            "suppressed",
        }
        if cell["suppressed"]:
            assert cell["value"] is None
    assert exports_of(region_admin).get().detail["format"] == "json"


def test_values_are_shown_above_the_threshold(client, region_admin, population, settings):
    settings.REPORTING_MIN_PERSONS = 3
    body = as_user(client, region_admin).get(AGGREGATES, {"measure": "amounts", "by": "zone"})
    cells = {cell["zone"]: (cell["value"], cell["suppressed"]) for cell in body.json()["cells"]}
    assert cells == {2: (650.0, False), 3: (300.0, False)}


def test_a_zone_administrator_gets_their_zone_only(client, zone_admin, population, settings):
    settings.REPORTING_MIN_PERSONS = 1
    as_user(client, zone_admin)
    body = client.get(AGGREGATES, {"measure": "persons", "by": "zone"}).json()
    assert [(c["zone"], c["value"]) for c in body["cells"]] == [(2, 6)]
    response = client.get(AGGREGATES, {"measure": "persons", "zone": 3})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["zone"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"measure": "wealth"}, "measure"),
        ({"measure": "accesses", "by": "area"}, "by"),
        ({"measure": "persons", "by": "colour"}, "by"),
        ({"measure": "persons", "from": "yesterday"}, "from"),
        ({"measure": "persons", "from": "2025-02-01", "to": "2025-01-01"}, "to"),
        ({"measure": "persons", "municipality": "999999"}, "municipality"),
        ({"measure": "persons", "format": "pdf"}, "format"),
    ],
)
def test_wrong_parameters_are_named(client, region_admin, params, field):
    response = as_user(client, region_admin).get(AGGREGATES, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_table_as_csv(client, region_admin, population, settings):
    settings.REPORTING_MIN_PERSONS = 1
    response = as_user(client, region_admin).get(
        AGGREGATES, {"measure": "persons", "by": "zone", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["zone", "zone_label", "persons", "suppressed"]
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [("2", "6", "false"), ("3", "3", "false")]
    event = exports_of(region_admin).get()
    assert event.detail["format"] == "csv" and event.detail["rows"] == 2
    assert event.detail["by"] == ["zone"] and event.person_id is None


def test_the_table_as_xlsx_by_accept_header(client, region_admin, population):
    response = as_user(client, region_admin).get(
        AGGREGATES + "?measure=persons&by=zone",
        HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("zone", "zone_label", "persons", "suppressed")
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [(2, None, True), (3, None, True)]
    assert len(workbook.worksheets) == 2  # and a sheet describing the export


def test_the_flat_export(client, region_admin, population):
    response = as_user(client, region_admin).get(EXPORT, {"from": "2025-01-01", "format": "csv"})
    assert response.status_code == 200
    rows = csv_rows(response)
    assert rows[0] == PSEUDONYMISED_HEADER
    assert len(rows) == 1 + 10
    by_column = [dict(zip(PSEUDONYMISED_HEADER, row, strict=True)) for row in rows[1:]]
    person = population[3][0]
    mine = [row for row in by_column if row["beneficiary_key"] == keyer()(person.tax_code)]
    assert len(mine) == 1
    row = mine[0]
    assert row["beneficiary_sex"] == person.sex
    assert row["beneficiary_birth_year"] == str(person.birth_date.year)
    assert row["residence_municipality"] == person.residence_municipality.istat_code
    assert (row["zone"], row["benefit_code"], row["unit"], row["amount"]) == (
        "3",
        "E1.01",
        "euro",
        "100.00",
    )
    assert (row["start_date"], row["end_date"], row["provider_kind"]) == (
        "2025-03-10",
        "",
        "municipality",
    )
    summary = exports_of(region_admin, FLAT_OBJECT).get(person_id=None)
    assert summary.detail["rows"] == 10 and summary.detail["persons"] == 9
    named = set(
        exports_of(region_admin, FLAT_OBJECT)
        .exclude(person_id=None)
        .values_list("person_id", flat=True)
    )
    assert named == {p.pk for zone in population.values() for p in zone}


def test_a_zone_exports_its_own_interventions(client, zone_admin, population):
    response = as_user(client, zone_admin).get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == FLAT_HEADER
    zones = {row[FLAT_HEADER.index("zone")] for row in rows[1:]}
    assert zones == {2} and len(rows) == 1 + 7


def test_the_flat_export_period_is_an_overlap(client, region_admin, population):
    as_user(client, region_admin)
    response = client.get(EXPORT, {"from": "2025-04-01", "to": "2025-04-30"})
    # open-ended interventions since March are still in effect in April
    assert len(csv_rows(response)) == 1 + 10
    response = client.get(EXPORT, {"to": "2025-03-09"})
    assert len(csv_rows(response)) == 1


def test_zone_staff_roles_other_than_administrators_are_refused(client, make_member):
    as_user(client, make_member(Role.DATA_STEWARD, zone_number=2))
    assert client.get(AGGREGATES + "?measure=persons&format=csv").status_code == 403
