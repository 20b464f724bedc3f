"""A draft rule's dry run: the counts worked out by hand, the background run that writes no
list and raises no alert, the pages only the definition's owner reaches, and the audit."""

from decimal import Decimal

import pytest
from django.urls import reverse

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.monitoring import dry_runs, publishing
from siso_platform.monitoring.models import Alert, DryRun, RunStatus, ScreeningResult
from siso_platform.monitoring.rules import Rule
from siso_platform.territory.models import SocialZone

from .conftest import ON, give

RENT = {"and": [{"<=": [{"var": "isee"}, 15000]}, {">": [{"var": "rent_yearly"}, 0]}]}
ENDING = {"some": [{"var": "rentals"}, {"<=": [0, {"var": "days_to_end"}, 90]}]}
ONE = [{"person": 1}]


def sheet(isee=None, rent=0, items=(), rentals=(), members=ONE):
    return {
        "members": members,
        "isee": isee,
        "rent_yearly": rent,
        "rentals": list(rentals),
        "intervention_items": list(items),
    }


def test_the_counts_of_a_programme_worked_out_by_hand():
    sheets = [
        sheet(10000, 6000),  # eligible, receives nothing
        sheet(12000, 4800, items=["E1.02"]),  # eligible, receives the item
        sheet(20000, 6000),  # ISEE too high
        sheet(None, 3000),  # ISEE missing and rent > 0: undetermined
        sheet(None, 0),  # ISEE missing but no rent: not eligible whatever the ISEE
        sheet(9000, 0),  # no rent
        sheet(14000, 100, items=["B1.01"]),  # eligible, receives another item only
    ]
    counts = dry_runs.tally(sheets, Rule(RENT), on=ON, item="E1.02")
    assert counts == {
        "households": 7,
        "eligible": 3,
        "not_eligible": 3,
        "undetermined": 1,
        "receiving_nothing": 2,
        "missing": {"isee": 1},
    }


def test_missing_facts_of_list_items_count_once_per_household_by_documented_name():
    sheets = [
        sheet(rentals=[{"days_to_end": None}, {"days_to_end": None}]),  # undetermined
        sheet(rentals=[{"days_to_end": None}]),  # undetermined
        sheet(rentals=[{"days_to_end": None}, {"days_to_end": 30}]),  # the second decides
        sheet(rentals=[{"days_to_end": 400}]),
        sheet(rentals=[]),
        sheet(rentals=[{"days_to_end": 10}], members=[]),  # an indicator skips it
    ]
    counts = dry_runs.tally(sheets, Rule(ENDING), on=ON)
    assert counts == {
        "households": 5,
        "eligible": 1,
        "not_eligible": 2,
        "undetermined": 2,
        "missing": {"rentals.N.days_to_end": 2},
    }
    assert "receiving_nothing" not in counts  # an indicator: nobody receives anything


def test_chunks_add_up_and_the_most_missing_facts_come_first():
    first = {"households": 3, "eligible": 1, "undetermined": 2, "missing": {"isee": 2}}
    second = {"households": 2, "eligible": 2, "undetermined": 1, "missing": {"isee": 1, "b": 1}}
    total = dry_runs.add(first, second)
    assert total == {
        "households": 5,
        "eligible": 3,
        "undetermined": 3,
        "missing": {"isee": 3, "b": 1},
    }
    assert dry_runs.most_missing(total) == [("isee", 3), ("b", 1)]
    assert dry_runs.most_missing({"missing": {"a": 1, "b": 1, "c": 5}}, limit=2) == [
        ("c", 5),
        ("a", 1),
    ]


@pytest.fixture
def draft(region_org):
    """A published programme whose draft now says another rule."""
    doc = {
        "format": publishing.EXPORT_FORMAT,
        "kind": "programme",
        "slug": "contributo-affitto",
        "title": "Contributo affitto",
        "item": "E1.02",
        "starts_on": "2026-01-01",
        "rule": {"<=": [{"var": "isee"}, 1]},
    }
    definition = publishing.save(doc, owner=region_org, publish_now=True)
    definition.rule = RENT
    definition.save_revision()
    definition.refresh_from_db()
    assert definition.rule != RENT  # the row keeps the published rule
    return definition


@pytest.fixture
def zone2_households(household):
    def make(isee, rent, zone=2):
        home = household(zone)
        home.member(45)
        if isee is not None:
            home.isee(isee)
        if rent:
            home.rental(rent, person=home.members[0])
        return home

    return [make(10000, 6000), make(None, 5000), make(30000, 0), make(8000, 4000, zone=3)]


def test_a_dry_run_tries_the_draft_over_a_zone_and_writes_nothing_else(
    draft, zone2_households, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = dry_runs.start(draft, by=None, zone=SocialZone.objects.get(number=2), on=ON)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.rule == RENT and run.item == "E1.02"
    assert (run.households_total, run.households_done) == (3, 3)
    assert run.counts == {
        "households": 3,
        "eligible": 1,
        "not_eligible": 1,
        "undetermined": 1,
        "receiving_nothing": 1,
        "missing": {"isee": 1},
    }
    assert not ScreeningResult.objects.exists() and not Alert.objects.exists()


def test_the_region_tries_a_zone_or_the_region_and_reads_counts_only(
    english_client, make_member, draft, zone2_households, django_capture_on_commit_callbacks
):
    client = english_client
    admin = make_member(Role.REGIONAL_ADMIN)
    client.force_login(admin)
    url = reverse("monitoring_admin:dry_run", args=["programme", draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    choices = dict(page.context["form"].fields["territory"].choices)
    assert choices["region"] == "The whole region" and len(choices) == 13
    refused = client.post(url, {"territory": "999999"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["territory"]
    zone = SocialZone.objects.get(number=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"territory": str(zone.pk)})
    run = DryRun.objects.get()
    assert response["Location"] == reverse(
        "monitoring_admin:dry_run_result", args=["programme", draft.pk, run.pk]
    )
    result = client.get(response["Location"])
    html = result.content.decode()
    assert 'data-count="eligible">' in html and "Households tried" in html
    assert 'data-count="undetermined">1<' in html
    assert 'data-count="receiving_nothing">1<' in html
    assert "<td>ISEE</td><td>1</td>" in html
    # the draft states no amount: no cost, and a sentence says why
    assert "No cost is estimated: the draft stated no amount" in html
    assert "data-cost=" not in html
    for home in zone2_households:  # no household, no person named
        assert home.household.code not in html
        assert home.members[0].last_name not in html
    events = AuditEvent.objects.filter(object_type="monitoring.dryrun", object_id=str(run.pk))
    assert sorted(events.values_list("action", flat=True)) == ["create", "view"]
    assert {e.purpose for e in events} == {"dry run of a draft rule"}
    progress = client.get(
        reverse("monitoring_admin:dry_run_progress", args=["programme", draft.pk, run.pk])
    ).json()
    assert progress["following"] is False and progress["percent"] == 100

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"territory": "region"})
    assert DryRun.objects.latest("pk").zone is None
    assert DryRun.objects.latest("pk").counts["households"] == 4


def test_a_programme_with_an_amount_shows_the_yearly_cost_and_the_gap_to_fund(
    client, make_member, draft, zone2_households, provider, django_capture_on_commit_callbacks
):
    draft = draft.get_latest_revision_as_object()
    draft.amount, draft.amount_period = Decimal("250.00"), "month"
    draft.save_revision()
    receiving = zone2_households[3]  # zone 3, eligible: it already receives the item
    give("E1.02", provider["municipality"], household=receiving.household, starts_on=ON)
    client.force_login(make_member(Role.REGIONAL_ADMIN))  # an Italian page
    url = reverse("monitoring_admin:dry_run", args=["programme", draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"territory": "region"})
    run = DryRun.objects.get()
    assert (run.amount, run.amount_period) == (Decimal("250.00"), "month")
    assert (run.counts["eligible"], run.counts["receiving_nothing"]) == (2, 1)
    html = client.get(response["Location"]).content.decode()
    # 2 eligible x € 250,00 a month x 12 = € 6.000,00; 1 receiving nothing: € 3.000,00
    assert 'data-cost="eligible">€\xa06.000,00<' in html
    assert 'data-cost="receiving_nothing">€\xa03.000,00<' in html
    assert "€\xa0250,00" in html and "\u00d7 12 = €\xa06.000,00" in html
    assert "\u00d7 12 = €\xa03.000,00" in html
    assert 'id="dry-run-no-cost"' not in html


def test_another_owners_rule_is_not_found_and_a_zone_rule_is_tried_in_its_zone(
    client, make_member, draft, zone_org
):
    zone_admin = make_member(Role.ZONE_ADMIN, zone_number=2)
    client.force_login(zone_admin)
    assert (
        client.get(reverse("monitoring_admin:dry_run", args=["programme", draft.pk])).status_code
        == 404
    )
    run = DryRun.objects.create(programme=draft, on=ON, rule=RENT)
    for name in ("dry_run_result", "dry_run_progress"):
        url = reverse(f"monitoring_admin:{name}", args=["programme", draft.pk, run.pk])
        assert client.get(url).status_code == 404
    own = publishing.save(
        {
            "format": publishing.EXPORT_FORMAT,
            "kind": "programme",
            "slug": "della-zona",
            "title": "Della zona",
            "item": "E1.02",
            "starts_on": "2026-01-01",
            "rule": RENT,
        },
        owner=zone_org,
    )
    page = client.get(reverse("monitoring_admin:dry_run", args=["programme", own.pk]))
    assert page.status_code == 200
    zone = SocialZone.objects.get(number=2)
    assert page.context["form"].fields["territory"].choices == [(str(zone.pk), str(zone))]
    # a run of another definition is not found under this one
    url = reverse("monitoring_admin:dry_run_result", args=["programme", own.pk, run.pk])
    assert client.get(url).status_code == 404
    operator = make_member(Role.OPERATOR, zone_number=2)
    client.force_login(operator)
    assert client.get(
        reverse("monitoring_admin:dry_run", args=["programme", own.pk])
    ).status_code in (302, 403)


@pytest.fixture
def zone_org(db):
    from siso_platform.accounts.models import Organisation

    return Organisation.objects.get(zone__number=2)


def test_an_indicator_is_tried_the_same_way_and_counts_matches(
    english_client, make_member, region_org, zone2_households, django_capture_on_commit_callbacks
):
    doc = {
        "format": publishing.EXPORT_FORMAT,
        "kind": "indicator",
        "slug": "affitto-e-isee-basso",
        "title": "Affitto e ISEE basso",
        "need_category": "housing",
        "message": "Verificare il contributo affitto.",
        "rule": RENT,
    }
    indicator = publishing.save(doc, owner=region_org)
    english_client.force_login(make_member(Role.REGIONAL_ADMIN))
    url = reverse("monitoring_admin:dry_run", args=["indicator", indicator.pk])
    zone = SocialZone.objects.get(number=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = english_client.post(url, {"territory": str(zone.pk)})
    run = DryRun.objects.get(indicator=indicator)
    assert run.counts == {
        "households": 3,
        "eligible": 1,
        "not_eligible": 1,
        "undetermined": 1,
        "missing": {"isee": 1},
    }
    html = english_client.get(response["Location"]).content.decode()
    assert "Matched" in html and "receiving nothing" not in html
    assert not Alert.objects.exists()
