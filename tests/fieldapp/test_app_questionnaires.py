"""Questionnaires in the field app at phone size (390 by 844): filled offline one step at a time
with the web wizard's evaluator (conditions, computed values, hidden fields), kept as a draft
across a restart, queued in the outbox and stored once, as the web stores them."""

import datetime

import pytest
from django.utils.translation import gettext as _

from forms.models import FormDefinition, Submission
from forms.publishing import import_definition, publish
from forms.validation import validate
from siso_platform.accounts.models import Organisation, OrganisationKind
from siso_platform.casework.models import Access
from tests.api.conftest import case, office, operator  # noqa: F401 (fixtures)
from tests.browser import axe_violations
from tests.forms.schemas import intake_document

from .conftest import PHONE
from .test_app_browser import first_visit, open_again, outbox, sign_in, wait_for_states

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fieldapp_browser")]

SLUG = "visita-domiciliare"
BIRTH = datetime.date(1950, 3, 15)


def visit_document() -> dict:
    """Two steps built from the regional intake's own fields (its computed age, its conditions)
    and one hidden field."""
    intake = intake_document()
    fields = {f["key"]: f for step in intake["schema"]["steps"] for f in step["fields"]}
    hidden = {
        "key": "visit_kind",
        "kind": "hidden",
        "label": {"it": "Tipo di visita", "en": "Kind of visit"},
        "default": "domiciliare",
    }
    title = {"it": "Visita domiciliare", "en": "Home visit"}
    steps = [
        {
            "key": "persona",
            "title": {"it": "La persona", "en": "The person"},
            "fields": [
                fields[key] for key in ("birth_date", "age", "citizenship_kind", "residence_permit")
            ]
            + [hidden],
        },
        {
            "key": "richiesta",
            "title": {"it": "Richiesta", "en": "Request"},
            "fields": [fields["urgency"], fields["urgency_reason"]],
        },
    ]
    return {
        **intake,
        "slug": SLUG,
        "title": title,
        "schema": {"slug": SLUG, "title": title, "steps": steps},
    }


@pytest.fixture
def visit(db):
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    definition = import_definition(visit_document(), owner=region)
    publish(definition)
    return definition


def age_on(day: datetime.date) -> int:
    return day.year - BIRTH.year - ((day.month, day.day) < (BIRTH.month, BIRTH.day))


def register_access(page, person):
    page.click("#app-nav [data-screen=access]")
    page.wait_for_selector("#screen-access", state="visible")
    page.select_option("#access-person", str(person.pk))
    page.select_option("#access-channel", "home_visit")
    page.fill("#access-reason", "Visita a domicilio")
    page.select_option("#access-outcome", "information")
    page.click("#access-form button[type=submit]")
    page.wait_for_selector("#screen-outbox", state="visible")


def open_questionnaire(page):
    page.click("#app-nav [data-screen=forms]")
    page.wait_for_selector("#screen-forms", state="visible")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Visita domiciliare").click()
    page.wait_for_selector("#screen-questionnaire", state="visible")


def fill_first_step(page, person):
    page.select_option("#questionnaire-person", str(person.pk))
    page.fill("#q-birth_date", BIRTH.isoformat())
    # The computed age follows the birth date, live.
    page.wait_for_function(
        "(age) => document.querySelector('#q-age').value === age",
        arg=str(age_on(datetime.date.today())),
    )
    assert page.locator("[data-key=residence_permit]").is_hidden()
    page.select_option("#q-citizenship_kind", "non_eu")
    page.wait_for_selector("[data-key=residence_permit]", state="visible")
    page.select_option("#q-residence_permit", "valid")
    page.click("#questionnaire-next")
    page.wait_for_selector("#q-urgency")


def sent_after_withdrawal(open_app, user, opened, definition):
    """Answers sent offline to a version withdrawn before they reach the server: refused."""
    app = open_app(PHONE)
    page = first_visit(app)
    person = opened.person
    sign_in(page, {"user": user, "person": person})
    app.set_offline(True)
    open_questionnaire(page)
    fill_first_step(page, person)
    page.select_option("#q-urgency", "low")
    page.click("#questionnaire-send")
    page.wait_for_selector("#screen-outbox", state="visible")
    FormDefinition.objects.filter(pk=definition.pk).update(live=False)  # withdrawn meanwhile

    app.set_offline(False)
    page.wait_for_selector("#outbox-list li[data-state=refused]")
    return page


def test_an_operator_fills_a_questionnaire_offline_and_it_is_stored_once_as_the_web_would(
    open_app,
    operator,  # noqa: F811
    case,  # noqa: F811
    visit,
):
    app = open_app(PHONE)
    page = first_visit(app)
    person = case.person
    before = set(Access.objects.filter(person=person).values_list("pk", flat=True))
    sign_in(page, {"user": operator, "person": person})

    app.set_offline(True)
    register_access(page, person)
    open_questionnaire(page)
    assert page.locator("#questionnaire-title").inner_text() == "Visita domiciliare"
    assert page.locator("#questionnaire-progress").inner_text() == _(
        "Step %(step)s of %(steps)s"
    ) % {"step": 1, "steps": 2}
    assert page.locator("label[for=q-birth_date]").inner_text() == "Data di nascita"
    # Required answers missing: the step does not move on, and says why in Italian.
    page.click("#questionnaire-next")
    assert page.locator("#q-birth_date-error").inner_text() == _("This field is required.")
    assert page.locator("#questionnaire-person-error").inner_text() == _("This field is required.")
    assert axe_violations(page) == []
    fill_first_step(page, person)
    page.select_option("#q-urgency", "high")
    page.wait_for_selector("[data-key=urgency_reason]", state="visible")
    page.fill("#q-urgency_reason", "Vive sola, nessun aiuto")
    assert axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.close()  # the app is closed before sending: the draft stays on the device

    page = open_again(app, f"/app/#questionnaire/{SLUG}/1")
    page.wait_for_selector("#screen-questionnaire", state="visible")
    assert page.input_value("#q-urgency") == "high"
    assert page.input_value("#q-urgency_reason") == "Vive sola, nessun aiuto"
    page.click("#questionnaire-send")
    page.wait_for_selector("#screen-outbox", state="visible")
    assert outbox(page) == [_("pending"), _("pending")]
    page.close()

    page = open_again(app, "/app/#outbox")  # restarted, still offline
    wait_for_states(page, _("pending"), _("pending"))
    assert not Submission.objects.exists()
    app.set_offline(False)
    wait_for_states(page, _("sent"), _("sent"))

    access = Access.objects.filter(person=person).exclude(pk__in=before).get()
    assert access.entered_via == "app"
    submission = Submission.objects.get()
    assert (submission.subject_id, submission.entered_via) == (person.pk, "app")
    assert submission.answers["visit_kind"] == "domiciliare"  # the hidden field
    assert submission.answers["age"] == age_on(submission.submitted_at.date())  # computed
    assert submission.answers["residence_permit"] == "valid"
    typed = {
        "birth_date": BIRTH.isoformat(),
        "citizenship_kind": "non_eu",
        "residence_permit": "valid",
        "urgency": "high",
        "urgency_reason": "Vive sola, nessun aiuto",
    }
    assert submission.answers == validate(submission.version.compiled, typed).cleaned


def test_a_withdrawn_questionnaire_is_refused_in_italian_and_kept_as_a_draft(
    open_app,
    operator,  # noqa: F811
    case,  # noqa: F811
    visit,
):
    page = sent_after_withdrawal(open_app, operator, case, visit)
    item = page.locator("#outbox-list li")
    state = item.locator("[data-slot=state]").inner_text()
    reason = _(
        "The questionnaire “%(title)s” was withdrawn after you opened it: it "
        "takes no more answers. Keep them as a draft and fill the current one."
    ) % {"title": visit.title}
    assert state == _("refused: %(reason)s") % {"reason": reason}
    assert item.get_by_role("button", name=_("Copy")).is_visible()
    assert page.locator("#outbox-count").inner_text() == "(1)"
    assert not Submission.objects.exists()
    assert axe_violations(page) == []
