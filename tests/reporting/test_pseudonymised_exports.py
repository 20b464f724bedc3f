"""The region reads no identifying data: its flat export (admin and API, CSV and XLSX) names
beneficiaries by a pseudonymous key only; a zone's export of its own interventions keeps the
tax code beside the key; the key is the same person's in every export and depends on the
server's secret."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from siso_platform.audit.models import AuditEvent
from siso_platform.people.models import Person
from siso_platform.reporting.exports import FLAT_HEADER, FLAT_OBJECT, PSEUDONYMISED_HEADER
from siso_platform.reporting.pseudonyms import pseudonym

pytestmark = pytest.mark.django_db

API = "/api/v1/reporting/interventions-export/"
ADMIN = "/admin/reporting/interventions/"


def table(response, fmt: str) -> list[list[str]]:
    """The file's rows as text, whatever its format."""
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))
    rows = []
    for sheet in load_workbook(io.BytesIO(body)).worksheets:
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if value is None else str(value) for value in row])
    return rows


def download(client, user, *, channel: str, fmt: str, **filters) -> list[list[str]]:
    client.force_login(user)
    if channel == "api":
        return table(client.get(API, {"format": fmt, **filters}), fmt)
    data = {"format": fmt, **{f"date_{k}": v for k, v in filters.items()}}
    return table(client.post(ADMIN, data), fmt)


def identifying_strings(persons) -> set[str]:
    found = set()
    for person in persons:
        found |= {person.tax_code, person.last_name, person.first_name}
        found.add(person.birth_date.isoformat())
    return found


@pytest.mark.parametrize("channel", ["api", "admin"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_regions_export_names_no_one(client, region_admin, population, channel, fmt):
    rows = download(client, region_admin, channel=channel, fmt=fmt)

    assert rows[0] == PSEUDONYMISED_HEADER
    assert "beneficiary_tax_code" not in rows[0]
    assert len(rows[1 : 1 + 10]) == 10
    text = "\n".join(",".join(row) for row in rows)
    for secret in identifying_strings(Person.objects.all()):
        assert secret not in text
    keys = {row[PSEUDONYMISED_HEADER.index("beneficiary_key")] for row in rows[1:11]}
    assert len(keys) == 9 and all(len(key) == 64 for key in keys)  # nine persons, one twice
    event = AuditEvent.objects.get(
        action="export", object_type=FLAT_OBJECT, actor=region_admin, person_id=None
    )
    assert event.detail["pseudonymised"] is True


def test_a_superuser_reports_as_the_region_and_gets_keys_only(
    client, population, django_user_model
):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    rows = download(client, root, channel="api", fmt="csv")
    assert rows[0] == PSEUDONYMISED_HEADER


def test_a_zone_administrator_exports_their_zone_identified(client, zone_admin, population):
    rows = download(client, zone_admin, channel="api", fmt="csv")

    assert rows[0] == FLAT_HEADER
    codes = {row[FLAT_HEADER.index("beneficiary_tax_code")] for row in rows[1:]}
    assert codes == {person.tax_code for person in population[2]}
    admin_rows = download(client, zone_admin, channel="admin", fmt="xlsx")
    assert admin_rows[0] == FLAT_HEADER
    assert {row[FLAT_HEADER.index("beneficiary_tax_code")] for row in admin_rows[1:8]} == codes


def _keys_by_intervention(rows) -> dict[str, str]:
    header = rows[0]
    ids, keys = header.index("intervention_id"), header.index("beneficiary_key")
    return {row[ids]: row[keys] for row in rows[1:] if row and row[ids].isdigit()}


def test_the_key_is_the_same_persons_in_every_export(client, region_admin, zone_admin, population):
    region = _keys_by_intervention(download(client, region_admin, channel="api", fmt="csv"))
    again = _keys_by_intervention(download(client, region_admin, channel="admin", fmt="xlsx"))
    zone_rows = download(client, zone_admin, channel="api", fmt="csv")
    zone = _keys_by_intervention(zone_rows)

    assert region == again
    assert zone and all(region[pk] == key for pk, key in zone.items())
    # The zone, which holds the data, relates key and person; the region's file cannot.
    codes = FLAT_HEADER.index("beneficiary_tax_code")
    keys = FLAT_HEADER.index("beneficiary_key")
    person = population[2][0]
    assert {row[keys] for row in zone_rows[1:] if row[codes] == person.tax_code} == {
        pseudonym(person.tax_code, b"test-only-pseudonym-key")
    }


def test_another_secret_gives_other_keys(client, region_admin, population, settings):
    before = _keys_by_intervention(download(client, region_admin, channel="api", fmt="csv"))
    settings.SISO_PSEUDONYM_KEY = "another-secret-of-another-installation"
    after = _keys_by_intervention(download(client, region_admin, channel="api", fmt="csv"))

    assert before.keys() == after.keys()
    assert all(before[pk] != after[pk] for pk in before)


def test_the_key_is_keyed_and_normalised():
    code = "RSSMRA80A01G478Z"
    assert pseudonym(code, b"one") == pseudonym(" rssmra80a01g478z ", b"one")
    assert pseudonym(code, b"one") != pseudonym(code, b"two")
    assert pseudonym(code, b"one") != pseudonym("RSSMRA80A01G478Y", b"one")


@pytest.mark.parametrize("secret", ["", "test-only-key"])
def test_without_its_own_secret_nothing_is_exported(
    client, region_admin, population, settings, secret
):
    # No key, or SECRET_KEY reused as one: refused with a message, nothing leaves.
    settings.SISO_PSEUDONYM_KEY = secret
    client.force_login(region_admin)

    response = client.get(API, {"format": "csv"})
    assert response.status_code == 503
    assert "SISO_PSEUDONYM_KEY" in response.json()["errors"]["detail"][0]
    page = client.post(ADMIN, {"format": "csv"})
    assert page.status_code == 200 and "SISO_PSEUDONYM_KEY" in page.content.decode()
    assert not AuditEvent.objects.filter(action="export", object_type=FLAT_OBJECT).exists()


def test_the_admin_page_says_what_the_file_holds(english_client, region_admin, zone_admin):
    english_client.force_login(region_admin)
    page = english_client.get(ADMIN).content.decode()
    assert "names no one" in page and "beneficiary_tax_code" not in page
    english_client.force_login(zone_admin)
    page = english_client.get(ADMIN).content.decode()
    assert "by tax code" in page and "beneficiary_tax_code" in page


@pytest.mark.parametrize("secret", ["short", "the-same-as-the-secret-key-0123456789"])
def test_production_refuses_a_weak_secret_or_the_secret_key(secret):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update(
        SECRET_KEY="the-same-as-the-secret-key-0123456789",
        ALLOWED_HOSTS="siso.example.org",
        SISO_PSEUDONYM_KEY=secret,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=siso_platform.settings.production"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: SISO_PSEUDONYM_KEY must be at least 32" in result.stderr
