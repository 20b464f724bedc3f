"""Publishing a definition: its checked content frozen into the next immutable version."""

from __future__ import annotations

from django.db import transaction


class PublishRefused(Exception):
    def __init__(self, found: list):
        self.problems = found
        super().__init__("; ".join(str(problem) for problem in found))


def freeze(definition, user=None):
    """The next version from the definition's content, unless it equals the latest.

    Called when wagtail publishes the definition; refuses content that fails its checks.
    """
    found = definition.publish_problems()
    if found:
        raise PublishRefused(found)
    content = definition.version_content()
    versions = definition.versions.model
    with transaction.atomic():
        latest = (
            versions.objects.select_for_update()
            .filter(definition=definition)
            .order_by("-number")
            .first()
        )
        if latest is not None and latest.content == content:
            return latest
        return versions.objects.create(
            definition=definition,
            number=(latest.number + 1) if latest else 1,
            published_by=user if getattr(user, "pk", None) else None,
            **{versions.content_field: content},
        )


def freeze_on_publish(sender, instance, revision=None, **kwargs):
    """wagtail's `published` signal: connect it for each concrete definition model."""
    freeze(instance, user=getattr(revision, "user", None))


def publish(definition, user=None):
    """Publish the latest saved revision (as the admin's button does) and return its version."""
    revision = definition.latest_revision or definition.save_revision(user=user)
    found = revision.as_object().publish_problems()
    if found:
        raise PublishRefused(found)
    revision.publish(user=user, skip_permission_checks=True)
    definition.refresh_from_db()
    return definition.versions.order_by("-number").first()


def current(definition):
    """The definition as last saved in the editor (a draft may be newer than the live copy)."""
    return definition.get_latest_revision_as_object()
