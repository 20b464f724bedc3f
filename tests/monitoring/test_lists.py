"""The alert inbox and a screening's lists as lists that can be worked: filters, groups,
pages with the count, names for the zone and counts for the region, audited downloads."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.monitoring.models import Alert, ResultList, ScreeningResult, ScreeningRun
from siso_platform.territory.models import Municipality
from tests.conftest import zone

pytestmark = pytest.mark.django_db

_KEYS = iter(range(1_000_000))


def _alert(home, *, kind="overlap", severity="medium", title="Due contributi", person=None):
    person = person or home.members[0]
    return Alert.objects.create(
        kind=kind,
        key=f"test:{next(_KEYS)}",
        zone=home.municipality.zone,
        person=person,
        household=home.household,
        severity=severity,
        title=title,
    )


@pytest.fixture
def home_in(household):
    """A household of zone `number` (in its `nth` municipality) with a head."""

    def make(number=2, nth=0):
        builder = household(number)
        if nth:
            others = Municipality.objects.filter(zone__number=number).exclude(
                pk=builder.municipality.pk
            )
            other = others.order_by("name")[nth - 1]
            builder.household.municipality = builder.municipality = other
            builder.household.save()
        builder.member(50)
        return builder

    return make


@pytest.fixture
def worker(make_member):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)


def _get(client, name, **query):
    return client.get(reverse(name), query)


def test_filters_by_severity_and_municipality_change_the_rows_and_the_count(
    english_client, worker, home_in
):
    near, far = home_in(2), home_in(2, nth=1)
    for _n in range(3):
        _alert(near, severity="high", title="Alta vicina")
    _alert(far, kind="gap", severity="low", title="Bassa lontana")
    english_client.force_login(worker)

    everything = _get(english_client, "monitoring:alerts", view="alerts")
    high = _get(english_client, "monitoring:alerts", view="alerts", severity="high")
    there = _get(
        english_client, "monitoring:alerts", view="alerts", municipality=far.municipality.pk
    )

    assert "4 alerts" in everything.content.decode()
    assert "3 alerts" in high.content.decode() and "Bassa lontana" not in high.content.decode()
    page = there.content.decode()
    assert "1 alert" in page and "Bassa lontana" in page and "Alta vicina" not in page
    # the municipality offered are the zone's only
    offered = {m.pk for m in there.context["filter"].filters["municipality"].queryset}
    assert far.municipality.pk in offered
    assert not Municipality.objects.filter(pk__in=offered).exclude(zone__number=2).exists()


def test_same_kind_alerts_of_one_household_are_one_group(english_client, worker, home_in):
    home, other = home_in(2), home_in(2)
    for _n in range(12):
        _alert(home, title="Sovrapposizione ripetuta")
    _alert(home, kind="gap", title="Bisogno scoperto")
    _alert(other, title="Altro nucleo")
    english_client.force_login(worker)

    response = _get(english_client, "monitoring:alerts")

    groups = response.context["groups"]
    assert sorted(group.count for group in groups) == [1, 1, 12]
    page = response.content.decode()
    assert "14 alerts" in page and "in 3 groups" in page
    assert page.count('class="alert-group"') == 3
    assert page.count("Sovrapposizione ripetuta") == 13  # the summary and its 12 alerts


def test_the_inbox_is_paginated_and_shows_the_total(english_client, worker, home_in):
    for _n in range(30):
        _alert(home_in(2))
    english_client.force_login(worker)

    first = _get(english_client, "monitoring:alerts")
    second = _get(english_client, "monitoring:alerts", page=2)

    assert first.content.decode().count('class="alert-group"') == 25
    assert second.content.decode().count('class="alert-group"') == 5
    assert "30 alerts" in first.content.decode() and "page 2 of 2" in second.content.decode()
    assert 'href="?page=2"' in first.content.decode()


def test_alert_csv_is_italian_scoped_and_audited(client, worker, home_in):
    mine, theirs = home_in(2), home_in(5)
    _alert(mine, title='=HYPERLINK("x")', severity="high")
    _alert(mine, kind="gap", title="Bisogno scoperto")
    _alert(theirs, title="Della zona 5")
    client.force_login(worker)

    response = _get(client, "monitoring:alerts", export="csv", severity="high")

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Generata il", "Tipo", "Gravità", "Segnalazione"]
    assert len(rows) == 2 and rows[1][2] == "alta"
    assert rows[1][3] == '\'=HYPERLINK("x")'  # a formula is written as text
    assert rows[1][0][2] == "/"  # 31/12/2026 …
    event = AuditEvent.objects.get(actor=worker, action="export", person=None)
    assert event.object_type == "monitoring.alerts"
    assert event.detail["rows"] == 1 and event.detail["filters"]["severity"] == "high"
    persons = set(
        AuditEvent.objects.filter(actor=worker, action="export", person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    assert persons == {mine.members[0].pk}

    everything = _get(client, "monitoring:alerts", export="csv", status="all")
    text = everything.content.decode("utf-8-sig")
    assert "Della zona 5" not in text and len(text.strip().splitlines()) == 3


def test_alert_xlsx_has_the_rows_of_the_csv(client, worker, home_in):
    home = home_in(2)
    for n in range(3):
        _alert(home, title=f"Segnalazione {n}")
    client.force_login(worker)

    as_csv = _get(client, "monitoring:alerts", export="csv")
    as_xlsx = _get(client, "monitoring:alerts", export="xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    cells = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    csv_rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert cells[0] == tuple(csv_rows[0]) or list(cells[0]) == csv_rows[0]
    assert [row[3] for row in cells[1:]] == [row[3] for row in csv_rows[1:]]
    assert len(cells) == 4
    assert AuditEvent.objects.filter(
        actor=worker, action="export", person=None, detail__format="xlsx"
    ).exists()


# --- screenings -----------------------------------------------------------------------------


@pytest.fixture
def run_with_results(home_in):
    homes = [home_in(2), home_in(2), home_in(2, nth=1)]
    run = ScreeningRun.objects.create(
        zone=zone(2), on=homes[0].members[0].birth_date.replace(year=2026), status="done"
    )
    for home in homes:
        ScreeningResult.objects.create(run=run, household=home.household, on_list="latent")
    ScreeningResult.objects.create(run=run, household=homes[0].household, on_list="review")
    return run, homes


def test_the_zones_staff_see_names_on_a_screening_list(english_client, worker, run_with_results):
    run, homes = run_with_results
    english_client.force_login(worker)

    page = english_client.get(reverse("monitoring:screening", args=[run.pk])).content.decode()

    assert "3 households on the list" in page
    for home in homes:
        assert home.household.code in page and home.members[0].last_name in page
    assert AuditEvent.objects.filter(actor=worker, person=homes[2].members[0]).exists()

    there = english_client.get(
        reverse("monitoring:screening", args=[run.pk]),
        {"municipality": homes[2].municipality.pk},
    ).content.decode()
    assert "1 household on the list" in there and homes[0].household.code not in there


def test_the_region_sees_counts_not_names_on_a_screening(english_client, run_with_results):
    run, homes = run_with_results
    region = get_user_model().objects.create_superuser("regione", "r@example.org", "x")
    english_client.force_login(region)

    url = reverse("monitoring:screening", args=[run.pk])
    page = english_client.get(url).content.decode()
    exported = english_client.get(url, {"export": "csv"}).content.decode("utf-8-sig")

    assert "3 households on the list" in page
    for home in homes:
        assert home.household.code not in page and home.members[0].last_name not in page
        assert home.household.code not in exported and home.members[0].last_name not in exported
    assert homes[2].municipality.name in page
    assert not AuditEvent.objects.filter(actor=region, person__isnull=False).exists()


def test_screening_xlsx_names_the_heads_for_the_zone(client, worker, run_with_results):
    run, homes = run_with_results
    client.force_login(worker)

    response = client.get(
        reverse("monitoring:screening", args=[run.pk]), {"export": "xlsx", "list": "review"}
    )

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    with translation.override("it"):
        assert rows[0][:3] == ("Nucleo familiare", "Comune", rows[0][2])
    assert len(rows) == 2 and rows[1][0] == homes[0].household.code
    assert homes[0].members[0].last_name in rows[1][2]
    assert ResultList.REVIEW
    assert AuditEvent.objects.filter(
        actor=worker, action="export", person=homes[0].members[0]
    ).exists()
