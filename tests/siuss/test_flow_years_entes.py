"""One flow per benefit and year, a zone sending for its municipalities under its INPS code,
a means test waived for one beneficiary, and who pays what."""

import base64
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from lxml import etree

from siso_platform.accounts.models import Organisation
from siso_platform.casework import actions as casework
from siso_platform.casework.models import CatalogueItem
from siso_platform.siuss import actions, xml
from siso_platform.siuss.models import Flow, FlowState, Operation

from ..factories import PersonFactory
from .test_flows import _case, _valid, perugia, provider, worker  # noqa: F401
from .test_waas import inps, keys, pdnd  # noqa: F401

NS = {"c": xml.NAMESPACE}


def _benefit_of(flow: Flow):
    return etree.fromstring(flow.xml.encode("utf-8")).find(
        "c:Beneficiario/c:PrestazioniSociali", NS
    )


def _record(worker, provider, *, code="E1.01", **values):  # noqa: F811
    person = PersonFactory(sex="F")
    return casework.record_intervention(
        by=worker,
        case=_case(worker, person, opened_on=datetime.date(2025, 1, 5)),
        person=person,
        item=CatalogueItem.objects.get(code=code),
        provider=provider,
        status="active",
        **values,
    )


def test_a_benefit_over_two_years_has_one_flow_per_year(worker, provider):  # noqa: F811
    benefit = _record(
        worker,
        provider,
        starts_on=datetime.date(2025, 10, 1),
        ends_on=datetime.date(2026, 3, 31),
        amount=Decimal("1200.00"),
    )
    actions.build_for_intervention(benefit, today=datetime.date(2026, 6, 15))
    flows = {flow.year: flow for flow in Flow.objects.filter(intervention=benefit)}
    assert set(flows) == {2025, 2026} and all(_valid(flow) for flow in flows.values())
    last_year, this_year = _benefit_of(flows[2025]), _benefit_of(flows[2026])
    # INPS wants start and end in one year: October to December, then January to March
    assert last_year.get("DataInizioPrestazione") == "2025-10-01"
    assert last_year.get("DataFinePrestazione") is None
    assert last_year.get("PeriodoErogazione") == "3"
    assert this_year.get("DataInizioPrestazione") == "2026-01-01"
    assert this_year.get("DataFinePrestazione") == "2026-03-31"
    assert this_year.get("PeriodoErogazione") == "3"
    assert last_year.get("ImportoMensile") == this_year.get("ImportoMensile") == "200.00"
    assert last_year.get("ProtocolloDomanda") == this_year.get("ProtocolloDomanda")


def test_an_open_benefit_in_a_new_year_keeps_last_years_flow(worker, provider):  # noqa: F811
    benefit = _record(
        worker, provider, starts_on=datetime.date(2025, 7, 1), amount=Decimal("600.00")
    )
    first = actions.build_for_intervention(benefit, today=datetime.date(2025, 11, 3))
    assert first.year == 2025 and _benefit_of(first).get("ImportoMensile") == "100.00"
    newest = actions.build_for_intervention(benefit, today=datetime.date(2026, 2, 10))
    assert newest.year == 2026 and newest.operation == Operation.INSERT
    # last year's flow is still what INPS holds: no cancellation, no second insertion
    assert list(Flow.objects.filter(intervention=benefit).values_list("year", "operation")) == [
        (2025, "I"),
        (2026, "I"),
    ]
    assert _benefit_of(newest).get("ImportoMensile") == "100.00"
    assert _benefit_of(newest).get("PeriodoErogazione") == "12"


def test_an_end_moved_back_cancels_the_year_no_longer_covered(worker, provider):  # noqa: F811
    benefit = _record(
        worker,
        provider,
        starts_on=datetime.date(2025, 11, 1),
        ends_on=datetime.date(2026, 4, 30),
        amount=Decimal("600.00"),
    )
    actions.build_for_intervention(benefit, today=datetime.date(2026, 5, 4))
    casework.change_intervention(benefit, by=worker, ends_on=datetime.date(2025, 12, 31))
    actions.build_for_intervention(benefit, today=datetime.date(2026, 5, 5))
    made = list(
        Flow.objects.filter(intervention=benefit).order_by("ts_ms").values_list("year", "operation")
    )
    # 2026 is cancelled; 2025 changes too (its monthly amount and its end), so C then I
    assert made[:2] == [(2025, "I"), (2026, "I")]
    assert sorted(made[2:]) == [(2025, "C"), (2025, "I"), (2026, "C")]
    assert Flow.objects.filter(intervention=benefit, year=2026).last().operation == "C"


def test_a_means_test_waived_for_the_beneficiary_is_code_3_without_the_dsu(worker, provider):  # noqa: F811
    benefit = _record(
        worker,
        provider,
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 7, 31),
        amount=Decimal("1800.00"),
        means_test_waived=True,
    )
    flow = actions.build_for_intervention(benefit, today=datetime.date(2026, 6, 15))
    given = _benefit_of(flow)
    assert given.get("PresenzaProvaMezzi") == "3" and _valid(flow)
    assert given.get("NumeroProtocolloDSU") is None


def test_the_shares_sum_to_the_monthly_amount(worker, provider):  # noqa: F811
    benefit = _record(
        worker,
        provider,
        code="B1.01",  # home care, in hours at 20 euro
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 3, 31),
        quantity=Decimal("30"),
        user_share=Decimal("90.00"),
        health_share=Decimal("150.00"),
    )
    given = _benefit_of(actions.build_for_intervention(benefit, today=datetime.date(2026, 6, 15)))
    assert given.get("ImportoMensile") == "200.00"  # 30 hours at 20 euro over three months
    assert given.get("ImportoQuotaUtente") == "30.00"
    assert given.get("ImportoQuotaSSN") == "50.00"
    assert given.get("ImportoQuotaEnte") == "120.00"
    assert given.get("OreServizioMensile") == "10.00"


def test_shares_beyond_the_amount_are_refused_on_the_field(worker, provider):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        _record(
            worker,
            provider,
            starts_on=datetime.date(2026, 1, 1),
            amount=Decimal("100.00"),
            user_share=Decimal("80.00"),
            health_share=Decimal("30.00"),
        )
    assert "user_share" in refused.value.message_dict


@pytest.fixture
def zone_sends(perugia):  # noqa: F811
    zone = perugia.zone
    zone.inps_code = "Z902"
    zone.save()
    Organisation.objects.filter(zone=zone).update(tax_code="94000000540")
    return zone


def test_a_zone_with_an_inps_code_sends_for_its_municipalities(
    worker,  # noqa: F811
    provider,  # noqa: F811
    zone_sends,
    pdnd,  # noqa: F811
    keys,  # noqa: F811
):
    benefit = _record(
        worker,
        provider,
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 7, 31),
        amount=Decimal("600.00"),
    )
    flow = actions.build_for_intervention(benefit, today=datetime.date(2026, 6, 15))
    assert flow.state == FlowState.READY and _valid(flow)
    assert flow.id_flusso == "Z902.PS.20260615.0000001"
    assert flow.municipality.name == "Perugia"  # the desk still filters it by municipality
    ente = etree.fromstring(flow.xml.encode("utf-8")).find("c:IdentificazioneFlusso/c:Ente", NS)
    assert ente.get("Codice") == "Z902" and ente.get("CFOperatore") == "94000000540"
    assert ente.get("Denominazione") == zone_sends.name
    assert ente.get("Indirizzo") == zone_sends.lead_municipality.cadastral_code
    served = inps(keys, "Z902").get("/waas/Z902/v1/flussi?since=0")
    assert served.status_code == 200
    [entry] = served.json()["elenco_flussi"]
    assert (entry["codice_ente"], entry["id_flusso"]) == ("Z902", flow.id_flusso)
    assert base64.b64decode(entry["flusso"]).decode("utf-8") == flow.xml
    # Perugia's own e-service has nothing of it
    assert inps(keys).get("/waas/G478/v1/flussi?since=0").json()["elenco_flussi"] == []


def test_a_zone_without_a_tax_code_blocks_with_the_reason(worker, provider, zone_sends):  # noqa: F811
    Organisation.objects.filter(zone=zone_sends).update(tax_code="")
    benefit = _record(
        worker, provider, starts_on=datetime.date(2026, 2, 1), amount=Decimal("600.00")
    )
    flow = actions.build_for_intervention(benefit, today=datetime.date(2026, 6, 15))
    assert flow.state == FlowState.BLOCKED
    assert f"{zone_sends.name} non ha un codice fiscale" in flow.blocked_reason


def test_a_zones_code_cannot_be_a_municipalitys(perugia):  # noqa: F811
    zone = perugia.zone
    zone.inps_code = "G478"
    with pytest.raises(ValidationError) as refused:
        zone.full_clean()
    assert "inps_code" in refused.value.message_dict
    zone.inps_code = "g47"
    with pytest.raises(ValidationError):
        zone.full_clean()
