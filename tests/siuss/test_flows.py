"""SIUSS flows built from the ledger: valid against INPS's XSDs by construction, blocked with
an Italian reason otherwise, numbered per ente and day, amended by C + I, never edited."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from lxml import etree

from siso_platform.accounts.demo_users import ensure_demo_users
from siso_platform.accounts.models import Organisation, Role
from siso_platform.casework import actions as casework
from siso_platform.casework import demo_data as casework_demo
from siso_platform.casework.models import CatalogueItem, NeedCategory
from siso_platform.people.models import Household, HouseholdMembership, Relation
from siso_platform.siuss import actions, rules, xml
from siso_platform.siuss import demo as siuss_demo
from siso_platform.siuss.models import Flow, FlowKind, FlowState, Operation
from siso_platform.territory.models import Municipality
from siso_platform.thirdsector import demo as thirdsector_demo

from ..factories import PersonFactory

TODAY = datetime.date(2026, 6, 15)
ID_FORMAT = re.compile(r"^[A-Z]\d{3}\.(PS|SINBA)\.\d{8}\.\d{7}$")


def _valid(flow: Flow) -> bool:
    return xml.schema(flow.kind).validate(etree.fromstring(flow.xml.encode("utf-8")))


@pytest.fixture
def perugia(db):
    municipality = Municipality.objects.get(name="Perugia")
    Organisation.objects.filter(municipality=municipality).update(tax_code="00163570542")
    return municipality


@pytest.fixture
def worker(make_member, perugia):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)


@pytest.fixture
def provider(perugia):
    return Organisation.objects.get(municipality=perugia)


def _case(worker, person, opened_on=datetime.date(2026, 1, 10)):
    office = worker.memberships.get().office
    access = casework.register_access(
        by=worker,
        office=office,
        person=person,
        channel="in_person",
        reason="Richiesta di aiuto",
        outcome="taking_in_charge",
        date=opened_on,
    )
    return casework.open_case(
        by=worker,
        person=person,
        office=office,
        access=access,
        opened_on=opened_on,
        needs=[NeedCategory.objects.get(code="economic")],
    )


@pytest.fixture
def benefit(worker, provider):
    person = PersonFactory(last_name="Rossi", first_name="Maria", sex="F")
    case = _case(worker, person)
    return casework.record_intervention(
        by=worker,
        case=case,
        person=person,
        item=CatalogueItem.objects.get(code="E1.01"),
        provider=provider,
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 7, 31),
        amount=Decimal("1800.00"),
        status="active",
    )


def test_a_benefit_builds_a_valid_insert_flow(benefit):
    flow = actions.build_for_intervention(benefit, today=TODAY)
    assert flow.state == FlowState.READY and _valid(flow)
    assert flow.id_flusso == "G478.PS.20260615.0000001"
    root = etree.fromstring(flow.xml.encode("utf-8"))
    ns = {"c": xml.NAMESPACE}
    assert root.find("c:IdentificazioneFlusso", ns).get("Nome") == flow.id_flusso
    ente = root.find("c:IdentificazioneFlusso/c:Ente", ns)
    assert (ente.get("Codice"), ente.get("CFOperatore")) == ("G478", "00163570542")
    assert ente.get("Denominazione") == "Comune di Perugia"
    person = root.find("c:Beneficiario", ns)
    assert person.get("CodiceFiscale") == benefit.person.tax_code
    registry = person.find("c:Anagrafica", ns)
    assert (registry.get("Genere"), registry.get("CodiceCittadinanza")) == ("2", "380")
    assert person.find("c:Indirizzo", ns).get("CodiceComune") == "054039"
    given = person.find("c:PrestazioniSociali", ns)
    assert given.get("TipoOperazione") == "I"
    # the item's code in INPS's table, named as the table names it (not the catalogue's E1.01)
    assert given.get("CodicePrestazione") == "A1.04"
    assert given.get("DenominazionePrestazione") == (
        "Contributi economici a integrazione del reddito Familiare"
    )
    assert given.get("PresenzaProvaMezzi") == "1"  # subject to ISEE
    assert given.get("CaratterePrestazione") == "1"
    assert (given.get("PresaCarico"), given.get("AreaUtenza")) == ("1", "3")
    assert given.get("DataInizioPrestazione") == "2026-02-01"
    assert given.get("DataFinePrestazione") == "2026-07-31"
    assert given.get("PeriodoErogazione") == "6"
    assert given.get("ImportoMensile") == "300.00"  # 1,800 euro over six months
    assert given.get("ImportoSogliaISEE") == "15000.00"
    assert given.find("c:SINA", ns) is None  # no SINA assessment


def test_the_same_benefit_built_again_adds_nothing(benefit):
    first = actions.build_for_intervention(benefit, today=TODAY)
    assert actions.build_for_intervention(benefit, today=TODAY) == first
    assert Flow.objects.count() == 1


def test_id_flusso_counts_per_ente_and_day(benefit, worker, provider):
    actions.build_for_intervention(benefit, today=TODAY)
    other = casework.record_intervention(
        by=worker,
        person=benefit.person,
        case=benefit.case,
        item=CatalogueItem.objects.get(code="E1.02"),
        provider=provider,
        starts_on=datetime.date(2026, 3, 1),
        amount=Decimal("600.00"),
        status="active",
    )
    second = actions.build_for_intervention(other, today=TODAY)
    assert second.id_flusso == "G478.PS.20260615.0000002"
    # the next day starts again from 1
    changed = casework.change_intervention(other, by=worker, amount=Decimal("650.00"))
    actions.build_for_intervention(changed, today=TODAY + datetime.timedelta(days=1))
    ids = list(Flow.objects.order_by("ts_ms").values_list("id_flusso", flat=True))
    assert all(ID_FORMAT.match(flow_id) for flow_id in ids)
    assert ids[2:] == ["G478.PS.20260616.0000001", "G478.PS.20260616.0000002"]
    stamps = list(Flow.objects.order_by("pk").values_list("ts_ms", flat=True))
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_an_amended_sent_benefit_is_cancelled_and_sent_again(benefit, worker):
    sent = actions.build_for_intervention(benefit, today=TODAY)
    Flow.objects.filter(pk=sent.pk).update(state=FlowState.SENT)
    sent_xml = sent.xml
    casework.change_intervention(
        benefit, by=worker, amount=Decimal("2400.00"), ends_on=datetime.date(2026, 8, 31)
    )
    newest = actions.build_for_intervention(benefit, today=TODAY)
    cancelling = Flow.objects.get(operation=Operation.CANCEL)
    assert cancelling.supersedes_id == sent.pk and newest.supersedes_id == sent.pk
    assert cancelling.ts_ms < newest.ts_ms
    assert _valid(cancelling) and _valid(newest)
    assert 'TipoOperazione="C"' in cancelling.xml
    assert xml.content(cancelling.xml) == xml.content(sent_xml)  # it cancels what was sent
    assert 'DataFinePrestazione="2026-08-31"' in newest.xml
    assert Flow.objects.get(pk=sent.pk).xml == sent_xml  # never edited


def test_a_sent_benefit_set_back_to_planned_is_cancelled(benefit, worker):
    sent = actions.build_for_intervention(benefit, today=TODAY)
    casework.change_intervention(benefit, by=worker, status="planned")
    cancelling = actions.build_for_intervention(benefit, today=TODAY)
    assert cancelling.operation == Operation.CANCEL and cancelling.supersedes_id == sent.pk
    assert _valid(cancelling)


def test_a_missing_inps_code_blocks_the_flow_with_an_italian_reason(benefit):
    CatalogueItem.objects.filter(code="E1.01").update(inps_code="")
    flow = actions.build_for_intervention(benefit, today=TODAY)
    assert flow.state == FlowState.BLOCKED
    assert flow.xml == "" and flow.id_flusso is None and flow.ts_ms is None
    with translation.override("it"):
        expected = translation.gettext("the catalogue item %(code)s has no INPS benefit code") % {
            "code": "E1.01"
        }
        record = translation.gettext("Benefit no. %(number)s (%(item)s)") % {
            "number": benefit.pk,
            "item": benefit.item,
        }
    assert expected in flow.blocked_reason and record in flow.blocked_reason
    assert "Traceback" not in flow.blocked_reason
    # fixed, then retried: the same flow leaves the worklist, numbered
    CatalogueItem.objects.filter(code="E1.01").update(inps_code="A1.04")
    assert actions.retry_blocked(today=TODAY) == 1
    flow.refresh_from_db()
    assert flow.state == FlowState.READY and flow.id_flusso and _valid(flow)


@pytest.mark.parametrize(
    ("code", "recorded"),
    [
        ("E1.03", {"amount": Decimal("150.00")}),  # utility bills: no clear match at INPS
        # Segretariato sociale, which INPS's A1.01 (Assegno per il nucleo familiare) is not
        ("A1.01", {"quantity": Decimal("6")}),
    ],
)
def test_a_benefit_of_an_item_without_an_inps_match_waits_on_the_worklist(
    worker, provider, code, recorded
):
    item = CatalogueItem.objects.get(code=code)
    assert item.inps_code == ""  # the seed maps only clear matches
    person = PersonFactory()
    intervention = casework.record_intervention(
        by=worker,
        case=_case(worker, person),
        person=person,
        item=item,
        provider=provider,
        starts_on=datetime.date(2026, 2, 1),
        status="active",
        **recorded,
    )
    flow = actions.build_for_intervention(intervention, today=TODAY)
    assert flow.state == FlowState.BLOCKED and flow.xml == ""
    with translation.override("it"):
        expected = translation.gettext("the catalogue item %(code)s has no INPS benefit code")
    assert expected % {"code": code} in flow.blocked_reason


def test_recording_a_benefit_queues_its_flow(worker, provider, django_capture_on_commit_callbacks):
    person = PersonFactory()
    case = _case(worker, person)
    with django_capture_on_commit_callbacks(execute=True):
        intervention = casework.record_intervention(
            by=worker,
            case=case,
            person=person,
            item=CatalogueItem.objects.get(code="B1.01"),
            provider=provider,
            starts_on=datetime.date(2026, 1, 15),
            quantity=Decimal("120"),
            status="active",
        )
    flow = Flow.objects.get(intervention=intervention)
    assert flow.state == FlowState.READY and _valid(flow)
    assert 'OreServizioMensile="' in flow.xml


def test_hours_are_written_as_hours_and_minutes():
    assert rules.hours_minutes(Decimal("12.5")) == "12.30"
    assert rules.hours_minutes(Decimal("3.999")) == "4.00"


def _minor_with_parents(perugia):
    household = Household.objects.create(code="FS-T1", municipality=perugia)
    since = datetime.date(2015, 1, 1)
    mother = PersonFactory(sex="F", first_name="Anna", birth_date=datetime.date(1985, 3, 3))
    child = PersonFactory(
        last_name="Verdi", first_name="Luca", birth_date=datetime.date(2015, 5, 5)
    )
    for person, relation in ((mother, Relation.HEAD), (child, Relation.CHILD)):
        HouseholdMembership.objects.create(
            household=household, person=person, relation=relation, valid_from=since
        )
    return child


SINBA_ANSWERS = {
    "MinoreStranieroNoAcc": "2",
    "CondizioneMinore": "1",
    "LuogoVita": "1",
    "ScuolaFrequentata": "5",
    "CondizioneLavoro": "1",
    "Disabilita": "2",
    "DataPrimaSegnalazione": "01/2026",
    "FonteSegnalazione": "13",
    "ValutazioneMinore": "2",
    "ValutazioneFamigliaMinore": "2",
    "SegnalazioneAutoritaGiudiziaria": "2",
    "ProvvedimentoGiudiziario": "2",
}


def _sinba_assessment(monkeypatch, child):
    """The minor's SINBA assessment, as its questionnaire will give it (INPS's codes)."""
    real = rules.assessment

    def assessment(person, slug):
        if slug == rules.SINBA_FORM and person.pk == child.pk:
            return dict(SINBA_ANSWERS)
        return real(person, slug)

    monkeypatch.setattr(rules, "assessment", assessment)


def test_a_minors_sinba_flow_is_pseudonymous_and_valid(perugia, worker, provider, monkeypatch):
    child = _minor_with_parents(perugia)
    case = _case(worker, child)
    casework.record_intervention(
        by=worker,
        case=case,
        person=child,
        item=CatalogueItem.objects.get(code="B2.01"),
        provider=provider,
        starts_on=datetime.date(2026, 2, 1),
        quantity=Decimal("48"),
        status="active",
    )
    waiting = actions.build_for_case(case, today=TODAY)
    assert waiting.state == FlowState.BLOCKED and waiting.xml == ""

    _sinba_assessment(monkeypatch, child)
    flow = actions.build_for_case(case, today=TODAY)
    assert flow.pk == waiting.pk and flow.state == FlowState.READY
    assert flow.kind == FlowKind.SINBA and _valid(flow)
    assert flow.id_flusso == "G478.SINBA.20260615.0000001"
    assert child.tax_code not in flow.xml
    for word in (child.last_name, child.first_name, "Anna"):
        assert word not in flow.xml
    key = (
        etree.fromstring(flow.xml.encode("utf-8"))
        .find(f"{{{xml.NAMESPACE}}}SINBA")
        .get("IDBeneficiario")
    )
    assert key == rules.beneficiary_id(child) and len(key) == 20
    assert "<ComposizioneFamiglia>1</ComposizioneFamiglia>" in flow.xml  # mother
    assert "<CodicePrestazione>A2.02</CodicePrestazione>" in flow.xml  # B2.01's INPS code


def test_every_demo_flow_validates_or_waits_with_its_reason(db, perugia):
    ensure_demo_users()
    thirdsector_demo.register()
    PersonFactory.create_batch(30)  # adults of Perugia
    _minor_with_parents(perugia)
    casework_demo.populate()
    counts = siuss_demo.populate()
    assert counts["ready"] >= 5 and counts["blocked"] >= 1
    unmapped = 0
    for flow in Flow.objects.select_related("intervention__item"):
        item = flow.intervention.item if flow.intervention else None
        if flow.state == FlowState.BLOCKED:
            assert flow.blocked_reason and not flow.xml and flow.id_flusso is None
            assert "Traceback" not in flow.blocked_reason
            unmapped += item is not None and item.inps_code == ""
        else:
            assert _valid(flow), flow.id_flusso
            assert ID_FORMAT.match(flow.id_flusso)
            if item is not None:  # sent with a code of INPS's table, never the item's own
                assert item.inps_code and item.inps_code != item.code
                assert f'CodicePrestazione="{item.inps_code}"' in flow.xml
    assert unmapped >= 1  # an item without an INPS code: its benefit waits on the worklist
    assert Flow.objects.filter(kind=FlowKind.SINBA).exists()
    assert siuss_demo.populate() == counts  # again: nothing more
    get_user_model()  # the demo logins stay
