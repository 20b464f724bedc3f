"""The seeded intake questionnaire (scheda-accesso) filled in the field app at phone size, offline,
through all its steps: prefilled from the person's record as the web prefills it, a household
member added in a repeatable group (the computed household size and minors follow it, and the
minors step appears), an address typed, conditional fields shown and hidden as on the web;
closed, reopened and queued offline, and stored once, with the answers the web would store.
A small questionnaire checks cascading selects (choice filters) and a ranking the same way."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from forms import registry
from forms.models import Submission
from forms.publishing import import_definition, publish
from forms.validation import validate
from siso_platform.accounts.models import Organisation, OrganisationKind
from siso_platform.audit.models import AuditEvent
from siso_platform.people.models import Household, HouseholdMembership
from tests.api.conftest import case, office, operator  # noqa: F401 (fixtures)
from tests.browser import ORIGIN, axe_violations
from tests.forms.schemas import intake_document, label

from .conftest import DESKTOP, PHONE
from .test_app_browser import first_visit, open_again, outbox, sign_in, wait_for_states

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fieldapp_browser")]

TODAY = datetime.date.today()
CHILD_BIRTH = TODAY.replace(year=TODAY.year - 9, day=1)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
UNEMPLOYED_SINCE = TODAY.replace(year=TODAY.year - 1, day=1)


def publish_document(document):
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    definition = import_definition(document, owner=region)
    publish(definition)
    return definition


@pytest.fixture
def intake(db):
    return publish_document(intake_document())


def web_prefill(version, person) -> dict:
    """What the web wizard prefills (forms/views.py start_draft), from the same sources."""
    values = {}
    for step in version.compiled.steps:
        for item in step.fields:
            source = registry.prefill_sources.get(item.spec.get("prefill") or "")
            if source is not None:
                value = source.resolve(person)
                if value not in (None, "", []):
                    values[item.key] = value
    return values


def progress(page, step, steps):
    expected = _("Step %(step)s of %(steps)s") % {"step": step, "steps": steps}
    page.wait_for_function(
        "(text) => document.querySelector('#questionnaire-progress').textContent === text",
        arg=expected,
    )


def move(page, button, title):
    page.click(button)
    page.wait_for_function(
        "(title) => document.querySelector('#questionnaire-step-title').textContent === title",
        arg=title,
    )


def next_step(page, title):
    move(page, "#questionnaire-next", title)


def value_is(page, selector, value):
    page.wait_for_function(
        "([selector, value]) => document.querySelector(selector).value === value",
        arg=[selector, value],
    )


def test_an_operator_fills_the_intake_offline_prefilled_and_it_is_stored_as_the_web_would(
    open_app,
    operator,  # noqa: F811
    case,  # noqa: F811
    intake,
    person_in_zone,
):
    person = case.person
    person.citizenship = "IT"
    person.phone = "075 1234567"
    person.save()
    # The person's household, with a spouse: the web prefills the members' rows from it.
    household = Household.objects.create(code="FS-APP", municipality=person.residence_municipality)
    spouse = person_in_zone(2, first_name="Anna", sex="F")
    for member, relation in ((person, "head"), (spouse, "spouse")):
        HouseholdMembership.objects.create(
            household=household, person=member, relation=relation, valid_from=TODAY.replace(day=1)
        )
    app = open_app(PHONE)
    page = first_visit(app)
    sign_in(page, {"user": operator, "person": person})
    # The sync read the person's prefill values: an audited read of the person.
    assert AuditEvent.objects.filter(
        action="view", person=person, actor=operator, purpose=_("questionnaire prefilled")
    ).exists()

    app.set_offline(True)
    page.click("#app-nav [data-screen=forms]")
    page.get_by_role("link", name="Scheda di accesso").click()
    page.wait_for_selector("#screen-questionnaire", state="visible")
    page.select_option("#questionnaire-person", str(person.pk))

    # Step 1: the record's values are there, the age follows the birth date.
    value_is(page, "#q-tax_code", person.tax_code)
    assert page.input_value("#q-last_name") == person.last_name
    assert page.input_value("#q-first_name") == person.first_name
    assert page.input_value("#q-birth_date") == person.birth_date.isoformat()
    assert page.input_value("#q-citizenship_kind") == "italian"
    assert page.input_value("#q-phone") == "075 1234567"
    age = TODAY.year - person.birth_date.year
    age -= (TODAY.month, TODAY.day) < (person.birth_date.month, person.birth_date.day)
    value_is(page, "#q-age", str(age))
    progress(page, 1, 4)  # no minors yet: the minors step is not shown
    # The residence permit is asked only of a non-EU citizen, as on the web.
    assert page.locator("[data-key=residence_permit]").is_hidden()
    page.select_option("#q-citizenship_kind", "non_eu")
    page.wait_for_selector("[data-key=residence_permit]", state="visible")
    page.select_option("#q-citizenship_kind", "italian")
    page.wait_for_selector("[data-key=residence_permit]", state="hidden")
    # The address: the web's sub-fields; a street without a municipality is refused.
    domicile = page.locator("[data-key=domicile]")
    domicile.get_by_label("Via", exact=True).fill("Via dei Priori")
    page.click("#questionnaire-next")
    assert page.locator("#q-domicile-error").inner_text() == _(
        "Enter at least the street and the municipality."
    )
    domicile.get_by_label("Numero civico", exact=True).fill("12")
    domicile.get_by_label("CAP", exact=True).fill("06123")
    domicile.get_by_label("Comune", exact=True).fill("Perugia")
    assert axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    next_step(page, "Nucleo familiare e abitazione")

    # Step 2: the spouse's row prefilled; a child added in a row; the computed size and
    # minors follow the rows.
    assert page.input_value("#q-members-0-member_name") == f"Anna {spouse.last_name}"
    assert page.input_value("#q-members-0-member_tax_code") == spouse.tax_code
    assert page.input_value("#q-members-0-relation") == "spouse"
    value_is(page, "#q-household_size", "2")
    value_is(page, "#q-has_minors", _("No"))
    page.get_by_role("button", name=_("Add a row")).click()
    page.wait_for_selector("#q-members-1-member_name")
    page.fill("#q-members-1-member_name", "Luca Rossi")
    page.fill("#q-members-1-member_birth_date", CHILD_BIRTH.isoformat())
    page.select_option("#q-members-1-relation", "child")
    value_is(page, "#q-household_size", "3")
    value_is(page, "#q-has_minors", _("Yes"))
    progress(page, 2, 5)  # the minors step is now part of the questionnaire
    # A third row, empty, removed again: the size counts rows with answers, as the server.
    page.get_by_role("button", name=_("Add a row")).click()
    page.wait_for_selector("#q-members-2-member_name")
    value_is(page, "#q-household_size", "3")
    page.get_by_role(
        "button", name=f"{_('Remove this row')} " + _("Row %(number)s") % {"number": 3}
    ).click()
    page.wait_for_selector("#q-members-2-member_name", state="detached")
    assert page.locator("[data-key=rent]").is_hidden()
    page.select_option("#q-tenure", "rented")
    page.wait_for_selector("[data-key=rent]", state="visible")
    page.fill("#q-rent", "450,50")
    page.select_option("#q-eviction", "false")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_text("Sovraffollamento", exact=True).click()  # the label, as a finger does
    assert page.get_by_label("Sovraffollamento").is_checked()
    assert axe_violations(page) == []
    next_step(page, "Minori")

    # Step 3, shown because of the minor.
    progress(page, 3, 5)
    page.select_option("#q-minors_school", "regular")
    page.select_option("#q-minors_court", "false")
    next_step(page, "Situazione economica")

    page.select_option("#q-work_status", "unemployed")
    page.wait_for_selector("[data-key=unemployed_since]", state="visible")
    page.fill("#q-unemployed_since", UNEMPLOYED_SINCE.isoformat())
    page.fill("#q-monthly_income", "700")
    page.select_option("#q-debts", "false")
    assert page.locator("[data-key=debts_amount]").is_hidden()
    next_step(page, "Richiesta e bisogno espresso")

    page.get_by_text("Economico", exact=True).click()
    page.fill("#q-request_text", "Chiede un aiuto per l'affitto")
    page.select_option("#q-urgency", "high")
    page.wait_for_selector("[data-key=urgency_reason]", state="visible")
    page.fill("#q-urgency_reason", "Sfratto imminente")
    page.select_option("#q-consent", "true")
    # 3 (income) + 2 (rent over 40% of income) + 1 (unemployed) + 1 (minors) + 1 (urgency)
    value_is(page, "#q-fragility_score", "8")
    # The documents handed in: a type the question does not take is refused on the device.
    page.set_input_files(
        "#q-documents", files=[{"name": "appunti.txt", "mimeType": "text/plain", "buffer": b"x"}]
    )
    page.click("#questionnaire-send")
    assert page.locator("#q-documents-error").inner_text() == _(
        "Upload a file of type %(types)s."
    ) % {"types": "pdf, jpg, png"}
    page.set_input_files(
        "#q-documents",
        files=[{"name": "carta-identita.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    assert axe_violations(page) == []
    page.close()  # closed before sending: the draft stays on the device, the file with it

    page = open_again(app, "/app/#questionnaire/scheda-accesso/1")
    page.wait_for_selector("#screen-questionnaire", state="visible")
    value_is(page, "#q-urgency_reason", "Sfratto imminente")
    kept = _("Kept with this draft: %(name)s. Choose another file to replace it.")
    assert page.locator("#q-documents-kept").inner_text() == kept % {"name": "carta-identita.pdf"}
    for title in ("Situazione economica", "Minori", "Nucleo familiare e abitazione"):
        move(page, "#questionnaire-back", title)
    assert page.input_value("#q-members-1-member_name") == "Luca Rossi"
    for title in ("Minori", "Situazione economica", "Richiesta e bisogno espresso"):
        move(page, "#questionnaire-next", title)
    page.click("#questionnaire-send")
    page.wait_for_selector("#screen-outbox", state="visible")
    assert outbox(page) == [_("pending")]
    page.close()

    page = open_again(app, "/app/#outbox")  # restarted, still offline
    wait_for_states(page, _("pending"))
    assert not Submission.objects.exists()
    app.set_offline(False)
    wait_for_states(page, _("sent"))

    submission = Submission.objects.get()
    assert (submission.subject_id, submission.entered_via) == (person.pk, "app")
    document = submission.answers["documents"]
    assert (document["name"], document["size"]) == ("carta-identita.pdf", len(PDF))
    assert default_storage.open(document["path"]).read() == PDF
    prefilled = web_prefill(submission.version, person)
    assert [row["relation"] for row in prefilled["members"]] == ["spouse"]
    typed = {
        **prefilled,
        "domicile": {
            "street": "Via dei Priori",
            "number": "12",
            "postcode": "06123",
            "municipality": "Perugia",
        },
        "members": [
            *prefilled["members"],
            {
                "member_name": "Luca Rossi",
                "member_birth_date": CHILD_BIRTH.isoformat(),
                "relation": "child",
            },
        ],
        "tenure": "rented",
        "rent": "450,50",
        "eviction": "false",
        "housing_problems": ["overcrowded"],
        "minors_school": "regular",
        "minors_court": "false",
        "work_status": "unemployed",
        "unemployed_since": UNEMPLOYED_SINCE.isoformat(),
        "monthly_income": "700",
        "debts": "false",
        "need_areas": ["economic"],
        "request_text": "Chiede un aiuto per l'affitto",
        "urgency": "high",
        "urgency_reason": "Sfratto imminente",
        "consent": "true",
        "documents": document,
    }
    expected = validate(submission.version.compiled, typed)
    assert expected.is_valid, expected.errors
    assert submission.answers == expected.cleaned
    assert submission.answers["household_size"] == 3
    assert submission.answers["has_minors"] is True
    assert "residence_permit" not in submission.answers


def cascade_document() -> dict:
    """A province, its municipalities filtered by it (a cascading select), and a ranking."""
    title = label("Preferenze")

    def choice(value, **columns):
        return {
            "value": value,
            "label": label(value.title()),
            **({"columns": columns} if columns else {}),
        }

    fields = [
        {
            "key": "province",
            "kind": "choice",
            "label": label("Provincia"),
            "required": True,
            "choices": [choice("pg"), choice("tr")],
        },
        {
            "key": "municipality",
            "kind": "choice",
            "label": label("Comune"),
            "required": True,
            "choices": [
                choice("perugia", province="pg"),
                choice("assisi", province="pg"),
                choice("terni", province="tr"),
            ],
            "choice_filter": {"==": [{"var": "choice.province"}, {"var": "province"}]},
        },
        {
            "key": "priorities",
            "kind": "rank",
            "label": label("Priorità"),
            "required": True,
            "choices": [choice("casa"), choice("lavoro"), choice("salute")],
        },
        {"key": "where", "kind": "geopoint", "label": label("Luogo del colloquio")},
    ]
    return {
        **intake_document(),
        "slug": "preferenze",
        "title": title,
        "schema": {
            "slug": "preferenze",
            "title": title,
            "steps": [{"key": "uno", "title": label("Uno"), "fields": fields}],
        },
    }


def options_shown(page, selector):
    return page.eval_on_selector_all(
        f"{selector} option[data-choice]",
        "(nodes) => nodes.filter((n) => !n.hidden).map((n) => n.value)",
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_cascading_selects_and_a_ranking_are_applied_on_the_device_as_on_the_server(
    open_app,
    operator,  # noqa: F811
    case,  # noqa: F811
    viewport,
):
    publish_document(cascade_document())
    person = case.person
    app = open_app(viewport)
    page = first_visit(app)
    sign_in(page, {"user": operator, "person": person})
    app.set_offline(True)
    page.click("#app-nav [data-screen=forms]")
    page.get_by_role("link", name="Preferenze").click()
    page.wait_for_selector("#q-municipality")
    page.select_option("#questionnaire-person", str(person.pk))

    # The municipalities follow the province, as the server's choice filter does.
    assert options_shown(page, "#q-municipality") == []
    page.select_option("#q-province", "pg")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#q-municipality option[data-choice]')]"
        ".filter((n) => !n.hidden).length === 2"
    )
    assert options_shown(page, "#q-municipality") == ["perugia", "assisi"]
    page.select_option("#q-municipality", "assisi")
    # Another province: the municipality picked is left out, and so unpicked.
    page.select_option("#q-province", "tr")
    value_is(page, "#q-municipality", "")
    assert options_shown(page, "#q-municipality") == ["terni"]
    page.select_option("#q-municipality", "terni")

    # A ranking nobody ordered is no answer; moving a choice ranks it.
    page.click("#questionnaire-send")
    assert page.locator("#q-priorities-error").inner_text() == _("This field is required.")
    page.get_by_role("button", name=f"{_('Move up:')} Salute").click()
    assert page.locator("#q-priorities-ranked").is_checked()
    page.get_by_role("button", name=f"{_('Move up:')} Salute").click()
    assert page.locator("#q-priorities li").all_inner_texts()[0].startswith("Salute")
    # A position: typed, or the device's (no map: there may be no network).
    where = page.locator("[data-key=where]")
    where.get_by_label("Latitudine").fill("43,1")
    page.click("#questionnaire-send")
    assert page.locator("#q-where-error").inner_text() == _("Enter the latitude and the longitude.")
    app.context.grant_permissions(["geolocation"], origin=ORIGIN)
    app.context.set_geolocation({"latitude": 43.1107, "longitude": 12.3908, "accuracy": 15})
    where.get_by_role("button", name=_("Use my position")).click()
    expect(where.get_by_role("status")).to_have_text(_("Position found."))
    expect(where.get_by_label("Latitudine")).to_have_value("43,1107")
    expect(where.get_by_label("Longitudine")).to_have_value("12,3908")
    assert axe_violations(page) == []
    page.click("#questionnaire-send")
    page.wait_for_selector("#screen-outbox", state="visible")
    app.set_offline(False)
    wait_for_states(page, _("sent"))

    submission = Submission.objects.get()
    typed = {
        "province": "tr",
        "municipality": "terni",
        "priorities": ["salute", "casa", "lavoro"],
        "where": {"lat": "43,1107", "lon": "12,3908", "accuracy": "15"},
    }
    assert submission.answers == validate(submission.version.compiled, typed).cleaned
    # A municipality of another province is refused by the server as the device refuses it.
    wrong = validate(submission.version.compiled, {**typed, "municipality": "assisi"})
    assert "municipality" in wrong.errors
