"""The rule editor's words: the fact sheet's names with Italian labels, kinds and units, put
in the edit page for the condition builder."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from siso_platform.accounts.models import Role
from siso_platform.monitoring import publishing
from siso_platform.monitoring.fact_sheet import FIELDS, UNITS
from siso_platform.monitoring.vocabulary import vocabulary


def fields_text(name: str) -> str:
    """What FIELDS says the items of a list hold: "members.N.age" entries, or the list's
    meaning ("Rental contracts: contract, yearly_rent, start, end, ...")."""
    with translation.override("en"):
        listed = [f["name"] for f in FIELDS if f["name"].startswith(name + ".N.")]
        (meaning,) = [str(f["meaning"]) for f in FIELDS if f["name"] == name]
    parts = meaning.split(":")[-1].split(",") if ":" in meaning else []
    return " ".join(listed + [f"{name}.N.{part.strip(' .')}" for part in parts])


@pytest.mark.django_db
def test_the_vocabulary_names_documented_facts_in_italian_with_units():
    with translation.override("it"):
        terms = {term["name"]: term for term in vocabulary()}
    documented = {field["name"] for field in FIELDS} | {"income.total", "income.year"}
    assert set(terms) <= documented
    assert terms["isee"] == {"name": "isee", "label": "ISEE", "type": "decimal", "unit": "€"}
    assert terms["rent_yearly"]["label"] == "Canone annuo"
    assert terms["rent_yearly"]["unit"] == "€" and terms["rent_yearly"]["type"] == "decimal"
    assert terms["size"]["type"] == "integer" and "unit" not in terms["size"]
    areas = {choice["value"]: choice["label"] for choice in terms["intervention_areas"]["choices"]}
    assert terms["intervention_areas"]["type"] == "multichoice"
    assert areas["disability"] == "disabilità"
    items = [choice["value"] for choice in terms["intervention_items"]["choices"]]
    assert "E1.02" in items
    zones = terms["household.zone"]["choices"]
    assert len(zones) == 12 and terms["household.zone"]["type"] == "choice"


@pytest.mark.django_db
def test_the_lists_of_records_come_with_their_items_fields():
    with translation.override("it"):
        terms = {term["name"]: term for term in vocabulary()}
    lists = {name for name, term in terms.items() if term["type"] == "list"}
    documented = {field["name"] for field in FIELDS if field["type"] == "list"}
    # every documented list of records is offered; lists of codes stay choices
    assert lists == documented - {
        "intervention_items",
        "intervention_categories",
        "intervention_areas",
        "intervention_kinds",
        "need_categories",
    }
    assert terms["isee"]["type"] == "decimal"  # the flat facts are as they were
    members = terms["members"]
    assert members["label"] == "Componenti"
    assert set(members["item_label"]) == {"one", "some"}
    items = {item["name"]: item for item in members["items"]}
    with translation.override("it"):
        years = str(UNITS["members.N.age"])  # "anni", once the lead merges it
    assert items["age"] == {"name": "age", "label": "Età", "type": "integer", "unit": years}
    assert items["minor"]["type"] == "boolean"
    assert items["income_total"]["unit"] == "€"
    relations = {c["value"] for c in items["relation"]["choices"]}
    assert {"head", "child", "spouse"} <= relations
    rentals = {item["name"]: item for item in terms["rentals"]["items"]}
    assert rentals["days_to_end"]["type"] == "integer"
    assert rentals["yearly_rent"]["unit"] == "€"
    kinds = {
        c["value"]
        for c in {i["name"]: i for i in terms["interventions"]["items"]}["kind"]["choices"]
    }
    assert "home" in kinds
    # every item field is one the fact sheet documents for that list
    for name in lists:
        for item in terms[name]["items"]:
            assert f"{name}.N.{item['name']}" in fields_text(name), (name, item["name"])


def test_the_edit_page_carries_the_vocabulary_for_the_builder(client, make_member, region_org):
    admin = make_member(Role.REGIONAL_ADMIN)
    doc = {
        "format": publishing.EXPORT_FORMAT,
        "kind": "programme",
        "slug": "contributo-affitto",
        "title": "Contributo affitto",
        "item": "E1.02",
        "starts_on": "2026-01-01",
        "rule": {"<=": [{"var": "isee"}, 15000]},
    }
    definition = publishing.save(doc, owner=region_org)
    client.force_login(admin)
    page = client.get(reverse("wagtailsnippets_monitoring_programme:edit", args=[definition.pk]))
    html = page.content.decode()
    assert 'data-logic-builder="condition"' in html
    assert 'data-vocabulary="monitoring-fact-vocabulary"' in html
    found = re.search(
        r'<script id="monitoring-fact-vocabulary" type="application/json">(.*?)</script>', html
    )
    terms = {term["name"]: term for term in json.loads(found.group(1))}
    assert terms["rent_yearly"]["label"] == "Canone annuo"  # the page is in Italian
    assert "Prova sui dati" in html or "Try on the data" in html
