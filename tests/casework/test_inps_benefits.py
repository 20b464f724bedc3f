"""INPS's table of social benefits: the region keeps it in the admin, catalogue items pick their
INPS code from it (never typed), and the first seed's codes, which INPS does not know, are
corrected without touching what the region mapped itself."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from siso_platform.accounts.models import Role
from siso_platform.casework import catalogues, rules
from siso_platform.casework.models import CatalogueItem, InpsBenefit

from .test_catalogue_admin import item_data

pytestmark = pytest.mark.django_db

HOME_CARE = "Assistenza domiciliare socio-assistenziale"


@pytest.fixture
def regional_admin(make_member):
    return make_member(Role.REGIONAL_ADMIN)


def siuss_data(item, **changes):
    """The catalogue item's edit form with its SIUSS fields, as the admin posts it."""
    fields = {
        "inps_code": item.inps_code,
        "means_test": item.means_test,
        "benefit_character": item.benefit_character,
        "user_area": item.user_area,
        "isee_threshold": item.isee_threshold or "",
        "unit_cost": item.unit_cost or "",
    }
    return item_data(item, **{**fields, **changes})


def test_the_table_is_seeded_from_inps_and_the_items_mapped_by_meaning(db):
    assert InpsBenefit.objects.count() == 36
    assert str(InpsBenefit.objects.get(code="A2.07")) == f"A2.07 · {HOME_CARE}"
    home_care = CatalogueItem.objects.get(code="B1.01")
    assert (home_care.inps_code, home_care.inps_name) == ("A2.07", HOME_CARE)
    # no clear match: not sent, and no item keeps its own (CISIS) code as an INPS code
    assert CatalogueItem.objects.get(code="A1.01").inps_code == ""
    table = set(InpsBenefit.objects.values_list("code", flat=True))
    for item in CatalogueItem.objects.exclude(inps_code=""):
        assert item.inps_code in table and item.inps_code != item.code


def test_the_item_form_offers_the_tables_codes_with_their_names(english_client, regional_admin):
    InpsBenefit.objects.filter(code="A1.20").update(active=False)
    item = CatalogueItem.objects.get(code="B1.01")
    english_client.force_login(regional_admin)

    page = html.unescape(english_client.get(reverse("catalogue_items:edit", args=[item.pk])).text)

    assert f'<option value="A2.07" selected>A2.07 · {HOME_CARE}</option>' in page
    assert '<option value="A1.04">A1.04 · Contributi economici a integrazione' in page
    assert "None: not sent to INPS, the benefits wait on the SIUSS worklist" in page
    assert 'value="A1.20"' not in page  # not in use: not offered
    assert 'name="inps_name"' not in page  # the name comes with the code


def test_picking_a_code_brings_its_name_and_none_clears_it(english_client, regional_admin):
    item = CatalogueItem.objects.get(code="E1.03")
    english_client.force_login(regional_admin)
    edit = reverse("catalogue_items:edit", args=[item.pk])

    response = english_client.post(edit, siuss_data(item, inps_code="A2.05"))

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.inps_code == "A2.05"
    assert item.inps_name == "Agevolazioni per i servizi di pubblica utilità (telefono, luce, gas)"
    english_client.post(edit, siuss_data(item, inps_code=""))
    item.refresh_from_db()
    assert (item.inps_code, item.inps_name) == ("", "")


def test_a_code_not_in_the_table_is_refused_naming_the_field(english_client, regional_admin):
    item = CatalogueItem.objects.get(code="E1.03")
    english_client.force_login(regional_admin)

    response = english_client.post(
        reverse("catalogue_items:edit", args=[item.pk]), siuss_data(item, inps_code="E1.03")
    )

    assert response.status_code == 200  # the form again, with the error
    expected = rules.UNKNOWN_INPS_CODE % {"value": "E1.03"}
    assert response.context["form"].errors["inps_code"] == [expected]
    assert expected.startswith("INPS benefit code: E1.03 is not in INPS's benefit table")
    item.refresh_from_db()
    assert item.inps_code == ""


def test_the_model_refuses_an_unknown_code_in_italian(db):
    item = CatalogueItem.objects.get(code="E1.03")
    item.inps_code = "B9.99"
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        item.full_clean()
    with translation.override("it"):
        expected = str(rules.UNKNOWN_INPS_CODE) % {"value": "B9.99"}
    assert refused.value.message_dict["inps_code"] == [expected]


def test_a_name_too_short_for_inps_leaves_the_items_own(db):
    item = CatalogueItem.objects.get(code="E1.05")
    item.inps_code = "Z9.99"  # "Altro": INPS wants at least 10 characters
    item.full_clean()
    assert item.inps_name == ""  # the item's name is sent


def test_renaming_a_row_renames_the_items_mapped_to_it(english_client, regional_admin):
    benefit = InpsBenefit.objects.get(code="A2.07")
    english_client.force_login(regional_admin)

    response = english_client.post(
        reverse("inps_benefits:edit", args=[benefit.pk]),
        {"code": "A2.07", "name": "Assistenza domiciliare sociale", "active": "on"},
    )

    assert response.status_code == 302
    names = set(CatalogueItem.objects.filter(inps_code="A2.07").values_list("inps_name", flat=True))
    assert names == {"Assistenza domiciliare sociale"}  # B1.01 and B1.03


def test_the_region_adds_a_newer_code(english_client, regional_admin):
    english_client.force_login(regional_admin)
    response = english_client.post(
        reverse("inps_benefits:add"),
        {"code": "A2.20", "name": "Servizio sociale professionale", "active": "on"},
    )
    assert response.status_code == 302
    item = CatalogueItem.objects.get(code="A2.01")
    item.inps_code = "A2.20"
    item.full_clean()
    assert item.inps_name == "Servizio sociale professionale"


def test_only_the_region_sees_the_table(english_client, make_member):
    english_client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    assert english_client.get(reverse("inps_benefits:index")).status_code in (302, 403)


def test_the_correction_remaps_the_old_seed_and_keeps_the_regions_mapping(db):
    # As the first seed left a database: each item's own code as its INPS code, and a region
    # that had mapped two items itself, one to a code the seeded table lacks.
    old_seed = {"B1.01": "B1.01", "A1.01": "A1.01", "E1.02": "E1.02"}
    region = {"C1.03": ("A2.10", ""), "E1.05": ("A2.25", "Affido familiare (tabella 2024)")}
    for code, inps_code in old_seed.items():
        CatalogueItem.objects.filter(code=code).update(inps_code=inps_code, inps_name="")
    for code, (inps_code, inps_name) in region.items():
        CatalogueItem.objects.filter(code=code).update(inps_code=inps_code, inps_name=inps_name)
    InpsBenefit.objects.all().delete()  # before the table existed

    remapped = catalogues.remap_inps_codes(CatalogueItem, InpsBenefit)

    codes = dict(CatalogueItem.objects.values_list("code", "inps_code"))
    assert remapped == 3
    assert (codes["B1.01"], codes["A1.01"], codes["E1.02"]) == ("A2.07", "", "A1.05")
    assert CatalogueItem.objects.get(code="B1.01").inps_name == HOME_CARE
    assert (codes["C1.03"], codes["E1.05"]) == ("A2.10", "A2.25")  # the region's: kept
    assert CatalogueItem.objects.get(code="C1.03").inps_name == (
        "Servizi integrativi per la prima infanzia"
    )
    added = InpsBenefit.objects.get(code="A2.25")  # kept in the table, for the region to check
    assert (added.name, added.active) == ("Affido familiare (tabella 2024)", False)
    assert InpsBenefit.objects.filter(active=True).count() == 36
    # run again: nothing more to do
    assert catalogues.remap_inps_codes(CatalogueItem, InpsBenefit) == 0
