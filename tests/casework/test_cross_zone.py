"""Issue 19: a person registered in another zone is not a dead end. An exact tax code shows
the register card (name and birth year, nothing else) to the zone's front line; an access
with a reason brings the person into the zone, is audited, and shows in both zones' record."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.casework import register_lookup, visibility
from siso_platform.casework.models import Access

pytestmark = pytest.mark.django_db

REASON = "Chiede il contributo affitto: serve verificare i sostegni già ricevuti"


@pytest.fixture(autouse=True)
def today():
    with freeze_time("2026-11-03 10:00"):
        yield


@pytest.fixture
def operator(make_member):
    """An operator of zone 5, where the person below does not live."""
    return make_member(Role.OPERATOR, zone_number=5)


@pytest.fixture
def office(operator):
    return operator.memberships.get().office


@pytest.fixture
def elsewhere(person_in_zone):
    """A person of zone 2, unknown to zone 5."""
    return person_in_zone(
        2,
        last_name="Fioravanti",
        first_name="Gemma",
        sex="F",
        address="Via Nascosta 12",
        phone="3331234567",
    )


def search(client, query):
    return client.get(reverse("casework:persons"), {"q": query})


def lookups(**filters):
    return AuditEvent.objects.filter(object_type=register_lookup.EVENT, **filters)


def card_url(person):
    return reverse("casework:register_access") + f"?code={person.tax_code}"


def access_data(office, **changes):
    return {
        "access-register_reason": REASON,
        "access-office": office.pk,
        "access-date": "2026-11-03",
        "access-channel": "in_person",
        "access-reason": "Richiesta di contributo per l'affitto",
        "access-outcome": "information",
        **{f"access-{name}": value for name, value in changes.items()},
    }


def test_an_exact_tax_code_shows_only_name_and_birth_year(english_client, operator, elsewhere):
    english_client.force_login(operator)
    response = search(english_client, elsewhere.tax_code.lower())
    assert response.context["results"] == []
    page = response.content.decode()
    assert "On the regional register" in page
    assert "Fioravanti Gemma" in page and f"<dd>{elsewhere.birth_date.year}</dd>" in page
    for hidden in (
        "Via Nascosta",
        "3331234567",
        elsewhere.birth_date.strftime("%d/%m/%Y"),
        elsewhere.residence_municipality.name,
        reverse("casework:person", args=[elsewhere.pk]),
    ):
        assert hidden not in page
    assert card_url(elsewhere) in page  # on to the access with a reason
    assert reverse("casework:new_person") + "?code=" not in page  # not a new person
    # Looked up, not read: the record stays closed and the lookup is audited.
    assert english_client.get(reverse("casework:person", args=[elsewhere.pk])).status_code == 404
    [event] = lookups()
    assert (event.actor, event.person_id, event.action) == (operator, elsewhere.pk, "view")
    assert event.detail == {"where": "search"}


@pytest.mark.parametrize("query", ["partial", "surname", "name and surname"])
def test_a_partial_code_or_a_name_finds_nobody_outside_the_zone(
    english_client, operator, elsewhere, query
):
    english_client.force_login(operator)
    typed = {
        "partial": elsewhere.tax_code[:15],
        "surname": "Fioravanti",
        "name and surname": "Gemma Fioravanti",
    }[query]
    page = search(english_client, typed).content.decode()
    assert "No person found among those you follow." in page
    assert "Fioravanti Gemma" not in page and "On the regional register" not in page
    assert not lookups().exists()


@pytest.mark.parametrize(
    "role", [Role.REGIONAL_ADMIN, Role.DATA_STEWARD, Role.THIRD_SECTOR_OPERATOR, Role.AUDITOR]
)
def test_the_region_stewards_bodies_and_auditors_get_no_card(
    english_client, make_member, elsewhere, role
):
    user = make_member(role, zone_number=5)
    assert visibility.register_card(user, elsewhere.tax_code) is None
    english_client.force_login(user)
    searched = search(english_client, elsewhere.tax_code)
    assert searched.status_code in (200, 403)
    assert b"Fioravanti" not in searched.content
    card = english_client.get(card_url(elsewhere))
    assert card.status_code == 403 and b"Fioravanti" not in card.content
    assert not lookups().exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.ZONE_ADMIN])
def test_social_workers_and_zone_administrators_get_the_card(make_member, elsewhere, role):
    user = make_member(role, zone_number=5)
    card = visibility.register_card(user, f" {elsewhere.tax_code.lower()} ")
    assert (card.last_name, card.birth_year) == ("Fioravanti", elsewhere.birth_date.year)


def test_a_person_already_followed_gets_no_card(make_member, elsewhere):
    zone2 = make_member(Role.OPERATOR, zone_number=2)
    assert visibility.register_card(zone2, elsewhere.tax_code) is None


def test_the_access_with_a_reason_opens_the_record_and_is_audited(
    english_client, operator, office, elsewhere
):
    english_client.force_login(operator)
    page = english_client.get(card_url(elsewhere))
    assert page.status_code == 200 and b"Fioravanti Gemma" in page.content
    assert b"Via Nascosta" not in page.content
    form = page.context["form"]
    assert not form.is_bound  # a clean form, the operator's office and today chosen
    assert (form["office"].value(), str(form["date"].value())) == (office.pk, "2026-11-03")

    response = english_client.post(card_url(elsewhere), access_data(office, intake=""))
    access = Access.objects.get(person=elsewhere)
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:access", args=[access.pk])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Access registered: your zone now follows the person."]
    assert (access.office, access.register_reason, access.recorded_by) == (office, REASON, operator)

    record = english_client.get(reverse("casework:person", args=[elsewhere.pk]))
    assert record.status_code == 200 and b"Via Nascosta" in record.content
    assert scoping.can_change_person(operator, elsewhere)
    event = AuditEvent.objects.get(purpose="brought into the zone by an access")
    assert (event.actor, event.person_id, event.object_type) == (
        operator,
        elsewhere.pk,
        "people.person",
    )
    assert event.detail == {
        "access": access.pk,
        "office": office.name,
        "reason": REASON,
        "brought_into_scope": True,
    }


def test_an_access_without_a_reason_is_refused_and_keeps_the_rest(
    english_client, operator, office, elsewhere
):
    english_client.force_login(operator)
    response = english_client.post(card_url(elsewhere), access_data(office, register_reason=" "))
    assert response.status_code == 200
    assert response.context["form"].errors["register_reason"] == [
        "Say why your office needs this person's record."
    ]
    assert b"Richiesta di contributo per l&#x27;affitto" in response.content
    assert not Access.objects.exists()
    assert not scoping.can_view_person(operator, elsewhere)


def test_zone_2_reads_the_access_made_in_zone_5(
    english_client, operator, office, elsewhere, make_member
):
    english_client.force_login(operator)
    english_client.post(card_url(elsewhere), access_data(office, intake=""))
    zone2 = Client(HTTP_ACCEPT_LANGUAGE="en")
    zone2.force_login(make_member(Role.OPERATOR, zone_number=2))
    page = zone2.get(reverse("casework:person", args=[elsewhere.pk])).content.decode()
    assert f"Access at {office.name}" in page
    assert '<time datetime="2026-11-03">03/11/2026</time>' in page
    assert str(office.municipality.zone) in page
    assert f"record needed: {REASON}" in page.replace("&#x27;", "'")


def test_the_card_page_without_a_card(english_client, operator, elsewhere, person_in_zone):
    english_client.force_login(operator)
    url = reverse("casework:register_access")
    assert english_client.get(url)["Location"] == reverse("casework:persons")
    assert english_client.get(url + "?code=RSSMRA80A01H501U").status_code == 404
    assert english_client.get(url + f"?code={elsewhere.tax_code[:15]}").status_code == 404
    mine = person_in_zone(5)
    followed = english_client.get(url + f"?code={mine.tax_code}")
    assert followed["Location"] == reverse("casework:new_access", args=[mine.pk])


def test_past_the_hourly_limit_the_register_shows_no_names(
    english_client, operator, person_in_zone, monkeypatch
):
    monkeypatch.setattr(register_lookup, "LIMIT", 2)
    first, second, third = (person_in_zone(2, last_name=n) for n in ("Alfa", "Bravo", "Charlie"))
    english_client.force_login(operator)
    for person in (first, second):
        assert person.last_name.encode() in search(english_client, person.tax_code).content
    paused = search(english_client, third.tax_code)
    assert b"Charlie" not in paused.content
    assert b"the register shows no names for a while" in paused.content
    assert english_client.get(card_url(third)).context["card"] is None
    # Who was already looked up stays readable; the fishing is in the audit log.
    assert b"Alfa" in search(english_client, first.tax_code).content
    assert AuditEvent.objects.filter(
        object_type=register_lookup.PAUSED, person_id=third.pk, actor=operator
    ).exists()
    with freeze_time("2026-11-03 11:01"):
        english_client.force_login(operator)  # the session ended after 30 idle minutes
        assert b"Charlie" in search(english_client, third.tax_code).content
