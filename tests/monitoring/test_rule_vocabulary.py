"""The rule editor's words: the fact sheet's names with Italian labels, kinds and units, put
in the edit page for the condition builder."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from siso_platform.accounts.models import Role
from siso_platform.monitoring import publishing
from siso_platform.monitoring.fact_sheet import FIELDS
from siso_platform.monitoring.vocabulary import vocabulary


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
