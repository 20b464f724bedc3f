"""The public service charter, as a headless client and the region's editors see it."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from home.models import (
    HomePage,
    NewsIndexPage,
    NewsPage,
    OfficeIndexPage,
    OfficePage,
    OpeningHoursBlock,
    ServiceIndexPage,
    ServicePage,
)
from siso_platform.accounts.models import Role
from siso_platform.casework.models import Area, CatalogueItem, InterventionKind, NeedCategory
from siso_platform.territory.models import CitizenOffice

# The charter is seeded once for the module: its tests stay in one process (pytest-xdist).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("cms_api")]

API = "/api/cms/pages/"


@pytest.fixture(scope="module", autouse=True)
def charter(django_db_setup, django_db_blocker):
    """The charter seeded once for this module (some seconds), undone when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_service_charter", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def listing(client, query: str) -> list[dict]:
    """Every item of a listing, following its pages as a client does (at most 20 a page)."""
    items, total = [], None
    while total is None or len(items) < total:
        response = client.get(f"{API}?{query}&offset={len(items)}")
        assert response.status_code == 200, response.content
        total = response.json()["meta"]["total_count"]
        page = response.json()["items"]
        if not page:
            break
        items += page
    return items


def service_of(client, code: str) -> dict:
    page = ServicePage.objects.get(item__code=code)
    response = client.get(f"{API}{page.pk}/")
    assert response.status_code == 200
    return response.json()


def test_the_charter_has_one_published_service_page_per_active_catalogue_item(client):
    served = listing(client, "type=home.ServicePage&fields=item")
    codes = [service["item"]["code"] for service in served]
    assert sorted(codes) == sorted(CatalogueItem.objects.in_use().values_list("code", flat=True))
    # Anonymous clients read it: the charter is public.
    assert all(service["meta"]["type"] == "home.ServicePage" for service in served)


def test_a_service_says_what_it_is_who_can_ask_and_what_to_bring(client):
    served = listing(client, "type=home.ServicePage&fields=*")
    rent = next(service for service in served if service["item"]["code"] == "E1.02")
    assert rent["title"] == "Contributo per il pagamento dell'affitto"
    assert rent["item"]["area"] == "poverty"
    assert rent["item"]["kind"] == "cash"
    assert rent["item"]["need_category"]["code"] == "housing"
    assert "ISEE" in rent["eligibility"]
    documents = [block["value"] for block in rent["documents"]]
    assert "Attestazione ISEE in corso di validità" in documents
    assert any(document.startswith("Contratto di affitto") for document in documents)
    assert "Ufficio di Cittadinanza" in rent["where_to_ask"]


def test_services_can_be_listed_by_catalogue_item(client):
    item = CatalogueItem.objects.get(code="B1.01")
    served = listing(client, f"type=home.ServicePage&item={item.pk}&fields=item")
    assert [service["item"]["name"] for service in served] == [item.name]


def test_a_draft_is_not_served_until_it_is_published(client):
    page = ServicePage.objects.get(item__code="B1.01")
    published = page.eligibility
    page.eligibility = "<p>Testo in bozza, non ancora approvato.</p>"
    page.save_revision()  # a draft: the published version stays online

    assert service_of(client, "B1.01")["eligibility"] == published

    page.get_latest_revision().publish()
    assert service_of(client, "B1.01")["eligibility"] == page.eligibility


def test_an_unpublished_page_is_not_served(client):
    page = ServicePage.objects.get(item__code="C1.01")
    page.unpublish()

    assert client.get(f"{API}{page.pk}/").status_code == 404
    served = listing(client, "type=home.ServicePage&fields=item")
    assert "C1.01" not in {service["item"]["code"] for service in served}


def test_a_news_item_never_published_is_not_served(client):
    news = NewsIndexPage.objects.get()
    draft = news.add_child(
        instance=NewsPage(title="Bozza", slug="bozza", date="2026-01-01", live=False)
    )
    draft.save_revision()

    assert client.get(f"{API}{draft.pk}/").status_code == 404
    titles = [item["title"] for item in listing(client, "type=home.NewsPage")]
    assert "Bozza" not in titles and len(titles) == 2


def test_an_office_page_serves_its_opening_hours_and_contacts(client):
    office = CitizenOffice.objects.get(municipality__name="Perugia", is_default=True)
    office.phone = "075 000000"
    office.save()

    [page] = listing(client, f"type=home.OfficePage&office={office.pk}&fields=*")

    assert page["office"]["name"] == office.name
    assert page["office"]["municipality"]["name"] == "Perugia"
    assert page["office"]["zone"]["number"] == 2
    assert page["office"]["phone"] == "075 000000"  # from the office record
    hours = [row["value"] for row in page["opening_hours"]]
    mornings = [(row["day"], row["opens"], row["closes"]) for row in hours if row["opens"] < "12"]
    assert mornings == [(day, "09:00", "12:00") for day in ("mon", "tue", "wed", "thu", "fri")]
    [afternoon] = [row for row in hours if row["opens"] >= "12"]
    assert afternoon["day"] in ("tue", "wed", "thu") and afternoon["note"]
    assert [row["weekday"] for row in hours] == sorted(row["weekday"] for row in hours)


def test_every_citizen_office_has_its_page(client):
    served = listing(client, "type=home.OfficePage&fields=office")
    assert sorted(page["office"]["id"] for page in served) == sorted(
        CitizenOffice.objects.values_list("pk", flat=True)
    )


def test_a_news_page_serves_its_body(client):
    [latest, *_] = listing(client, "type=home.NewsPage&order=-date")
    detail = client.get(f"{API}{latest['id']}/")
    assert detail.status_code == 200
    news = detail.json()
    assert news["title"] == "Orari degli Uffici di Cittadinanza"
    assert news["date"] and news["intro"]
    assert "dalle 9 alle 12" in news["body"]
    # A front end asks for links it can follow rather than wagtail's stored references.
    html = client.get(f"{API}{latest['id']}/?rich_text_format=html").json()["body"]
    offices = OfficeIndexPage.objects.get()
    assert f'href="{offices.url}"' in html


def test_seeding_again_adds_only_what_is_missing():
    need = NeedCategory.objects.get(code="care")
    new = CatalogueItem.objects.create(
        code="Z9.01",
        name="Servizio di prova",
        area=Area.ELDERLY,
        kind=InterventionKind.HOME,
        unit="hours",
        need_category=need,
    )
    CatalogueItem.objects.create(
        code="Z9.02",
        name="Servizio ritirato",
        area=Area.ELDERLY,
        kind=InterventionKind.HOME,
        unit="hours",
        need_category=need,
        active=False,
    )
    pages_before = ServicePage.objects.count()

    out = io.StringIO()
    call_command("seed_service_charter", stdout=out)

    assert ServicePage.objects.count() == pages_before + 1
    assert ServicePage.objects.get(item=new).live
    assert "1 " in out.getvalue()
    call_command("seed_service_charter", stdout=out)
    assert ServicePage.objects.count() == pages_before + 1


def test_editors_can_only_build_the_charter_tree():
    home = HomePage.objects.get()
    services = ServiceIndexPage.objects.get()
    assert set(HomePage.allowed_subpage_models()) == {
        ServiceIndexPage,
        OfficeIndexPage,
        NewsIndexPage,
    }
    assert not ServiceIndexPage.can_create_at(home)  # one charter per site
    assert not ServicePage.can_create_at(home)
    assert ServicePage.can_create_at(services)
    assert not NewsPage.can_create_at(services)
    assert ServicePage.allowed_subpage_models() == []


def test_the_regional_administrator_edits_and_publishes_the_charter(client, make_member):
    services = ServiceIndexPage.objects.get()
    page = ServicePage.objects.get(item__code="A1.01")
    admin = make_member(Role.REGIONAL_ADMIN)

    permissions = page.permissions_for_user(admin)
    assert permissions.can_edit() and permissions.can_publish()
    assert services.permissions_for_user(admin).can_add_subpage()

    client.force_login(admin)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    office = OfficePage.objects.first()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[office.pk])).status_code == 200
    add_news = reverse(
        "wagtailadmin_pages:add", args=["home", "newspage", NewsIndexPage.objects.get().pk]
    )
    assert client.get(add_news).status_code == 200


def test_an_operator_cannot_edit_the_charter(client, make_member):
    page = ServicePage.objects.get(item__code="A1.01")
    operator = make_member(Role.OPERATOR, zone_number=2)

    assert not page.permissions_for_user(operator).can_edit()
    client.force_login(operator)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code != 200


def test_a_catalogue_item_has_one_service_page_only(client, make_member):
    services = ServiceIndexPage.objects.get()
    item = CatalogueItem.objects.get(code="A1.01")
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    add = reverse("wagtailadmin_pages:add", args=["home", "servicepage", services.pk])

    response = client.post(
        add,
        {
            "title": "Doppione",
            "slug": "doppione",
            "item": item.pk,
            "documents-count": "0",
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert not ServicePage.objects.filter(slug="doppione").exists()
    assert response.context["form"].errors["item"]


def test_opening_hours_must_close_after_they_open():
    block = OpeningHoursBlock()
    value = block.to_python({"day": "mon", "opens": "12:00", "closes": "09:00", "note": ""})
    with pytest.raises(ValidationError):
        block.clean(value)
    value = block.to_python({"day": "mon", "opens": "09:00", "closes": "12:00", "note": ""})
    assert block.clean(value)["closes"] > block.clean(value)["opens"]
