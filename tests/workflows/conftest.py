import json

import pytest

from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from siso_platform.casework import procedures
from siso_platform.territory.models import SocialZone
from workflows.models import WorkflowDefinition
from workflows.publishing import publish
from workflows.streamfield import stream_from_graph


def text(it, en=""):
    return {"it": it, "en": en}


def task(key, next_, *, form=None, assignee=None, queue=False, deadline=None, title=None):
    return {
        "key": key,
        "kind": "task",
        "title": text(title or key),
        "form": form,
        "assignee": assignee or {"rule": "role", "role": "social_worker", "within": "zone"},
        "queue": queue,
        "deadline": deadline,
        "next": next_,
    }


def end(key="done"):
    return {"key": key, "kind": "end", "title": text("Fine")}


def make_definition(graph_steps, *, slug="prova", owner=None, based_on=None, title="Prova"):
    owner = owner or Organisation.objects.get(kind=OrganisationKind.REGION)
    graph = {"slug": slug, "title": text(title), "steps": graph_steps}
    definition = WorkflowDefinition.objects.filter(slug=slug).first() or WorkflowDefinition(
        slug=slug, title=title, owner=owner, based_on=based_on, live=False
    )
    definition.body = json.dumps(stream_from_graph(graph))
    definition.save()
    definition.save_revision()
    return definition


@pytest.fixture
def publish_steps(db):
    def make(steps, **kwargs):
        return publish(make_definition(steps, **kwargs))

    return make


@pytest.fixture
def social_worker(make_member):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)


@pytest.fixture
def operator(make_member):
    return make_member(Role.OPERATOR, zone_number=2)


@pytest.fixture
def zone_admin(make_member):
    return make_member(Role.ZONE_ADMIN, zone_number=2)


@pytest.fixture
def templates(db):
    """The seeded regional procedure templates, by slug."""
    return {version.definition.slug: version for version in procedures.seed()}


@pytest.fixture
def body_operator(make_member):
    """An operator of a registered third-sector body."""
    from siso_platform.thirdsector.models import ThirdSectorBody

    organisation = Organisation.objects.create(
        kind=OrganisationKind.THIRD_SECTOR_BODY,
        name="Cooperativa Sociale Il Girasole",
        tax_code="01234567897",
    )
    ThirdSectorBody.objects.create(
        organisation=organisation, legal_form="social_cooperative", runts_number="12345"
    )
    return make_member(Role.THIRD_SECTOR_OPERATOR, organisation=organisation)


def apply_for_accreditation(templates, body_operator):
    """The body applies to zone 2: a procedure about a body, so no person in its context."""
    from siso_platform.thirdsector.actions import apply_for_accreditation as apply

    accreditation = apply(
        by=body_operator,
        organisation=body_operator.memberships.get().organisation,
        zone=SocialZone.objects.get(number=2),
    )
    process = accreditation.process
    assert process.data["version"] == templates["accreditamento-terzo-settore"].pk
    assert process.data["context"]["subject"] is None
    return process
