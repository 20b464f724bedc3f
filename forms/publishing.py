"""Publishing questionnaires (the definition core's), and sharing them as files."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from definitions import documents
from definitions.documents import ImportRefused  # noqa: F401  (for callers)
from definitions.publishing import (  # noqa: F401  (the one implementation, for callers)
    PublishRefused,
    current,
    freeze,
    freeze_on_publish,
    publish,
)

from .models import FormDefinition
from .streamfield import stream_from_schema

EXPORT_FORMAT = "siso-form/1"


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


def read_export(content: str | bytes) -> dict:
    return documents.read(
        content,
        format=EXPORT_FORMAT,
        not_this=_("The file is not a questionnaire export (%s)."),
        required=("slug", "schema"),
    )


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
