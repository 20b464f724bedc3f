"""A photo attached to a person's record from the field app, at phone size: taken offline,
kept across a restart as a Blob in the outbox, sent once as multipart with the app as channel;
a file the server refuses stays as a draft with the Italian reason."""

import pytest
from django.utils.translation import gettext as _

from siso_platform.casework.models import RecordDocument
from tests.api.conftest import (  # noqa: F401 (fixtures)
    case,
    media,
    office,
    operator,
)
from tests.api.test_report_files import PNG
from tests.browser import axe_violations

from .conftest import PHONE
from .test_app_browser import first_visit, open_again, outbox, sign_in, wait_for_states

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fieldapp_browser")]

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def attach(page, person, *, title, name, mime, content):
    page.goto(f"/app/#person/{person.pk}")
    page.wait_for_selector("#screen-person", state="visible")
    page.click("#person-document")
    page.wait_for_selector("#screen-document", state="visible")
    page.fill("#document-title-input", title)
    page.select_option("#document-kind", "report")
    # what the phone's camera (or its files) gives the input
    page.set_input_files(
        "#document-file", files=[{"name": name, "mimeType": mime, "buffer": content}]
    )


def test_a_photo_attached_offline_arrives_once_with_its_bytes(open_app, operator, case, media):  # noqa: F811
    app = open_app()
    page = first_visit(app)
    person = case.person
    sign_in(page, {"user": operator, "person": person})
    app.set_offline(True)
    attach(
        page,
        person,
        title="Verbale della visita",
        name="verbale.png",
        mime="image/png",
        content=PNG,
    )
    assert page.input_value("#document-person") == str(person.pk)  # the card's person
    assert page.input_value("#document-case") == str(case.pk)  # and their case
    file_input = page.locator("#document-file")
    assert file_input.get_attribute("accept") == "image/*,application/pdf"
    assert file_input.get_attribute("capture") == "environment"
    assert axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("#document-form button[type=submit]")
    page.wait_for_selector("#screen-outbox", state="visible")
    assert outbox(page) == [_("pending")]
    assert "verbale.png" in page.locator("#outbox-list li").inner_text()
    page.close()

    page = open_again(app, "/app/#outbox")  # reopened, still offline
    wait_for_states(page, _("pending"))
    assert not RecordDocument.objects.exists()
    app.set_offline(False)
    wait_for_states(page, _("sent"))
    document = RecordDocument.objects.get()
    assert (document.person, document.case, document.title, document.kind) == (
        person,
        case,
        "Verbale della visita",
        "report",
    )
    assert (document.name, document.content_type, document.entered_via) == (
        "verbale.png",
        "image/png",
        "app",
    )
    assert document.file.read() == PNG
    page.reload()  # a later sync sends nothing again
    page.wait_for_selector("body[data-ready]", state="attached")
    wait_for_states(page, _("sent"))
    assert RecordDocument.objects.count() == 1


def test_a_refused_file_stays_as_a_draft_with_the_reason(open_app, operator, case, media):  # noqa: F811
    app = open_app()
    page = first_visit(app)
    person = case.person
    sign_in(page, {"user": operator, "person": person})
    app.set_offline(True)
    attach(page, person, title="Disegno", name="disegno.svg", mime="image/svg+xml", content=SVG)
    page.click("#document-form button[type=submit]")
    page.wait_for_selector("#screen-outbox", state="visible")

    app.set_offline(False)
    page.wait_for_selector("#outbox-list li[data-state=refused]")
    state = page.locator("#outbox-list li [data-slot=state]").inner_text()
    reason = _(
        "%(field)s: the file contains %(found)s markup, which is not accepted; "
        "upload a file of type %(accepted)s."
    ).split("%(found)s")[0] % {"field": _("file")}
    assert state.startswith(_("refused: %(reason)s") % {"reason": ""}) and reason in state
    assert not RecordDocument.objects.exists()
    assert axe_violations(page) == []

    # Corrected: the title and the kept file shown again; another photo replaces it.
    page.locator("#outbox-list li").get_by_role("button", name=_("Correct and send again")).click()
    page.wait_for_selector("#screen-document", state="visible")
    assert page.input_value("#document-title-input") == "Disegno"
    assert "disegno.svg" in page.locator("#document-form [data-slot=files-kept]").inner_text()
    page.set_input_files(
        "#document-file", files=[{"name": "foto.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.click("#document-form button[type=submit]")
    page.wait_for_selector("#screen-outbox", state="visible")
    wait_for_states(page, _("sent"))  # the refused item was replaced, not sent again
    document = RecordDocument.objects.get()
    assert (document.title, document.name, document.file.read()) == ("Disegno", "foto.png", PNG)
