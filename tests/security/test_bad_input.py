"""Bad input is the sender's mistake, told as such (400, naming the field), never a server error:
deeply nested or ambiguous JSON to the API, and saves that break a database constraint."""

import pytest
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.urls import include, path
from rest_framework.decorators import api_view
from rest_framework.response import Response

from definitions import strict_json
from siso_platform import integrity
from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from siso_platform.territory.models import CitizenOffice, Municipality

CHECKS = "/api/v1/eligibility-checks/"


@pytest.fixture
def worker_api(client, make_member):
    client.force_login(make_member(Role.SOCIAL_WORKER, zone_number=2))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def post_json(client, url, body: str):
    return client.post(url, body, content_type="application/json")


def test_deeply_nested_json_is_a_400_in_the_api_error_shape(worker_api, english):
    for depth in (33, 100_000):  # just past the limit, and past Python's recursion limit
        response = post_json(worker_api, CHECKS, "[" * depth + "]" * depth)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        errors = response.json()["errors"]
        assert any("Nested more than 32 levels deep." in found for found in errors.values())


def test_json_nested_within_the_limit_is_read(worker_api):
    nested = "[" * 31 + "1" + "]" * 31
    response = post_json(worker_api, CHECKS, f'{{"household": {nested}}}')
    # read, then refused by the serializer for what it is: not a household number
    assert response.status_code == 400
    assert "household" in response.json()["errors"]


def test_a_key_given_twice_is_a_400_naming_it(worker_api, english):
    response = post_json(worker_api, CHECKS, '{"household": 1, "household": 999999}')
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"household": ["The key “household” is given more than once."]}
    }
    nested = post_json(worker_api, CHECKS, '{"filters": [{"a": 1, "a": 2}]}')
    assert list(nested.json()["errors"]) == ["filters[0].a"]


def test_malformed_json_and_non_json_numbers_are_400(worker_api):
    for body in ('{"household": ', '{"household": NaN}', '{"household": Infinity}'):
        response = post_json(worker_api, CHECKS, body)
        assert response.status_code == 400, body
        assert list(response.json()["errors"]) == ["detail"]


def test_the_strict_reader_keeps_everything_else_as_json_does():
    text = '{"a": [1, 2.5, "x", null, true, {"b": {}}], "c": {"d": []}}'
    assert strict_json.loads(text) == {"a": [1, 2.5, "x", None, True, {"b": {}}], "c": {"d": []}}


# A write that reaches the database and breaks a unique constraint: the municipality's ISTAT
# code, which serializers and forms of the project do check; here nothing does.
def duplicate_municipality():
    perugia = Municipality.objects.get(name="Perugia")
    with transaction.atomic():  # as a view's save is
        Municipality.objects.create(
            name="Doppione",
            province=perugia.province,
            istat_code=perugia.istat_code,
            cadastral_code="Z999",
            population_2011=1,
            zone=perugia.zone,
        )


@api_view(["POST"])
def api_write(request):
    duplicate_municipality()
    return Response(status=201)


def web_write(request):
    duplicate_municipality()
    return HttpResponse(status=201)


urlpatterns = [
    path("api-write/", api_write),
    path("web-write/", web_write),
    path("", include("siso_platform.urls")),
]


@pytest.fixture
def with_writing_views(settings):
    settings.ROOT_URLCONF = __name__


def test_an_integrity_error_in_an_api_write_is_a_400_naming_the_field(
    worker_api, with_writing_views, english
):
    count = Municipality.objects.count()
    response = post_json(worker_api, "/api-write/", "{}")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"istat_code": ["Municipality with this ISTAT code already exists."]}
    }
    assert Municipality.objects.count() == count


def test_an_integrity_error_in_a_web_page_is_a_400_page_naming_the_field(
    worker_api, with_writing_views, english
):
    response = worker_api.post("/web-write/")
    assert response.status_code == 400
    assert "Municipality with this ISTAT code already exists." in response.content.decode()


def test_integrity_errors_are_described_by_their_fields(db, english):
    perugia = Municipality.objects.get(name="Perugia")
    with pytest.raises(IntegrityError) as unique, transaction.atomic():
        CitizenOffice.objects.create(municipality=perugia, name=perugia.offices.first().name)
    assert integrity.describe(unique.value) == {
        "detail": ["Citizen office with this Municipality and Name already exists."]
    }
    with pytest.raises(IntegrityError) as default, transaction.atomic():
        CitizenOffice.objects.create(municipality=perugia, name="Seconda sede", is_default=True)
    assert list(integrity.describe(default.value)) == ["municipality"]


def test_json_typed_in_an_admin_form_is_read_strictly(client, make_member, english):
    from django.urls import reverse

    from siso_platform.casework.models import CatalogueItem
    from siso_platform.monitoring.models import Programme

    client.force_login(make_member(Role.REGIONAL_ADMIN))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    owner = Organisation.objects.get(kind=OrganisationKind.REGION)
    form = {
        "title": "Contributo affitto",
        "slug": "contributo-affitto",
        "owner": owner.pk,
        "item": CatalogueItem.objects.get(code="E1.02").pk,
        "starts_on": "2026-01-01",
    }
    add = reverse("wagtailsnippets_monitoring_programme:add")
    deep = "[" * 5000 + "]" * 5000
    twice = '{"<=": [{"var": "isee"}, 15000], "<=": [{"var": "isee"}, 99000]}'
    for rule, message in (
        (deep, "Nested more than 32 levels deep."),
        (twice, "The key “<=” is given more than once."),
    ):
        response = client.post(add, {**form, "rule": rule})
        assert response.status_code == 200  # the editor again, with the text as typed
        assert response.context["form"].errors["rule"] == [message]
        assert rule in response.text.replace("&quot;", '"').replace("&lt;", "<")
    assert not Programme.objects.exists()
