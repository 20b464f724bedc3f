"""The admin pages: the table with suppressed cells marked, downloads, the flat export."""

import csv
import io

import pytest
from django.urls import reverse

from siso_platform.audit.models import AuditEvent
from siso_platform.reporting.exports import FLAT_HEADER

pytestmark = pytest.mark.django_db

INDEX = "/admin/reporting/"
FLAT = "/admin/reporting/interventions/"


def test_the_urls():
    assert reverse("reporting:index") == INDEX
    assert reverse("reporting:interventions") == FLAT


def test_the_regional_administrator_sees_the_table(english_client, region_admin, population):
    english_client.force_login(region_admin)
    assert english_client.get(INDEX).status_code == 200  # the first table, this year
    response = english_client.get(INDEX, {"measure": "persons", "by": "zone"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Regional reporting" in html
    assert 'class="listing reporting-table"' in html
    assert "reporting-suppressed" in html  # zone 3 has three persons
    assert "?measure=persons" in html and "download=csv" in html
    assert reverse("reporting:interventions") in html
    assert not AuditEvent.objects.filter(action="export").exists()  # a page is not an export


def test_a_breakdown_with_values_shown(english_client, region_admin, population, settings):
    settings.REPORTING_MIN_PERSONS = 1
    english_client.force_login(region_admin)
    response = english_client.get(
        INDEX, {"measure": "amounts", "by": ["zone", "area"], "date_from": "2025-01-01"}
    )
    html = response.content.decode()
    assert "650.00" in html and "300.00" in html
    assert "poverty and adult hardship" in html


def test_form_errors_are_shown(english_client, region_admin):
    english_client.force_login(region_admin)
    response = english_client.get(INDEX, {"measure": "cases", "by": ["provider_kind"]})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors["by"]


def test_downloads_are_audited(client, region_admin, population):
    client.force_login(region_admin)
    response = client.get(INDEX, {"measure": "persons", "by": "zone", "download": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "zone,zone_label,persons,suppressed"
    event = AuditEvent.objects.get(action="export", object_type="reporting.aggregates")
    assert event.actor == region_admin and event.detail["rows"] == 2


def test_the_flat_export_from_the_admin(client, zone_admin, population):
    client.force_login(zone_admin)
    assert client.get(FLAT).status_code == 200
    response = client.post(FLAT, {"date_from": "2025-01-01", "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == FLAT_HEADER and len(rows) == 1 + 7
    assert AuditEvent.objects.filter(
        action="export", object_type="reporting.interventions", person_id=None
    ).exists()


def refused(response) -> bool:
    # wagtail's admin answers a PermissionDenied with a redirect to its home and a message
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_other_roles_are_refused(client, recorder, auditor):
    client.force_login(recorder)
    assert refused(client.get(INDEX))
    assert refused(client.get(INDEX, {"measure": "persons", "download": "csv"}))
    client.force_login(auditor)
    assert client.get(INDEX).status_code == 200
    assert refused(client.get(FLAT))
    assert refused(client.post(FLAT, {"format": "csv"}))
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_menu_shows_reporting_to_who_may_see_it(client, region_admin, recorder):
    client.force_login(region_admin)
    assert INDEX in client.get("/admin/").content.decode()
    client.force_login(recorder)
    assert INDEX not in client.get("/admin/").content.decode()


def test_the_table_is_drawn_as_bars(english_client, region_admin, population, settings):
    settings.REPORTING_MIN_PERSONS = 1
    english_client.force_login(region_admin)
    response = english_client.get(INDEX, {"measure": "persons", "by": "zone"})
    chart = str(response.context["chart"])
    assert chart.startswith('<svg role="img"')
    assert chart.count("<rect") == 2  # zones 2 and 3; the zones with nobody have no bar
    zone_two = next(row for row in response.context["rows"] if row["value"] == 6)
    assert zone_two["labels"][0] in chart and ">6</text>" in chart
    assert chart in response.content.decode()


def test_suppressed_cells_are_not_drawn(english_client, region_admin, population):
    english_client.force_login(region_admin)
    response = english_client.get(INDEX, {"measure": "persons", "by": "zone"})
    rows = response.context["rows"]
    drawn = [row for row in rows if not row["suppressed"] and row["value"]]
    assert any(row["suppressed"] for row in rows)
    assert str(response.context["chart"]).count("<rect") == len(drawn)


def test_amounts_are_drawn_in_euro(english_client, region_admin, population, settings):
    settings.REPORTING_MIN_PERSONS = 1
    english_client.force_login(region_admin)
    response = english_client.get(
        INDEX, {"measure": "amounts", "by": "area", "date_from": "2025-01-01"}
    )
    assert "€\xa0" in str(response.context["chart"])
