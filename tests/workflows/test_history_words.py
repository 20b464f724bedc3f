"""The process page's history reads in words: step titles, question and choice labels, the
way a decision went; never viewflow's node names or the stored codes."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from forms.publishing import import_definition
from forms.publishing import publish as publish_form
from siso_platform.accounts.models import Organisation, OrganisationKind
from tests.forms.schemas import label
from workflows import runtime

from .conftest import end, task, text


def _publish_assessment():
    schema = {
        "slug": "valutazione-prova",
        "title": label("Valutazione"),
        "steps": [
            {
                "key": "bisogni",
                "title": label("Bisogni"),
                "fields": [
                    {
                        "key": "assessed_needs",
                        "kind": "multichoice",
                        "label": {"it": "Bisogni rilevati", "en": "Needs found"},
                        "required": True,
                        "choices": [
                            {"value": "economic", "label": {"it": "Economico", "en": "Economic"}},
                            {"value": "housing", "label": {"it": "Abitativo", "en": "Housing"}},
                            {"value": "work", "label": {"it": "Lavoro", "en": "Work"}},
                        ],
                    }
                ],
            }
        ],
    }
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    publish_form(import_definition({"slug": schema["slug"], "schema": schema}, owner=region))


STEPS = [
    task(
        "valuta",
        "approva",
        form="valutazione-prova",
        assignee={"rule": "starter"},
        title="Valutazione sociale",
    ),
    task("approva", "esito", assignee={"rule": "starter"}, title="Approvazione del progetto"),
    {
        "key": "esito",
        "kind": "decision",
        "title": text("Progetto approvato?"),
        "branches": [
            {"when": {"var": "approva.approved"}, "next": "done", "label": text("Approvato")}
        ],
        "default": "done",
    },
    end(),
]


def test_the_history_shows_titles_and_labels_not_codes(
    client, publish_steps, operator, person_in_zone
):
    _publish_assessment()
    version = publish_steps(STEPS)
    process = runtime.start(version, user=operator, subject=person_in_zone(2))
    (assess,) = runtime.my_tasks(operator)
    runtime.complete(assess, operator, answers={"assessed_needs": ["economic", "housing"]})
    (approve,) = runtime.my_tasks(operator)
    runtime.complete(approve, operator, answers={"approved": True, "note": "va bene"})

    client.force_login(operator)
    with translation.override("it"):
        page = client.get(reverse("workflows:process", args=[process.pk])).content.decode()
        history = page.split(f"<h2>{_('History')}</h2>")[1].split("</table>")[0]
        assert "Begin" not in history and _("Started") in history
        assert "Valutazione sociale" in history and "Approvazione del progetto" in history
        assert "Bisogni rilevati" in history and "Economico, Abitativo" in history
        assert "economic" not in history and "assessed_needs" not in history
        assert "[&#x27;" not in history and "['" not in history
        assert "approved" not in history and _("Approved it") in history
        assert _("Decision") in history and "va bene" in history
        # the decision step says which way it went, by its branch's label
        assert "Progetto approvato?" in history and "Approvato" in history
        assert "<svg" in page and "Begin" not in page
