"""The platform's own sign-in page (/accedi/): each role lands on its own home, `next` is
followed only to the same site, the lockout and the second factor still apply; signing out
lands on the public home page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from siso_platform.accounts.homes import HOMES, home_url_name
from siso_platform.accounts.models import Role

from .conftest import PASSWORD, authenticator, code_now

SIGN_IN = "/accedi/"


def sign_in(client, user, password=PASSWORD, **data):
    return client.post(SIGN_IN, {"username": user.username, "password": password, **data})


# The mapping itself (pure).
@pytest.mark.parametrize(
    ("roles", "home"),
    [
        ({Role.OPERATOR}, "casework:home"),
        ({Role.SOCIAL_WORKER}, "casework:home"),
        ({Role.ZONE_ADMIN}, "casework:home"),
        ({Role.REGIONAL_ADMIN}, "monitoring:analysis"),
        ({Role.DATA_STEWARD}, "import_runs:index"),
        ({Role.THIRD_SECTOR_OPERATOR}, "thirdsector:body"),
        ({Role.AUDITOR}, "audit:index"),
        # several memberships: the front-line work first
        ({Role.AUDITOR, Role.SOCIAL_WORKER}, "casework:home"),
        ({Role.AUDITOR, Role.REGIONAL_ADMIN}, "monitoring:analysis"),
        (set(), "/"),
    ],
)
def test_each_role_has_its_home(roles, home):
    assert home_url_name(roles) == home


def test_every_role_has_a_home_and_a_superuser_without_a_role_configures():
    assert {role for role, _home in HOMES} == set(Role.values)
    assert home_url_name([], superuser=True) == "wagtailadmin_home"


# The page.
@pytest.fixture(autouse=True)
def _no_enforced_second_factor(settings):
    settings.SISO_2FA_REQUIRED = False  # the second factor has its own tests below


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.OPERATOR, "/casework/"),
        (Role.ZONE_ADMIN, "/casework/"),
        (Role.REGIONAL_ADMIN, "/monitoring/analysis/"),
        (Role.DATA_STEWARD, "/admin/imports/runs/"),
        (Role.AUDITOR, "/admin/audit/"),
    ],
)
def test_a_sign_in_lands_on_the_role_home_and_it_opens(member, client, role, home):
    response = sign_in(client, member(role))
    assert response.status_code == 302
    assert response["Location"] == home
    assert client.get(home, follow=True).status_code == 200


def test_a_third_sector_operator_lands_on_the_body_page_not_the_admin(member, client, body):
    user = member(Role.THIRD_SECTOR_OPERATOR, organisation=body.organisation)
    response = sign_in(client, user)
    assert response["Location"] == reverse("thirdsector:body")
    assert client.get(response["Location"]).status_code == 200
    # Sent to the admin, which they may not enter: back to their page, not into a loop.
    admin = client.get("/admin/")
    assert admin["Location"].startswith(SIGN_IN)
    assert client.get(admin["Location"])["Location"] == reverse("thirdsector:body")


def test_next_is_followed_only_within_the_site(member, client):
    operator = member(Role.OPERATOR)
    assert sign_in(client, operator, next="/casework/persons/")["Location"] == "/casework/persons/"
    client.logout()
    assert sign_in(client, operator, next="https://evil.example/")["Location"] == "/casework/"
    client.logout()
    assert sign_in(client, operator, next="//evil.example/x")["Location"] == "/casework/"


def test_a_page_that_needs_a_sign_in_sends_here_and_back(member, client):
    redirect = client.get("/casework/persons/")
    assert redirect["Location"] == f"{SIGN_IN}?next=/casework/persons/"
    page = client.get(redirect["Location"])
    assert page.status_code == 200
    assert 'name="next" value="/casework/persons/"' in page.content.decode()


def test_a_wrong_password_is_refused_on_the_page(member, client):
    refused = sign_in(client, member(Role.OPERATOR), "wrong")
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    assert refused.context["form"].non_field_errors()
    assert 'role="alert"' in refused.content.decode()


def test_the_lockout_applies_here_too(member, client):
    operator = member(Role.OPERATOR)
    for _ in range(10):
        sign_in(client, operator, "wrong")
    locked = sign_in(client, operator)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_enforced_role_enters_its_code_before_its_home(member, settings):
    settings.SISO_2FA_REQUIRED = True
    zone_admin = member(Role.ZONE_ADMIN)
    device = authenticator(zone_admin)
    with freeze_time(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)):
        client = Client()
        landed = sign_in(client, zone_admin)
        assert landed["Location"] == "/casework/"
        asked = client.get("/casework/")
        assert asked["Location"].startswith("/account/two-factor/verify/?next=/casework/")
        verified = client.post("/account/two-factor/verify/", {"code": code_now(device)})
        assert verified["Location"] == "/casework/"  # the role's home, not the admin
        assert client.get("/casework/").status_code == 200


def test_signing_out_is_a_post_and_lands_on_the_public_home(member, client):
    sign_in(client, member(Role.OPERATOR))
    assert client.get("/esci/").status_code == 405
    response = client.post("/esci/")
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_the_header_names_the_user_and_role_and_offers_sign_out(member, client):
    operator = member(Role.OPERATOR)
    operator.first_name, operator.last_name = "Lucia", "Verdi"
    operator.save()
    sign_in(client, operator)
    page = client.get("/casework/").content.decode()
    assert "Lucia Verdi" in page
    assert "Operatore ·" in page
    assert 'action="/esci/"' in page


def test_a_user_whose_membership_ended_lands_on_the_public_home(member, client):
    operator = member(Role.OPERATOR)
    operator.memberships.update(valid_to=datetime.date(2021, 1, 1))
    response = sign_in(client, operator)
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 302  # refused, and no error page
