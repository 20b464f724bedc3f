"""INPS's two XML documents, written with lxml and validated against INPS's own XSDs
(`inps/`, from INPS-it/WaaS.Comuni) before anything is stored."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from .models import FlowKind
from .rules import PsFlow, SinbaFlow

NAMESPACE = "http://inps.it/Casellario"
INPS = Path(__file__).parent / "inps"
SCHEMA_FILE = {
    FlowKind.PS_PSA_SINA: INPS / "PS_PSA_SINA201812.xsd",
    FlowKind.SINBA: INPS / "SINBA.xsd",
}


class Invalid(Exception):
    """The document does not validate against INPS's XSD; the message names the first error."""


@cache
def schema(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE[kind])))


def _element(parent, name: str, attributes: dict | None = None):
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    for key, value in (attributes or {}).items():
        if value not in (None, ""):
            element.set(key, str(value))
    return element


def _root(name: str, ente) -> etree._Element:
    root = etree.Element(f"{{{NAMESPACE}}}Flusso", nsmap={None: NAMESPACE})
    identification = _element(root, "IdentificazioneFlusso", {"Nome": name})
    _element(identification, "Ente", ente.attributes())
    return root


def ps_document(flow: PsFlow, name: str) -> etree._Element:
    root = _root(name, flow.ente)
    person = _element(root, "Beneficiario", {"CodiceFiscale": flow.tax_code})
    _element(person, "Anagrafica", flow.registry)
    _element(person, "Indirizzo", flow.address)
    benefit = _element(person, "PrestazioniSociali", flow.benefit)
    if flow.sina is not None:
        sina = _element(benefit, "SINA", flow.sina)
        if flow.sina_codes:
            needs = _element(sina, "NecessitaInterventiSociali")
            for code in flow.sina_codes:
                _element(needs, "CodicePrestazione").text = code
        if flow.sina_invalidity:
            invalidity = _element(sina, "InvaliditaCivile")
            for code in flow.sina_invalidity:
                _element(invalidity, "InvCiv").text = code
    return root


def sinba_document(flow: SinbaFlow, name: str) -> etree._Element:
    root = _root(name, flow.ente)
    sinba = _element(root, "SINBA", flow.attributes)
    benefits = _element(sinba, "Prestazioni")
    for code in flow.benefits:
        _element(benefits, "CodicePrestazione").text = code
    family = _element(sinba, "Famiglia")
    for code in flow.family:
        _element(family, "ComposizioneFamiglia").text = code
    return root


def validate(kind: str, root: etree._Element) -> None:
    checker = schema(kind)
    if not checker.validate(root):
        error = checker.error_log.last_error
        raise Invalid(error.message if error else "invalid")


def serialise(root: etree._Element) -> str:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def set_name(root: etree._Element, name: str) -> None:
    root.find(f"{{{NAMESPACE}}}IdentificazioneFlusso").set("Nome", name)


def content(xml: str) -> bytes:
    """What a flow says about its beneficiary and benefit, without its name and operation:
    two flows with the same content report the same thing."""
    root = etree.fromstring(xml.encode("utf-8"))
    for element in root.iter(f"{{{NAMESPACE}}}PrestazioniSociali"):
        element.attrib.pop("TipoOperazione", None)
    body = [child for child in root if child.tag != f"{{{NAMESPACE}}}IdentificazioneFlusso"]
    return b"".join(etree.tostring(child, method="c14n") for child in body)


def as_cancellation(xml: str) -> etree._Element:
    """The document of a sent PS flow with TipoOperazione C: it cancels exactly what was sent."""
    root = etree.fromstring(xml.encode("utf-8"))
    for element in root.iter(f"{{{NAMESPACE}}}PrestazioniSociali"):
        element.set("TipoOperazione", "C")
    return root
