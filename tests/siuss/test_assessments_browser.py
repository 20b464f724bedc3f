"""The SINA and SINBA assessments filled in a real browser, at phone and desktop widths: a social
worker of the zone finds the person, starts the assessment from the questionnaires menu, answers
each step by clicking INPS's choices, submits; the answers are INPS's codes and, once the task
the submission queues has run, the person's flows carry them (a SINA block in PS-PSA-SINA; a
SINBA flow, pseudonymous, no longer blocked). No serious accessibility violation on any step,
no step wider than the screen."""

import datetime
from decimal import Decimal

import pytest
from lxml import etree
from playwright.sync_api import expect

from forms.models import Submission
from siso_platform.accounts.models import Organisation
from siso_platform.casework import actions as casework
from siso_platform.casework.models import CatalogueItem
from siso_platform.siuss import actions, rules, xml
from siso_platform.siuss.models import Flow, FlowKind, FlowState
from tests.browser import axe_violations

from ..factories import PersonFactory
from . import test_assessments
from .test_flows import _case, _minor_with_parents

# The fixtures of the assessments' tests: both published, Perugia an INPS ente, its worker.
seeded = test_assessments.seeded
perugia = test_assessments.perugia
worker = test_assessments.worker

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("assessments_browser")]

NS = {"c": xml.NAMESPACE}
SIZES = [(390, 844), (1366, 900)]
SINA = test_assessments.SINA
SINBA = test_assessments.SINBA


def _find_and_open(page, person) -> None:
    """From the persons' search to the person's social record, as the worker does."""
    page.goto("/casework/persons/")
    page.get_by_role("search").get_by_label("Codice fiscale o nome").fill(person.tax_code)
    page.get_by_role("search").get_by_role("button", name="Cerca").click()
    page.get_by_role("link", name=f"{person.last_name} {person.first_name}").click()
    page.get_by_role("heading", name=f"Cartella sociale: {person.last_name}", level=1).wait_for()


def _start(page, version, tax_code: str) -> None:
    """The menu's questionnaires, the assessment, the person's tax code (read on the record)."""
    page.wait_for_load_state("load")  # the menu's script is ready
    toggler = page.get_by_role("button", name="Mostra o nascondi il menu")
    if toggler.is_visible():  # a phone: the menu is folded
        toggler.click()
    page.locator("#main-menu").get_by_role("link", name="Questionari", exact=True).click()
    page.get_by_role("link", name=version.definition.title).click()
    page.get_by_label("Codice fiscale della persona").fill(tax_code)
    page.get_by_role("button", name="Inizia").click()
    page.wait_for_url("**/forms/drafts/**")


def _fits(page, width: int) -> None:
    """No wider than the screen, once the step's layout settles (it may still be laid out
    under load): a page that still overflows after 5 s fails."""
    page.wait_for_function(
        "width => document.documentElement.scrollWidth <= width", arg=width, timeout=5000
    )
    assert axe_violations(page) == []


def _answer(page, field: dict, value) -> None:
    """Click the choice whose label INPS documents for the code (a list past five choices is
    a drop-down: pick the label); type a date or a text."""
    box = page.locator(f'[data-key="{field["key"]}"]')
    expect(box).to_be_visible()  # shown live, once the answer it depends on is given
    if field["kind"] in ("choice", "multichoice"):
        labels = {choice["value"]: choice["label"]["it"] for choice in field["choices"]}
        select = box.locator("select")
        for code in value if isinstance(value, list) else [value]:
            if select.count():
                select.select_option(label=labels[code])
            else:
                box.get_by_label(labels[code], exact=True).check()
    else:
        box.locator("input").fill(value)


def _fill(page, version, answers: dict, width: int) -> None:
    """Every step in order, answering the questions `answers` names; then the review."""
    for step in version.schema["steps"]:
        current = page.locator('[aria-current="step"]')
        expect(current).to_have_text(step["title"]["it"])
        _fits(page, width)
        for field in step["fields"]:
            if field["key"] in answers:
                _answer(page, field, answers[field["key"]])
        page.get_by_role("button", name="Avanti").click()
    page.get_by_role("heading", name="Rivedi le risposte").wait_for()
    _fits(page, width)
    page.get_by_label("Ho verificato le risposte con la persona").check()


def _submit(page, capture) -> None:
    # The submission queues the person's flows once its transaction commits: run it here
    # (the test backend runs the task at once).
    with capture(execute=True) as callbacks:
        page.get_by_role("button", name="Invia").click()
        page.wait_for_url("**/forms/submissions/**")
    assert callbacks  # the task was queued
    page.get_by_text("Questionario inviato.").wait_for()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_social_worker_fills_the_sina_assessment_and_the_flow_carries_it(
    open_page,
    client,
    seeded,
    worker,
    perugia,
    django_capture_on_commit_callbacks,
    width,
    height,
):
    person = PersonFactory(last_name="Neri", first_name="Paola", sex="F")
    with django_capture_on_commit_callbacks(execute=True):
        benefit = casework.record_intervention(
            by=worker,
            case=_case(worker, person),
            person=person,
            item=CatalogueItem.objects.get(code="B1.03"),
            provider=Organisation.objects.get(municipality=perugia),
            starts_on=datetime.date(2026, 2, 1),
            quantity=Decimal("120"),
            status="active",
        )
    assert "<SINA" not in Flow.objects.get(intervention=benefit).xml
    version = seeded[rules.SINA_FORM]

    client.force_login(worker)
    page = open_page(client)
    page.set_viewport_size({"width": width, "height": height})
    _find_and_open(page, person)
    _start(page, version, person.tax_code)
    expect(page.get_by_text("Persona: Neri Paola")).to_be_visible()
    _fill(page, version, SINA, width)
    _submit(page, django_capture_on_commit_callbacks)

    submission = Submission.objects.get(version=version, subject=person)
    assert submission.submitted_by == worker
    assert submission.answers == SINA  # INPS's codes, not the labels clicked

    flow = Flow.objects.filter(intervention=benefit).order_by("pk").last()
    assert flow.state == FlowState.READY, flow.blocked_reason
    root = etree.fromstring(flow.xml.encode("utf-8"))
    assert xml.schema(FlowKind.PS_PSA_SINA).validate(root)
    sina = root.find("c:Beneficiario/c:PrestazioniSociali/c:SINA", NS)
    assert sina is not None
    for key in ("Mobilita", "AttivitaVitaQuotidiana", "DisturbiAreaCognitiva"):
        assert sina.get(key) == SINA[key], key
    for key in ("DisturbiComportamentali", "AreaReddituale", "AreaSupporto"):
        assert sina.get(key) == SINA[key], key
    assert sina.get("FonteDerivazioneInvalidita") == "1"
    assert sina.get("StrumentoValutazione") == SINA["StrumentoValutazione"]
    assert sina.get("NecessitaCureSanitarie") is None  # not answered: not sent
    needs = sina.findall("c:NecessitaInterventiSociali/c:CodicePrestazione", NS)
    assert [code.text for code in needs] == SINA["NecessitaInterventiSociali"]
    assert [code.text for code in sina.findall("c:InvaliditaCivile/c:InvCiv", NS)] == ["2", "6"]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_social_worker_fills_the_sinba_assessment_and_the_minors_flow_is_ready(
    open_page,
    client,
    seeded,
    worker,
    perugia,
    django_capture_on_commit_callbacks,
    width,
    height,
):
    child = _minor_with_parents(perugia)
    case = _case(worker, child)
    casework.record_intervention(
        by=worker,
        case=case,
        person=child,
        item=CatalogueItem.objects.get(code="B2.01"),
        provider=Organisation.objects.get(municipality=perugia),
        starts_on=datetime.date(2026, 2, 1),
        quantity=Decimal("48"),
        status="active",
    )
    assert actions.build_for_case(case).state == FlowState.BLOCKED  # no assessment yet
    version = seeded[rules.SINBA_FORM]

    client.force_login(worker)
    page = open_page(client)
    page.set_viewport_size({"width": width, "height": height})
    _find_and_open(page, child)
    _start(page, version, child.tax_code)
    _fill(page, version, SINBA, width)
    _submit(page, django_capture_on_commit_callbacks)

    submission = Submission.objects.get(version=version, subject=child)
    assert submission.answers == SINBA

    flow = Flow.objects.filter(case=case, kind=FlowKind.SINBA).order_by("pk").last()
    assert flow.state == FlowState.READY, flow.blocked_reason
    root = etree.fromstring(flow.xml.encode("utf-8"))
    assert xml.schema(FlowKind.SINBA).validate(root)
    sinba = root.find("c:SINBA", NS)
    assert (sinba.get("Disabilita"), sinba.get("TipoDisabilita")) == ("1", "3")
    assert (sinba.get("CondizioneMinore"), sinba.get("LuogoVita")) == ("3", "1")
    assert sinba.get("FonteSegnalazione") == "13"
    assert sinba.get("DataPrimaSegnalazione") == "01/2026"
    assert sinba.get("CodiceRegioneResidenzaMadre") == "10"
    assert sinba.get("TitoloStudioPadre") is None  # orphan of the father: not asked
    assert sinba.get("IDBeneficiario") == rules.beneficiary_id(child)
    for word in (child.tax_code, child.last_name, child.first_name, "Anna"):
        assert word not in flow.xml
    assert "CodiceFiscale" not in flow.xml and "Anagrafica" not in flow.xml
