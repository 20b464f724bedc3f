"""The platform's own page at `/`: its name, what it is, the way in for operators and the
service charter for citizens."""

import re

import pytest
from django.urls import reverse

from home import charter
from home.models import OfficeIndexPage, ServiceIndexPage
from siso_platform.accounts.models import Role

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("login")  # each role's home follows the sign-in (accounts/homes.py)


@pytest.fixture
def published_charter():
    charter.seed()
    return ServiceIndexPage.objects.live().get(), OfficeIndexPage.objects.live().get()


def test_a_visitor_finds_the_platform_the_charter_and_the_way_in(english_client, published_charter):
    services, offices = published_charter
    response = english_client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "SISO" in page and "Social information system" in page
    assert f'href="{services.url}"' in page and services.title in page
    assert f'href="{offices.url}"' in page
    assert f'href="{SIGN_IN}"' in page
    # Nothing of the operators' pages is offered to a visitor.
    assert reverse("casework:persons") not in page
    assert reverse("wagtailadmin_home") + '"' not in page


def test_without_a_published_charter_the_page_offers_only_the_way_in(english_client):
    page = english_client.get("/").content.decode()
    assert "For citizens" not in page
    assert f'href="{SIGN_IN}"' in page


def test_the_page_speaks_italian_by_default(client):
    page = client.get("/").content.decode()
    assert 'lang="it"' in page


def test_a_signed_in_operator_goes_to_the_work_area(client, make_member, published_charter):
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    page = client.get("/").content.decode()
    assert f'href="{reverse("casework:home")}"' in page
    assert f'href="{SIGN_IN}"' not in page


def test_a_regional_administrator_is_offered_the_administration_not_casework(client, make_member):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = client.get("/").content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' in page
    assert f'href="{reverse("casework:home")}"' not in page


def test_the_page_has_no_inline_script_or_style(client, published_charter):
    page = client.get("/").content.decode()
    # Scripts only as files (Bootstrap Italia's bundle), never inline.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "style=" not in page and "<style" not in page
