"""A programme's amount: the yearly cost a dry run works out from it (numbers by hand), the
sentence saying how, and the amount kept in versions, files and the API."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from siso_platform.accounts.models import Role
from siso_platform.monitoring import dry_run_views, dry_runs, publishing
from siso_platform.monitoring.models import Programme

RENT = {"and": [{"<=": [{"var": "isee"}, 15000]}, {">": [{"var": "rent_yearly"}, 0]}]}


def test_the_yearly_cost_worked_out_by_hand():
    monthly = dry_runs.yearly_cost(2, Decimal("250.00"), "month")
    assert (monthly.payments, monthly.yearly) == (12, Decimal("6000.00"))  # 2 x 250 x 12
    yearly = dry_runs.yearly_cost(3, Decimal("1500.00"), "year")
    assert (yearly.payments, yearly.yearly) == (1, Decimal("4500.00"))  # 3 x 1500
    once = dry_runs.yearly_cost(4, Decimal("300.50"), "once")
    assert (once.payments, once.yearly) == (1, Decimal("1202.00"))  # 4 x 300,50, paid once
    assert dry_runs.yearly_cost(0, Decimal("250.00"), "month").yearly == 0
    assert dry_runs.yearly_cost(2, None, "") is None
    assert dry_runs.yearly_cost(2, Decimal("250.00"), "") is None


def test_the_costs_of_the_eligible_and_of_the_gap_to_fund():
    counts = {"households": 9, "eligible": 5, "receiving_nothing": 2, "missing": {}}
    found = dry_runs.costs(counts, Decimal("99.90"), "month")
    assert found["eligible"].yearly == Decimal("5994.00")  # 5 x 99,90 x 12
    assert found["receiving_nothing"].yearly == Decimal("2397.60")  # 2 x 99,90 x 12
    assert dry_runs.costs(counts, None, "") is None


def test_the_sentence_says_how_the_cost_was_computed():
    with translation.override("en"):
        monthly = dry_runs.yearly_cost(2, Decimal("250.00"), "month")
        assert dry_run_views.cost_sentence(monthly, "eligible") == (
            "2 eligible households \u00d7 €\xa0250.00 per month \u00d7 12 = €\xa06,000.00 a year"
        )
        once = dry_runs.yearly_cost(1, Decimal("300.50"), "once")
        assert dry_run_views.cost_sentence(once, "receiving_nothing") == (
            "1 eligible household receiving nothing \u00d7 €\xa0300.50 one-off = €\xa0300.50 a year"
        )
    with translation.override("it"):  # Italian money: € 6.000,00
        sentence = dry_run_views.cost_sentence(
            dry_runs.yearly_cost(1200, Decimal("1500.00"), "year"), "eligible"
        )
        assert "1.200" in sentence and "€\xa01.500,00" in sentence
        assert "€\xa01.800.000,00" in sentence  # 1.200 x 1.500


def doc(**extra):
    return {
        "format": publishing.EXPORT_FORMAT,
        "kind": "programme",
        "slug": "assegno-di-cura",
        "title": "Assegno di cura",
        "item": "E1.04",
        "starts_on": "2026-01-01",
        "rule": RENT,
        **extra,
    }


def test_the_amount_goes_into_the_version_and_the_file_and_back(region_org):
    programme = publishing.save(
        doc(amount="250.00", amount_period="month"), owner=region_org, publish_now=True
    )
    programme.refresh_from_db()
    assert (programme.amount, programme.amount_period) == (Decimal("250.00"), "month")
    snapshot = programme.latest_version.snapshot
    assert (snapshot["amount"], snapshot["amount_period"]) == ("250.00", "month")
    exported = publishing.document(programme)
    assert (exported["amount"], exported["amount_period"]) == ("250.00", "month")
    copy = {**exported, "slug": "assegno-di-cura-copia"}  # a published one stays: import a copy
    again = publishing.save(publishing.read(json.dumps(copy)), owner=region_org)
    assert publishing.document(again) == copy


def test_an_older_file_without_an_amount_still_imports(region_org):
    programme = publishing.save(doc(), owner=region_org, publish_now=True)
    assert programme.amount is None and programme.amount_period == ""
    assert "amount" not in programme.latest_version.snapshot  # as versions were before
    assert "amount" not in publishing.document(programme)
    # a file without an amount clears the one a programme had
    publishing.save(doc(amount=120, amount_period="year"), owner=region_org)
    assert publishing.document(Programme.objects.get())["amount"] == "120.00"
    publishing.save(doc(), owner=region_org)
    assert "amount" not in publishing.document(Programme.objects.get())


def test_a_bad_amount_is_refused_naming_it(region_org):
    with translation.override("en"):
        with pytest.raises(publishing.ImportRefused, match="amount “molti” is not a number"):
            publishing.save(doc(amount="molti", amount_period="month"), owner=region_org)
        with pytest.raises(ValidationError) as error:
            publishing.save(doc(amount="250"), owner=region_org)
        assert error.value.message_dict["amount_period"] == ["Say how often the amount is paid."]
        with pytest.raises(ValidationError) as error:
            publishing.save(doc(amount_period="month"), owner=region_org)
        assert "amount" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            publishing.save(doc(amount="-5", amount_period="month"), owner=region_org)
        assert error.value.message_dict["amount"] == ["The amount must be more than zero."]
    assert not Programme.objects.exists()


def test_the_api_lists_the_amount_of_a_programme(region_org, make_member):
    publishing.save(
        doc(amount="250.00", amount_period="month", starts_on="2000-01-01"),
        owner=region_org,
        publish_now=True,
    )
    publishing.save(
        doc(slug="senza-importo", starts_on="2000-01-01"), owner=region_org, publish_now=True
    )
    api = APIClient()
    api.force_authenticate(user=make_member(Role.SOCIAL_WORKER, zone_number=2))
    found = {p["slug"]: p for p in api.get("/api/v1/programmes/").json()}
    assert (found["assegno-di-cura"]["amount"], found["assegno-di-cura"]["amount_period"]) == (
        "250.00",
        "month",
    )
    assert (found["senza-importo"]["amount"], found["senza-importo"]["amount_period"]) == (
        None,
        None,
    )


def test_the_programme_panel_asks_for_the_amount_and_how_often_it_is_paid(
    english_client, make_member, region_org
):
    from django.urls import reverse

    from .test_admin import ADD_URL, programme_post_data

    client = english_client
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = client.get(reverse(ADD_URL)).content.decode()
    assert 'name="amount"' in page and 'name="amount_period"' in page
    assert "What each household receives, in euro." in page
    assert ">per month<" in page and ">one-off<" in page

    refused = client.post(reverse(ADD_URL), programme_post_data(region_org, amount="250"))
    assert refused.context["form"].errors["amount_period"] == ["Say how often the amount is paid."]
    assert not Programme.objects.exists()  # nothing saved, the form keeps what was typed
    assert refused.context["form"].data["amount"] == "250"

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "it"  # written as Italians write it
    client.post(
        reverse(ADD_URL), programme_post_data(region_org, amount="250,50", amount_period="month")
    )
    saved = Programme.objects.get().get_latest_revision_as_object()
    assert (saved.amount, saved.amount_period) == (Decimal("250.50"), "month")
