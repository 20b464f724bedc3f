"""A questionnaire version withdrawn while answers to it wait in the outbox: the app keeps the
version for the refused draft, opens it, and copies its answers into the current version."""

import pytest
from django.utils.translation import gettext as _

from forms.models import Submission
from forms.publishing import import_definition, publish
from siso_platform.accounts.models import Organisation, OrganisationKind
from tests.api.conftest import case, office, operator  # noqa: F401 (fixtures)
from tests.browser import axe_violations

from .conftest import PHONE
from .test_app_browser import wait_for_states
from .test_app_questionnaires import (  # noqa: F401 (fixtures)
    BIRTH,
    fill_first_step,
    open_questionnaire,
    sent_after_withdrawal,
    visit,
    visit_document,
)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fieldapp_browser")]


def wait_until_kept(page, form_id):
    """Until the device's working set holds `form_id` as a version kept for a draft."""
    for _attempt in range(50):
        kept = page.evaluate(
            """async () => {
                const database = await idb.openDB("siso-app");
                const forms = await database.getAll("forms");
                database.close();
                return forms.filter((form) => form.withdrawn).map((form) => form.id);
            }"""
        )
        if form_id in kept:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{form_id} was not kept")


def edit_refused(page):
    page.goto("/app/#outbox")
    item = page.locator("#outbox-list li[data-state=refused]")
    item.get_by_role("button", name=_("Correct and send again")).click()
    page.wait_for_selector("#screen-questionnaire", state="visible")
    page.wait_for_selector("#q-birth_date")


def test_a_refused_draft_of_a_withdrawn_version_is_copied_into_the_current_one(
    open_app,
    operator,  # noqa: F811
    case,  # noqa: F811
    visit,  # noqa: F811
):
    page = sent_after_withdrawal(open_app, operator, case, visit)
    person = case.person
    page.reload()  # a later sync: the server no longer lists the version
    page.wait_for_selector("#outbox-list li[data-state=refused]")
    wait_until_kept(page, "visita-domiciliare/1")  # the version, marked as withdrawn

    edit_refused(page)  # the version is kept for the draft, and opens with its answers
    assert page.input_value("#q-birth_date") == BIRTH.isoformat()
    assert page.locator("#questionnaire-copy").is_hidden()  # nothing current to copy into
    alone = _(
        "Version %(version)s of this questionnaire is no longer published and there is no "
        "current version: it is kept on this device for your draft, which you may copy or "
        "discard."
    ) % {"version": 1}
    page.wait_for_function(
        "(notice) => document.querySelector('#app-notice').textContent === notice", arg=alone
    )

    # A new version is published; the next sync brings it.
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    document = visit_document()
    document["schema"]["steps"][1]["title"] = {"it": "La richiesta", "en": "The request"}
    current = publish(import_definition(document, owner=region))
    assert current.number == 2
    page.goto("/app/#forms")
    page.reload()
    page.wait_for_selector("#forms-list a[href='#questionnaire/visita-domiciliare/2']")
    assert page.locator("#forms-list a").count() == 1  # the kept version is not offered

    edit_refused(page)
    copy = page.locator("#questionnaire-copy")
    copy.wait_for(state="visible")
    withdrawn = _(
        "Version %(version)s of this questionnaire is no longer published: it is kept on "
        "this device for your draft. Copy your answers into the current version to send "
        "them."
    ) % {"version": 1}
    page.wait_for_function(
        "(notice) => document.querySelector('#app-notice').textContent === notice",
        arg=withdrawn,
    )
    assert axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    copy.click()
    page.wait_for_function("() => location.hash.startsWith('#questionnaire/visita-domiciliare/2')")
    page.wait_for_function(
        "(birth) => document.querySelector('#q-birth_date')?.value === birth",
        arg=BIRTH.isoformat(),
    )
    page.click("#questionnaire-next")
    page.wait_for_selector("#q-urgency")
    assert page.input_value("#q-urgency") == "low"
    page.click("#questionnaire-send")
    page.wait_for_selector("#screen-outbox", state="visible")
    wait_for_states(page, _("sent"))  # the refused item gave way to the copy
    submission = Submission.objects.get()
    assert (submission.version.number, submission.subject_id) == (2, person.pk)
    assert submission.answers["urgency"] == "low"
    assert submission.answers["birth_date"] == BIRTH.isoformat()
