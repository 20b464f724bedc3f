"""Freezing a definition's content into an immutable version, and sharing it as a file."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils.translation import gettext as _

from . import strict_json
from .checks import Problem, problems
from .models import FormDefinition, FormVersion
from .streamfield import stream_from_schema

EXPORT_FORMAT = "siso-form/1"


class PublishRefused(Exception):
    def __init__(self, found: list[Problem]):
        self.problems = found
        super().__init__("; ".join(str(problem) for problem in found))


def freeze(definition: FormDefinition, user=None) -> FormVersion:
    """Create the next version from the definition's content, unless it equals the latest.

    Called when wagtail publishes the definition; refuses content that fails the checks.
    """
    schema = definition.schema
    found = problems(schema)
    if found:
        raise PublishRefused(found)
    with transaction.atomic():
        latest = (
            FormVersion.objects.select_for_update()
            .filter(definition=definition)
            .order_by("-number")
            .first()
        )
        if latest is not None and latest.schema == schema:
            return latest
        return FormVersion.objects.create(
            definition=definition,
            number=(latest.number + 1) if latest else 1,
            schema=schema,
            published_by=user if getattr(user, "pk", None) else None,
        )


def publish(definition: FormDefinition, user=None) -> FormVersion:
    """Publish the latest saved revision (as the admin's button does) and return its version."""
    revision = definition.latest_revision or definition.save_revision(user=user)
    found = problems(revision.as_object().schema)
    if found:
        raise PublishRefused(found)
    revision.publish(user=user, skip_permission_checks=True)
    return definition.versions.order_by("-number").first()


def current(definition: FormDefinition) -> FormDefinition:
    """The definition as last saved in the editor (a draft may be newer than the live copy)."""
    return definition.get_latest_revision_as_object()


def export_definition(definition: FormDefinition) -> str:
    """One JSON file holding the definition's current content, to share with another zone."""
    definition = current(definition)
    document = {
        "format": EXPORT_FORMAT,
        "slug": definition.slug,
        "title": {"it": definition.title, "en": definition.title_en},
        "description": definition.description,
        "shared_with_partners": definition.shared_with_partners,
        "schema": definition.schema,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


class ImportRefused(ValueError):
    pass


def read_export(content: str | bytes) -> dict:
    try:
        document = strict_json.loads(content)
    except strict_json.Refused as error:
        raise ImportRefused(_("The file is not valid JSON: %s") % error.message) from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ImportRefused(_("The file is not a questionnaire export (%s).") % EXPORT_FORMAT)
    for key in ("slug", "schema"):
        if key not in document:
            raise ImportRefused(_("The file has no “%s”.") % key)
    return document


def import_definition(document: dict, *, owner, user=None, slug: str | None = None, based_on=None):
    """Create or update a definition from an export (or an XLSForm's schema) as a draft.

    Existing content is kept as a revision, so an import can be undone from the history.
    `based_on`: the regional template a new zone variant adapts. It is set before the first
    revision, which is what the editor opens: set after, the first save would drop it.
    """
    schema = document["schema"]
    slug = slug or document["slug"]
    title = document.get("title") or schema.get("title") or {}
    definition = FormDefinition.objects.filter(slug=slug).first() or FormDefinition(
        slug=slug, owner=owner, live=False
    )
    definition.title = title.get("it") or slug
    definition.title_en = title.get("en") or ""
    definition.description = document.get("description", definition.description)
    definition.shared_with_partners = (
        document.get("shared_with_partners", definition.shared_with_partners) is True
    )
    definition.body = json.dumps(stream_from_schema(schema))
    if based_on is not None:
        definition.based_on, definition.based_on_version = based_on, based_on.latest_version
    if definition.pk is None:
        definition.save()
    definition.save_revision(user=user)
    return definition
