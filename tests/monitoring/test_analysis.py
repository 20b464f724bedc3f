"""Territory analysis pages: a zone's figures in the right rows, who may see which page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from siso_platform import charts
from siso_platform.accounts.models import Role
from siso_platform.casework.models import Access, Case
from siso_platform.monitoring.models import Alert, ScreeningRun
from siso_platform.monitoring.territory_analysis import months_back
from tests.conftest import municipality_in_zone, zone
from tests.factories import UserFactory

from .conftest import give

TODAY = timezone.localdate()


def zone_url(number: int) -> str:
    return reverse("monitoring:analysis_zone", args=[number])


def municipality_url(number: int) -> str:
    return reverse("monitoring:analysis_municipality", args=[municipality_in_zone(number).pk])


REGION_URL = "/monitoring/analysis/region/"


def cells(html: str, header: str) -> list[str]:
    """The cells of the table row headed by `header` (a link or plain text)."""
    row = re.search(
        rf'<th scope="row">(?:<a [^>]*>)?{re.escape(header)}(?:</a>)?</th>(.*?)</tr>',
        html,
        re.S,
    )
    assert row, f"no row {header!r}"
    return re.findall(r"<td>(.*?)</td>", row.group(1))


def access(person, number: int, on: datetime.date, by) -> Access:
    office = municipality_in_zone(number).offices.get(is_default=True)
    return Access.objects.create(
        office=office,
        person=person,
        date=on,
        channel="in_person",
        reason="help",
        outcome="information",
        recorded_by=by,
    )


@pytest.fixture
def social_worker(make_member):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)


@pytest.fixture
def zone_two(person_in_zone, provider, social_worker):
    """Zone 2: two accesses (this month and last), one open case, a poverty benefit of 300
    euro from the municipality and one of 200 from INPS; zone 5 has one access."""
    person = person_in_zone(2)
    last_month = months_back(TODAY)[-2]
    access(person, 2, TODAY, social_worker)
    access(person, 2, last_month, social_worker)
    access(person, 2, TODAY - datetime.timedelta(days=800), social_worker)  # too old
    access(person_in_zone(5), 5, TODAY, social_worker)
    Case.objects.create(
        person=person,
        zone=zone(2),
        office=municipality_in_zone(2).offices.get(is_default=True),
        opened_on=TODAY,
    )
    started = TODAY - datetime.timedelta(days=10)
    for item, organisation, amount in (("E1.01", "municipality", 300), ("E1.06", "inps", 200)):
        intervention = give(item, provider[organisation], person=person, starts_on=started)
        intervention.amount = Decimal(amount)
        intervention.save()
    Alert.objects.create(kind="gap", key="gap:test", zone=zone(2), person=person, title="Gap")
    return person


def test_a_zone_shows_its_own_figures_in_the_right_rows(english_client, social_worker, zone_two):
    english_client.force_login(social_worker)
    response = english_client.get(zone_url(2))
    assert response.status_code == 200
    analysis, html = response.context["analysis"], response.content.decode()
    assert (analysis.accesses, analysis.open_cases, analysis.persons_followed) == (2, 1, 1)
    assert (analysis.interventions_running, analysis.amount_running) == (2, Decimal(500))
    assert cells(html, "poverty and adult hardship") == ["2", "€\xa0500.00"]
    assert cells(html, "municipality") == ["1", "€\xa0300.00"]
    assert cells(html, "other public body") == ["1", "€\xa0200.00"]
    assert cells(html, "unmet need") == ["1"]
    # This month and last month each had one access; the case was opened this month.
    this_month, last_month = analysis.trends[-1], analysis.trends[-2]
    assert (this_month["accesses"], this_month["cases"], last_month["accesses"]) == (1, 1, 1)
    assert len(analysis.trends) == 12
    # The zone links to its municipalities, whose page shows the same figures.
    perugia = municipality_in_zone(2)
    assert cells(html, perugia.name) == ["2", "1", "1"]
    response = english_client.get(municipality_url(2))
    assert response.status_code == 200
    assert response.context["analysis"].amount_running == Decimal(500)


def test_names_and_tax_codes_never_appear(client, social_worker, zone_two):
    client.force_login(social_worker)
    html = client.get(zone_url(2)).content.decode()
    assert zone_two.tax_code not in html
    assert zone_two.last_name not in html


def test_charts_are_inline_svg_with_nothing_loaded_from_elsewhere(client, social_worker, zone_two):
    client.force_login(social_worker)
    html = client.get(zone_url(2)).content.decode()
    assert html.count('<svg role="img"') >= 5
    assert "<title>" in html.split("<svg", 1)[1]
    assert "http://" not in html and "https://" not in html
    # The page's only scripts are the platform's own files (the design system's bundle).
    scripts = re.findall(r"<script[^>]*>", html)
    assert all(re.fullmatch(r'<script src="/static/[^"]+">', tag) for tag in scripts), scripts


def test_programme_coverage_comes_from_the_latest_finished_screening(
    english_client, social_worker, programme
):
    version = programme("sostegno", "E1.01", {"<=": [{"var": "isee"}, 6000]})
    tally = {"screened": 10, "eligible": 4, "not_eligible": 6, "receiving": 3, "covered": 3}
    done = ScreeningRun.objects.create(
        zone=zone(2), on=TODAY, status="done", counts={f"programme:{version.pk}": tally}
    )
    done.programmes.add(version)
    # A screening still running and one of the region do not count for the zone.
    running = ScreeningRun.objects.create(
        zone=zone(2),
        on=TODAY,
        status="running",
        counts={f"programme:{version.pk}": {**tally, "eligible": 9}},
    )
    running.programmes.add(version)
    ScreeningRun.objects.create(on=TODAY, status="done").programmes.add(version)
    english_client.force_login(social_worker)
    html = english_client.get(zone_url(2)).content.decode()
    assert cells(html, "Sostegno") == ["4", "3", "75.0%"]
    assert (
        "No screening of this territory has finished yet."
        in english_client.get(municipality_url(2)).content.decode()
    )


def test_a_zone_worker_sees_only_their_zone(client, social_worker):
    client.force_login(social_worker)
    assert client.get(zone_url(2)).status_code == 200
    assert client.get(municipality_url(2)).status_code == 200
    assert client.get(zone_url(5)).status_code == 404
    assert client.get(municipality_url(5)).status_code == 404
    assert client.get(REGION_URL).status_code == 404


def test_the_regional_administrator_sees_the_twelve_zones_side_by_side(
    english_client, make_member, zone_two
):
    english_client.force_login(make_member(Role.REGIONAL_ADMIN))
    response = english_client.get(REGION_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for number in range(1, 13):
        assert f'href="{zone_url(number)}"' in html
    # accesses, open cases, opened, persons followed, running, amount, alerts
    assert cells(html, zone(2).name) == ["2", "1", "1", "1", "2", "€\xa0500.00", "1"]
    assert cells(html, zone(5).name)[:3] == ["1", "0", "0"]
    assert english_client.get(zone_url(5)).status_code == 200
    assert english_client.get(municipality_url(5)).status_code == 200


def test_without_the_permission_the_pages_are_forbidden(client, make_member):
    client.force_login(make_member(Role.DATA_STEWARD, zone_number=2))
    for url in (zone_url(2), municipality_url(2), REGION_URL):
        assert client.get(url).status_code == 403


def test_a_superuser_sees_every_page(client, db):
    client.force_login(UserFactory(is_superuser=True))
    for url in (zone_url(5), municipality_url(7), REGION_URL):
        assert client.get(url).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(zone_url(2)).status_code == 302


def test_bar_chart_escapes_labels_and_prints_values():
    svg = charts.bar_chart([("<b>&", 3), ("other", Decimal("12.5"))], title="Some & more")
    assert svg.startswith('<svg role="img" aria-label="Some &amp; more"')
    assert "<title>Some &amp; more</title>" in svg
    assert "&lt;b&gt;&amp;" in svg and ">3</text>" in svg and ">12,5</text>" in svg
    assert svg.count("<rect") == 2


def test_column_chart_draws_a_column_per_month_even_when_all_are_zero():
    svg = charts.column_chart([(f"m{i}", 0) for i in range(12)], title="Accesses")
    assert svg.count("<rect") == 12 and ">m11</text>" in svg


def test_the_region_page_counts_in_a_few_grouped_queries(
    client, make_member, zone_two, django_assert_max_num_queries
):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    # not one set of queries per zone; the header takes 2 (memberships, unread notifications)
    with django_assert_max_num_queries(26):
        assert client.get(REGION_URL).status_code == 200


def test_the_territory_link_leads_each_user_to_their_page(client, make_member):
    client.force_login(make_member(Role.SOCIAL_WORKER, zone_number=5))
    assert client.get(reverse("monitoring:analysis")).url == reverse(
        "monitoring:analysis_zone", args=[5]
    )
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    assert client.get(reverse("monitoring:analysis")).url == reverse("monitoring:analysis_region")
