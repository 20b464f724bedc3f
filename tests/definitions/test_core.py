"""The definition core: questionnaires, procedures, programmes and indicators are versioned,
published and adapted by zones the same way (issue 20, "one definition core")."""

import json

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from definitions.models import ImmutableError
from definitions.publishing import PublishRefused, publish
from forms.models import FormDefinition
from forms.publishing import import_definition
from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from siso_platform.monitoring import publishing as rule_publishing
from siso_platform.monitoring.models import Programme
from tests.forms.schemas import intake_document
from tests.workflows.conftest import make_definition
from tests.workflows.test_admin import REVIEW
from workflows.models import WorkflowDefinition


@pytest.fixture
def region(db):
    return Organisation.objects.get(kind=OrganisationKind.REGION)


@pytest.fixture
def zone2(db):
    return Organisation.objects.get(zone__number=2)


@pytest.fixture
def questionnaire(region):
    definition = import_definition(intake_document(), owner=region)
    definition.description = "Scheda regionale"
    definition.shared_with_partners = True
    definition.save()
    definition.save_revision()
    publish(definition)
    return definition


@pytest.fixture
def procedure(region):
    return make_definition(REVIEW["steps"], slug="revisione", title="Revisione")


def rule_document(rule, slug="sostegno-affitto"):
    return {
        "format": rule_publishing.EXPORT_FORMAT,
        "kind": "programme",
        "slug": slug,
        "title": "Sostegno affitto",
        "item": "E1.02",
        "starts_on": "2026-01-01",
        "ends_on": None,
        "rule": rule,
    }


def all_three(questionnaire, procedure, region):
    programme = rule_publishing.save(rule_document({"<=": [{"var": "isee"}, 15000]}), owner=region)
    return [questionnaire, procedure, programme]


def test_every_kind_publishes_a_new_version_only_when_its_content_changed(
    questionnaire, procedure, region
):
    for definition in all_three(questionnaire, procedure, region):
        first = publish(definition)
        again = publish(definition)  # nothing changed: the same version
        assert again.pk == first.pk
        assert definition.versions.count() == first.number
        first.published_by = None
        with pytest.raises(ImmutableError):  # a published version never changes
            first.save()
        assert first.content == getattr(first, type(first).content_field)


def test_a_rule_reading_an_unknown_fact_is_refused_and_leaves_no_version(region):
    programme = rule_publishing.save(rule_document({">": [{"var": "isse"}, 0]}), owner=region)
    with pytest.raises(PublishRefused) as refused:
        publish(programme)
    assert "isse" in str(refused.value)
    assert programme.versions.count() == 0
    assert not Programme.objects.get(pk=programme.pk).live


@pytest.mark.parametrize(
    ("kind", "tools", "model"),
    [
        ("questionnaire", "forms_admin", FormDefinition),
        ("procedure", "workflows_admin", WorkflowDefinition),
    ],
)
def test_a_zone_variant_is_created_by_choosing_the_zone_only(
    kind, tools, model, request, client, make_member, zone2
):
    template = request.getfixturevalue(kind)
    if kind == "procedure":
        publish(template)
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    url = reverse(f"{tools}:variant", args=[template.pk])
    page = client.get(url).content.decode()
    assert 'name="slug"' not in page.replace('type="hidden" name="slug"', "")
    assert 'type="hidden" name="slug"' in page  # no slug to type
    assert client.post(url, {"owner": zone2.pk}).status_code == 302
    variant = model.objects.get(based_on=template, owner=zone2)
    assert variant.slug.startswith(template.slug) and variant.slug != template.slug
    assert variant.based_on_version == template.latest_version
    assert variant.title == template.title and variant.description == template.description
    copied = variant.get_latest_revision_as_object().version_content()
    assert copied["steps"] == template.latest_version.content["steps"]
    # a second variant for the same zone gets a slug of its own, not an error
    assert client.post(url, {"owner": zone2.pk}).status_code == 302
    slugs = set(model.objects.filter(based_on=template).values_list("slug", flat=True))
    assert len(slugs) == 2


def test_a_questionnaire_variant_inherits_who_reads_its_answers(
    questionnaire, client, make_member, zone2
):
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    client.post(reverse("forms_admin:variant", args=[questionnaire.pk]), {"owner": zone2.pk})
    variant = FormDefinition.objects.get(based_on=questionnaire)
    assert variant.shared_with_partners is True


def test_a_variant_slug_sent_by_a_script_must_be_free(questionnaire, client, make_member, zone2):
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    response = client.post(
        reverse("forms_admin:variant", args=[questionnaire.pk]),
        {"owner": zone2.pk, "slug": questionnaire.slug},
    )
    assert response.status_code == 200
    message = gettext("“%s” is taken by another definition.") % questionnaire.slug
    assert escape(message) in response.content.decode()
    assert not FormDefinition.objects.filter(based_on=questionnaire).exists()


def test_a_version_reads_as_json_for_those_who_may_view_it_only(questionnaire, client, make_member):
    version = questionnaire.latest_version
    url = reverse("forms_admin:version_json", args=[version.pk])
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    assert json.loads(client.get(url).content) == version.schema
    client.force_login(make_member(Role.OPERATOR, zone_number=2))  # no admin: sent away
    refused = client.get(url)
    assert refused.status_code == 302 and refused["Content-Type"].startswith("text/html")
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    assert (
        client.get(reverse("forms_admin:version_json", args=[version.pk + 999])).status_code == 404
    )
