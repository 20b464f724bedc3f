"""The regional procedure templates shipped with the platform, and the questionnaires they use.

Each graph (`graphs/*.json`) is a canonical workflow graph (docs/workflows.md) with a
`description`; each questionnaire (`questionnaires/*.json`) is a form export ("siso-form/1",
docs/forms.md). `seed()` imports and publishes them for the region: what already exists and
is published is left alone, so running it again (or after the region edited a template)
changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from forms import publishing as form_publishing
from forms.models import FormDefinition
from siso_platform.accounts.models import Organisation, OrganisationKind
from siso_platform.people.questionnaires import INTAKE_FORM
from workflows import publishing
from workflows.models import WorkflowDefinition, WorkflowVersion
from workflows.streamfield import stream_from_graph

HERE = Path(__file__).parent
GRAPHS = HERE / "graphs"
QUESTIONNAIRES = HERE / "questionnaires"

# In the order they are published: a questionnaire before the procedures that use it.
QUESTIONNAIRE_FILES = [
    INTAKE_FORM,  # scheda-accesso, seeded with the people package
    QUESTIONNAIRES / "registrazione_accesso.json",
    QUESTIONNAIRES / "esito_accesso.json",
    QUESTIONNAIRES / "valutazione_sociale.json",
    QUESTIONNAIRES / "progetto_personalizzato.json",
    QUESTIONNAIRES / "verifica_periodica.json",
    QUESTIONNAIRES / "chiusura_cartella.json",
    QUESTIONNAIRES / "domanda_accreditamento.json",
    QUESTIONNAIRES / "istruttoria_accreditamento.json",
    QUESTIONNAIRES / "rendicontazione_attivita.json",
]
TEMPLATE_FILES = [
    GRAPHS / "accesso_accoglienza.json",
    GRAPHS / "presa_in_carico.json",
    GRAPHS / "accreditamento_terzo_settore.json",
    GRAPHS / "revisione_rendicontazione.json",
]


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def region() -> Organisation:
    owner = Organisation.objects.filter(kind=OrganisationKind.REGION).order_by("pk").first()
    if owner is None:
        raise LookupError("No region organisation: load the territory first.")
    return owner


def _is_published(definition) -> bool:
    return definition is not None and definition.live and definition.versions.exists()


def seed_questionnaire(document: dict, *, owner, user=None):
    """Import and publish one questionnaire, unless its slug is already published.

    Returns the new version, or None when there was nothing to do.
    """
    definition = FormDefinition.objects.filter(slug=document["slug"]).first()
    if _is_published(definition):
        return None
    definition = form_publishing.import_definition(document, owner=owner, user=user)
    return form_publishing.publish(definition, user=user)


def seed_procedure(graph: dict, *, owner, user=None) -> WorkflowVersion:
    """Create and publish one procedure template, unless its slug is already published.

    Returns the procedure's newest version (the existing one when it was already there).
    """
    definition = WorkflowDefinition.objects.filter(slug=graph["slug"]).first()
    if _is_published(definition):
        return definition.latest_version
    if definition is None:
        definition = WorkflowDefinition(slug=graph["slug"], owner=owner, live=False)
    definition.title = graph["title"]["it"]
    definition.title_en = graph["title"].get("en") or ""
    definition.description = graph.get("description") or ""
    definition.body = json.dumps(stream_from_graph(graph))
    definition.save()
    definition.save_revision(user=user)
    version = publishing.publish(definition, user=user)
    definition.refresh_from_db()  # live now: publishing went through a copy of the revision
    return version


@transaction.atomic
def seed(owner=None, user=None) -> list[WorkflowVersion]:
    """Publish the template questionnaires and procedures; the procedures' versions, in order.

    Raises `forms.publishing.PublishRefused` or `workflows.publishing.PublishRefused` when a
    file does not pass its publish check (nothing is saved then).
    """
    owner = owner or region()
    for path in QUESTIONNAIRE_FILES:
        seed_questionnaire(read(path), owner=owner, user=user)
    return [seed_procedure(read(path), owner=owner, user=user) for path in TEMPLATE_FILES]
