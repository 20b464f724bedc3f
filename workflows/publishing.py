"""Freezing a definition's content into an immutable version (and its viewflow flow)."""

from __future__ import annotations

from django.db import transaction

from forms.models import FormVersion

from . import graph as g
from . import registry
from .host import host
from .models import WorkflowDefinition, WorkflowVersion


class PublishRefused(Exception):
    def __init__(self, found):
        self.problems = found
        super().__init__("; ".join(str(problem) for problem in found))


def known() -> g.Known:
    """What a graph may refer to: published questionnaires, roles, groups and actions."""
    return g.Known(
        forms=set(
            FormVersion.objects.newest_published().values_list("definition__slug", flat=True)
        ),
        roles=set(host().roles()),
        groups=host().groups(),
        actions=set(registry.actions),
    )


def problems(definition: WorkflowDefinition):
    return g.problems(definition.graph, known())


def freeze(definition: WorkflowDefinition, user=None) -> WorkflowVersion:
    """Create the next version from the definition's content, unless it equals the latest.

    Called when wagtail publishes the definition; refuses content that fails the checks.
    """
    found = problems(definition)
    if found:
        raise PublishRefused(found)
    graph = g.normalise(definition.graph)
    with transaction.atomic():
        latest = (
            WorkflowVersion.objects.select_for_update()
            .filter(definition=definition)
            .order_by("-number")
            .first()
        )
        if latest is not None and latest.graph == graph:
            return latest
        return WorkflowVersion.objects.create(
            definition=definition,
            number=(latest.number + 1) if latest else 1,
            graph=graph,
            published_by=user if getattr(user, "pk", None) else None,
        )


def freeze_on_publish(sender, instance, revision=None, **kwargs):
    freeze(instance, user=getattr(revision, "user", None))


def publish(definition: WorkflowDefinition, user=None) -> WorkflowVersion:
    """Publish the latest saved revision (as the admin's button does) and return its version."""
    revision = definition.latest_revision or definition.save_revision(user=user)
    found = problems(revision.as_object())
    if found:
        raise PublishRefused(found)
    revision.publish(user=user, skip_permission_checks=True)
    definition.refresh_from_db()
    return definition.versions.order_by("-number").first()


def current(definition: WorkflowDefinition) -> WorkflowDefinition:
    """The definition as last saved in the editor (a draft may be newer than the live copy)."""
    return definition.get_latest_revision_as_object()
