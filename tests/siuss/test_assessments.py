"""The SINA and SINBA assessments as regional questionnaires: published by the seed, their
choices INPS's XSD enumerations, and their answers, validated as the wizard validates them,
feeding XSD-valid flows (a SINA block; a pseudonymous SINBA element)."""

import datetime
import json
from decimal import Decimal

import pytest
from lxml import etree

from forms import checks, submitting
from forms import publishing as form_publishing
from forms.models import FormDefinition, Submission
from forms.validation import validate
from siso_platform.accounts.demo_users import ensure_demo_users
from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from siso_platform.casework import actions as casework
from siso_platform.casework import demo_data as casework_demo
from siso_platform.casework.models import CatalogueItem
from siso_platform.siuss import actions, assessments, rules, xml
from siso_platform.siuss import demo as siuss_demo
from siso_platform.siuss.models import Flow, FlowKind, FlowState
from siso_platform.territory.models import Municipality
from siso_platform.thirdsector import demo as thirdsector_demo

from ..factories import PersonFactory
from .test_flows import _case, _minor_with_parents

TODAY = datetime.date(2026, 6, 15)
XS = "{http://www.w3.org/2001/XMLSchema}"
NS = {"c": xml.NAMESPACE}
# Attributes the builders fill from the ledger, not from the assessment.
FROM_THE_LEDGER = {
    "IDBeneficiario",
    "FasciaEtaBeneficiario",
    "FasciaISEEBeneficiario",
    "AnnoNascita",
    "CodiceRegioneResidenza",
    "CodiceNazioneResidenza",
}


def _xsd_codes(slug: str) -> dict[str, list[str]]:
    """Every enumerated attribute or element of the assessment's XSD type: its codes, read
    here without the module under test."""
    root = etree.parse(str(assessments.XSD_FILE[slug])).getroot()
    complex_type = root.find(f"{XS}complexType[@name='{assessments.XSD_TYPE[slug]}']")
    codes = {}
    for node in complex_type.iter(f"{XS}attribute", f"{XS}element"):
        simple = node.find(f"{XS}simpleType")
        if node.get("type"):
            simple = root.find(f"{XS}simpleType[@name='{node.get('type')}']")
        if simple is not None:
            values = [item.get("value") for item in simple.iter(f"{XS}enumeration")]
            if values:
                codes[node.get("name")] = values
    return codes


def _required(slug: str) -> set[str]:
    root = etree.parse(str(assessments.XSD_FILE[slug])).getroot()
    complex_type = root.find(f"{XS}complexType[@name='{assessments.XSD_TYPE[slug]}']")
    return {
        node.get("name")
        for node in complex_type.findall(f"{XS}attribute")
        if node.get("use") == "required"
    }


def _fields(schema: dict) -> dict:
    return {field["key"]: field for step in schema["steps"] for field in step["fields"]}


@pytest.fixture
def seeded(db):
    return {version.definition.slug: version for version in assessments.seed()}


@pytest.fixture
def perugia(db):
    municipality = Municipality.objects.get(name="Perugia")
    Organisation.objects.filter(municipality=municipality).update(tax_code="00163570542")
    return municipality


@pytest.fixture
def worker(make_member, perugia):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)


def _submit(version, person, answers, user) -> Submission:
    """As the wizard does: the engine validates the answers, the cleaned ones are stored."""
    result = validate(version.compiled, answers)
    assert result.is_valid, result.errors
    return submitting.save(version, person, result.cleaned, user=user, channel="web")


# Seeded and published ---------------------------------------------------------------------


def test_both_assessments_are_published_for_the_region_once(seeded):
    assert set(seeded) == {rules.SINA_FORM, rules.SINBA_FORM}
    for slug, version in seeded.items():
        definition = version.definition
        assert definition.live and version.number == 1
        assert definition.owner.kind == OrganisationKind.REGION
        assert definition.publish_problems() == []
        assert checks.problems(version.schema) == []
        assert definition.title and definition.title_en and definition.description
        # Nothing lost on the way through the editor's blocks: keys, kinds, choices, conditions.
        expected = _fields(assessments.schema(slug))
        published = _fields(version.schema)
        assert list(published) == list(expected)
        for key, field in expected.items():
            for name in ("kind", "required", "visible_if", "choices", "validations"):
                if name in field:
                    assert published[key][name] == field[name], (key, name)
    assert assessments.seed() == []  # again: nothing to do
    assert FormDefinition.objects.filter(slug__startswith="valutazione-si").count() == 2


def test_the_seed_procedures_command_publishes_them(db):
    from django.core.management import call_command

    call_command("seed_procedures", verbosity=0)
    assert FormDefinition.objects.get(slug=rules.SINA_FORM).live
    assert FormDefinition.objects.get(slug=rules.SINBA_FORM).live


@pytest.mark.parametrize("slug", [rules.SINA_FORM, rules.SINBA_FORM])
def test_the_choices_are_the_xsd_enumerations_and_required_follows_the_xsd(db, slug):
    schema = assessments.schema(slug)
    fields = _fields(schema)
    codes = _xsd_codes(slug)
    for name, values in codes.items():
        if name in FROM_THE_LEDGER:
            assert name not in fields
            continue
        field = fields[name]
        assert [choice["value"] for choice in field["choices"]] == values, name
        for choice in field["choices"]:
            assert choice["label"]["it"].strip(), (name, choice["value"])
    required = {key for key, field in fields.items() if field["required"] is True}
    assert required == _required(slug) - FROM_THE_LEDGER
    inps_keys = {key for key in fields if key[0].isupper()}
    listed = set(rules.SINA_REQUIRED + rules.SINA_OPTIONAL) | {
        "NecessitaInterventiSociali",
        "InvCiv",
    }
    if slug == rules.SINBA_FORM:
        listed = set(rules.SINBA_REQUIRED + rules.SINBA_OPTIONAL) | {"ComposizioneFamiglia"}
    assert inps_keys == listed  # every attribute the builder reads is asked, no other


def test_lists_are_multiple_choices_and_labels_are_italian_words(db):
    sina = _fields(assessments.schema(rules.SINA_FORM))
    assert sina["InvCiv"]["kind"] == sina["NecessitaInterventiSociali"]["kind"] == "multichoice"
    needs = [choice["value"] for choice in sina["NecessitaInterventiSociali"]["choices"]]
    assert "A2.07" in needs and all(5 <= len(code) <= 10 for code in needs)
    assert "B1.03" not in needs  # the catalogue's own code is no INPS code
    named = {
        choice["value"]: choice["label"]["it"]
        for choice in sina["NecessitaInterventiSociali"]["choices"]
    }
    assert named["A2.07"] == "Assistenza domiciliare socio-assistenziale"  # INPS's table's name
    labels = [choice["label"]["it"] for choice in sina["InvCiv"]["choices"]]
    assert labels[1] == (
        "Certificazione Invalidità Civile Totale (100%) Con Indennità di accompagnamento"
    )
    sinba = _fields(assessments.schema(rules.SINBA_FORM))
    assert sinba["ComposizioneFamiglia"]["kind"] == "multichoice"
    assert [choice["label"]["it"] for choice in sinba["Disabilita"]["choices"]] == ["Sì", "No"]
    assert sinba["TipoDisabilita"]["visible_if"] == {"==": [{"var": "Disabilita"}, "1"]}
    assert sinba["DataPrimaSegnalazione"]["kind"] == "date"
    assert assessments.label("disabilitÃ\xa0 e virtu' ") == "Disabilità e virtù"


# The wizard's validation --------------------------------------------------------------------

SINA = {
    "Mobilita": "2",
    "AttivitaVitaQuotidiana": "3",
    "DisturbiAreaCognitiva": "2",
    "DisturbiComportamentali": "1",
    "AreaReddituale": "2",
    "AreaSupporto": "3",
    "InvCiv": ["2", "6"],
    "FonteDerivazioneInvalidita": "1",
    "NecessitaInterventiSociali": ["A2.07", "A2.08"],  # home care, integrated home care
    "FonteDerivazioneValutazione": "1",
    "StrumentoValutazione": "1",
}
SINBA = {
    "MinoreStranieroNoAcc": "2",
    "CondizioneMinore": "3",  # orphan of the father
    "LuogoVita": "1",
    "ScuolaFrequentata": "5",
    "CondizioneLavoro": "1",
    "Disabilita": "1",
    "TipoDisabilita": "3",
    "TitoloStudioMadre": "5",
    "OccupazioneMadre": "2",
    "CodiceCittadinanzaMadre": "380",
    "CodiceRegioneResidenzaMadre": "10",
    "DataPrimaSegnalazione": "2026-01-20",
    "FonteSegnalazione": "13",
    "ValutazioneMinore": "2",
    "ValutazioneFamigliaMinore": "12",
    "SegnalazioneAutoritaGiudiziaria": "1",
    "DataSegnalazione": "2026-02-03",
    "ProvvedimentoGiudiziario": "2",
}


def test_the_wizard_refuses_what_inps_would_refuse(seeded):
    sina = seeded[rules.SINA_FORM].compiled
    errors = validate(sina, {}).errors
    assert set(rules.SINA_REQUIRED) <= set(errors)
    assert "Mobilita" in validate(sina, {**SINA, "Mobilita": "9"}).errors

    sinba = seeded[rules.SINBA_FORM].compiled
    assert set(rules.SINBA_REQUIRED) <= set(validate(sinba, {}).errors)
    assert "TipoDisabilita" in validate(sinba, {**SINBA, "TipoDisabilita": None}).errors
    future = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    assert (
        "DataPrimaSegnalazione"
        in validate(sinba, {**SINBA, "DataPrimaSegnalazione": future}).errors
    )
    assert (
        "CodiceCittadinanzaMadre"
        in validate(sinba, {**SINBA, "CodiceCittadinanzaMadre": "IT"}).errors
    )
    cleaned = validate(sinba, {**SINBA, "TitoloStudioPadre": "3"}).cleaned
    assert "TitoloStudioPadre" not in cleaned  # the father's questions are hidden: orphan


# The flows --------------------------------------------------------------------------------


def test_a_sina_assessment_gives_the_benefit_its_sina_block(
    seeded, worker, perugia, django_capture_on_commit_callbacks
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
    first = Flow.objects.get(intervention=benefit)
    assert first.state == FlowState.READY and "<SINA" not in first.xml
    with django_capture_on_commit_callbacks(execute=True):
        _submit(seeded[rules.SINA_FORM], person, SINA, worker)

    flow = Flow.objects.filter(intervention=benefit).order_by("pk").last()
    assert flow.state == FlowState.READY, flow.blocked_reason  # built again on submission
    root = etree.fromstring(flow.xml.encode("utf-8"))
    assert xml.schema(FlowKind.PS_PSA_SINA).validate(root)
    sina = root.find("c:Beneficiario/c:PrestazioniSociali/c:SINA", NS)
    assert sina is not None
    assert (sina.get("Mobilita"), sina.get("AttivitaVitaQuotidiana")) == ("2", "3")
    assert sina.get("StrumentoValutazione") == "1" and sina.get("NecessitaCureSanitarie") is None
    needs = sina.findall("c:NecessitaInterventiSociali/c:CodicePrestazione", NS)
    assert [code.text for code in needs] == ["A2.07", "A2.08"]
    assert [code.text for code in sina.findall("c:InvaliditaCivile/c:InvCiv", NS)] == ["2", "6"]


def test_a_sinba_assessment_makes_the_minors_flow_valid_and_pseudonymous(seeded, worker, perugia):
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
    waiting = actions.build_for_case(case, today=TODAY)
    assert waiting.state == FlowState.BLOCKED  # no assessment yet

    _submit(seeded[rules.SINBA_FORM], child, SINBA, worker)
    flow = actions.build_for_case(case, today=TODAY)
    assert flow.state == FlowState.READY, flow.blocked_reason
    root = etree.fromstring(flow.xml.encode("utf-8"))
    assert xml.schema(FlowKind.SINBA).validate(root)
    sinba = root.find("c:SINBA", NS)
    assert sinba.get("DataPrimaSegnalazione") == "01/2026"  # a date answer, sent as MM/YYYY
    assert sinba.get("DataSegnalazione") == "02/2026"
    assert (sinba.get("Disabilita"), sinba.get("TipoDisabilita")) == ("1", "3")
    assert sinba.get("CodiceRegioneResidenzaMadre") == "10"
    assert sinba.get("IDBeneficiario") == rules.beneficiary_id(child)
    for word in (child.tax_code, child.last_name, child.first_name, "Anna"):
        assert word not in flow.xml
    assert "CodiceFiscale" not in flow.xml and "Anagrafica" not in flow.xml


def test_a_zone_variant_of_the_assessment_feeds_the_flows_too(seeded, worker, perugia):
    template = seeded[rules.SINBA_FORM].definition
    zone = Organisation.objects.get(zone__number=2)
    document = json.loads(form_publishing.export_definition(template))
    variant = form_publishing.import_definition(
        document, owner=zone, slug="valutazione-sinba-zona-2", based_on=template
    )
    version = form_publishing.publish(variant)
    child = _minor_with_parents(perugia)
    _submit(version, child, SINBA, worker)
    assert rules.assessment(child, rules.SINBA_FORM)["LuogoVita"] == "1"
    assert assessments.is_assessment(variant)


# The demo -----------------------------------------------------------------------------------


def test_the_demo_fills_one_sina_and_one_sinba_assessment(db, perugia):
    ensure_demo_users()
    thirdsector_demo.register()
    PersonFactory.create_batch(30)  # adults of Perugia
    _minor_with_parents(perugia)
    casework_demo.populate()
    counts = siuss_demo.populate()

    assert Submission.objects.filter(version__definition__slug=rules.SINA_FORM).count() == 1
    assert Submission.objects.filter(version__definition__slug=rules.SINBA_FORM).count() == 1
    with_sina = [
        flow for flow in Flow.objects.filter(kind=FlowKind.PS_PSA_SINA) if "<SINA " in flow.xml
    ]
    assert with_sina and all(flow.state == FlowState.READY for flow in with_sina)
    for flow in with_sina:
        assert xml.schema(flow.kind).validate(etree.fromstring(flow.xml.encode("utf-8")))
    sinba = Flow.objects.get(kind=FlowKind.SINBA)
    assert sinba.state == FlowState.READY, sinba.blocked_reason
    assert xml.schema(FlowKind.SINBA).validate(etree.fromstring(sinba.xml.encode("utf-8")))
    assert siuss_demo.populate() == counts  # again: nothing more
