"""The regional catalogues in the wagtail admin: the region adds and retires entries, the zones
only read them, nobody deletes them, and the listings export as files."""

import pytest
from django.urls import NoReverseMatch, reverse

from siso_platform.accounts.models import Role
from siso_platform.casework.models import CatalogueItem, InpsBenefit, NeedCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional_admin(make_member):
    return make_member(Role.REGIONAL_ADMIN)


def item_data(item=None, **changes):
    """The edit form as the admin posts it, for `item` or for a new income-support item."""
    data = {
        "code": "E9.99",
        "name": "Contributo sperimentale",
        "area": "poverty",
        "kind": "cash",
        "unit": "euro",
        "need_category": NeedCategory.objects.get(code="economic").pk,
        "description": "",
        "active": "on",
    }
    if item is not None:
        data.update(
            code=item.code,
            name=item.name,
            area=item.area,
            kind=item.kind,
            unit=item.unit,
            need_category=item.need_category_id,
            description=item.description,
            active="on" if item.active else "",
        )
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_seeded_catalogues_are_listed(english_client, regional_admin):
    english_client.force_login(regional_admin)
    response = english_client.get(reverse("catalogue_items:index"))
    assert response.status_code == 200
    assert "E1.01" in response.text
    found = english_client.get(reverse("catalogue_items:index"), {"q": "E1.01"})
    assert "E1.01" in found.text
    assert "B1.01" not in found.text
    response = english_client.get(reverse("need_categories:index"))
    assert response.status_code == 200
    assert NeedCategory.objects.get(code="economic").name in response.text


def test_regional_admin_adds_a_catalogue_item(english_client, regional_admin):
    english_client.force_login(regional_admin)
    assert english_client.get(reverse("catalogue_items:add")).status_code == 200

    response = english_client.post(reverse("catalogue_items:add"), item_data())

    assert response.status_code == 302
    item = CatalogueItem.objects.get(code="E9.99")
    assert item.need_category.code == "economic"
    assert item in CatalogueItem.objects.in_use()


def test_regional_admin_retires_a_catalogue_item(english_client, regional_admin):
    item = CatalogueItem.objects.get(code="E1.01")
    english_client.force_login(regional_admin)

    response = english_client.post(
        reverse("catalogue_items:edit", args=[item.pk]), item_data(item, active="")
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.active
    assert item not in CatalogueItem.objects.in_use()
    assert CatalogueItem.objects.filter(pk=item.pk).exists()  # retired, still there


def test_retired_categories_are_not_offered_for_new_items(english_client, regional_admin):
    retired = NeedCategory.objects.get(code="economic")
    retired.active = False
    retired.save()
    english_client.force_login(regional_admin)

    response = english_client.post(reverse("catalogue_items:add"), item_data())

    assert response.status_code == 200  # the form again, with the error
    assert not CatalogueItem.objects.filter(code="E9.99").exists()


def test_operator_reads_the_catalogue_but_cannot_add(english_client, make_member):
    operator = make_member(Role.OPERATOR, zone_number=2)
    english_client.force_login(operator)

    assert english_client.get(reverse("catalogue_items:index")).status_code == 200
    assert english_client.get(reverse("catalogue_items:add")).status_code in (302, 403)
    response = english_client.post(reverse("catalogue_items:add"), item_data())
    assert response.status_code in (302, 403)
    assert not CatalogueItem.objects.filter(code="E9.99").exists()
    item = CatalogueItem.objects.get(code="E1.01")
    response = english_client.post(
        reverse("catalogue_items:edit", args=[item.pk]), item_data(item, active="")
    )
    assert response.status_code in (302, 403)
    item.refresh_from_db()
    assert item.active


@pytest.mark.parametrize("viewset", ["catalogue_items", "need_categories", "inps_benefits"])
def test_catalogue_entries_cannot_be_deleted(english_client, regional_admin, viewset):
    with pytest.raises(NoReverseMatch):
        reverse(f"{viewset}:delete", args=[1])
    model = {
        "catalogue_items": CatalogueItem,
        "need_categories": NeedCategory,
        "inps_benefits": InpsBenefit,
    }[viewset]
    entry = model.objects.first()
    english_client.force_login(regional_admin)

    edit_page = english_client.get(reverse(f"{viewset}:edit", args=[entry.pk]))
    listing = english_client.get(reverse(f"{viewset}:index"))
    response = english_client.post(f"{reverse(f'{viewset}:index')}delete/{entry.pk}/")

    assert edit_page.status_code == 200
    assert "/delete/" not in edit_page.text
    assert "/delete/" not in listing.text
    assert response.status_code == 404
    assert model.objects.filter(pk=entry.pk).exists()


def test_not_even_a_superuser_gets_a_delete_button(english_client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    item = CatalogueItem.objects.get(code="E1.01")
    english_client.force_login(superuser)

    edit_page = english_client.get(reverse("catalogue_items:edit", args=[item.pk]))

    assert edit_page.status_code == 200
    assert "/delete/" not in edit_page.text


def test_item_listing_exports_as_csv(english_client, regional_admin):
    english_client.force_login(regional_admin)

    response = english_client.get(reverse("catalogue_items:index"), {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "intervention-catalogue.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    lines = text.splitlines()
    assert lines[0].startswith("Code,Name,Area,Kind,Unit")
    assert len(lines) == 1 + CatalogueItem.objects.count()
    assert any(line.startswith("E1.01,") for line in lines)


def test_category_listing_exports_as_xlsx(english_client, regional_admin):
    english_client.force_login(regional_admin)

    response = english_client.get(reverse("need_categories:index"), {"export": "xlsx"})

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert "need-categories.xlsx" in response["Content-Disposition"]
