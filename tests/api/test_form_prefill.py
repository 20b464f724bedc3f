"""`GET /api/v1/forms/prefill/`: what the published questionnaires are prefilled with, per person
the user may fill them about, from the web wizard's own sources; scoped and audited."""

import pytest
from django.utils.translation import gettext as _

from forms.publishing import import_definition, publish
from forms.views import start_draft
from siso_platform.accounts.models import Organisation, OrganisationKind
from siso_platform.audit.models import AuditEvent
from tests import factories
from tests.api.test_app_writes import app  # noqa: F401 (fixture)
from tests.forms.schemas import intake_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(db):
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    definition = import_definition(intake_document(), owner=region)
    publish(definition)
    return definition.versions.get()


def rows(client) -> dict:
    response = client.get("/api/v1/forms/prefill/?page_size=200")
    assert response.status_code == 200, response.content
    return {row["person"]: row["values"] for row in response.json()["results"]}


def test_the_app_gets_the_values_the_web_prefills_for_the_persons_in_reach_and_each_is_audited(
    app,  # noqa: F811
    operator,
    person_in_zone,
    intake,
):
    here = person_in_zone(2, citizenship="DE", phone="075 1234567")
    there = person_in_zone(5)
    values = rows(app)
    assert there.pk not in values  # out of reach: not listed
    assert values[here.pk] == {
        "person.tax_code": here.tax_code,
        "person.last_name": here.last_name,
        "person.first_name": here.first_name,
        "person.birth_date": here.birth_date.isoformat(),
        "person.phone": "075 1234567",
        "person.citizenship_kind": "eu",
    }
    # The same values the web wizard starts from, field by field.
    web = start_draft(intake, here, operator).state["extra_data"]["prefill"]
    by_source = {
        item.key: values[here.pk][item.spec["prefill"]]
        for step in intake.compiled.steps
        for item in step.fields
        if item.spec.get("prefill") in values[here.pk]
    }
    assert by_source == web
    assert AuditEvent.objects.filter(
        action="view", person=here, actor=operator, purpose=_("questionnaire prefilled")
    ).exists()
    assert not AuditEvent.objects.filter(person=there).exists()


def test_without_a_published_questionnaire_that_prefills_nothing_is_read(
    app,  # noqa: F811
    person_in_zone,
):
    person = person_in_zone(2)
    assert rows(app)[person.pk] == {}
    assert not AuditEvent.objects.filter(purpose=_("questionnaire prefilled")).exists()


def test_with_mine_only_the_persons_followed_are_read(
    app,  # noqa: F811
    operator,
    office,
    person_in_zone,
    intake,
):
    """The app asks for the persons it keeps: a zone's other persons are not read, nor audited."""
    followed = factories.taken_in_charge(operator, person_in_zone(2), "Affitto", office).person
    other = person_in_zone(2)
    assert other.pk in rows(app)  # in reach
    read_before = AuditEvent.objects.filter(person=other).count()
    response = app.get("/api/v1/forms/prefill/?page_size=200&mine=true")
    assert response.status_code == 200
    assert [row["person"] for row in response.json()["results"]] == [followed.pk]
    assert AuditEvent.objects.filter(person=other).count() == read_before
