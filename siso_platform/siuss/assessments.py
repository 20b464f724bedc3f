"""The SINA and SINBA assessments as regional questionnaires (docs/siuss.md, "Assessments").

Each field's key is the INPS attribute it fills (`rules.SINA_REQUIRED`...), its choices are
the attribute's enumeration in INPS's XSD (`inps/`), their values INPS's codes and their labels
the XSD's own Italian documentation, read with lxml when the questionnaire is built: nothing is
copied by hand. Whether a field is required follows the attribute's `use` in the XSD. What is
written here is only the layout: steps, labels, help, conditions.

`seed()` publishes both for the region, as the procedure templates' questionnaires are
(`casework.procedures.seed_questionnaire`): what is already published is left alone, so zones
adapt them as variants and the region edits them in the designer without code.
"""

from __future__ import annotations

import contextlib
import logging
import re
from functools import cache
from pathlib import Path

from django.db import transaction
from lxml import etree

from . import rules

logger = logging.getLogger(__name__)
INPS = Path(__file__).parent / "inps"
XSD_FILE = {
    rules.SINA_FORM: INPS / "PS_PSA_SINA201812.xsd",
    rules.SINBA_FORM: INPS / "SINBA.xsd",
}
# The XSD type whose attributes (and child elements) a questionnaire fills.
XSD_TYPE = {rules.SINA_FORM: "SINAType", rules.SINBA_FORM: "SinbaType"}
XS = "{http://www.w3.org/2001/XMLSchema}"

# The regions of Italy by ISTAT code (CodiceRegioneResidenzaPadre/Madre: two digits).
REGIONS = [
    ("01", "Piemonte"),
    ("02", "Valle d'Aosta"),
    ("03", "Lombardia"),
    ("04", "Trentino-Alto Adige"),
    ("05", "Veneto"),
    ("06", "Friuli-Venezia Giulia"),
    ("07", "Liguria"),
    ("08", "Emilia-Romagna"),
    ("09", "Toscana"),
    ("10", "Umbria"),
    ("11", "Marche"),
    ("12", "Lazio"),
    ("13", "Abruzzo"),
    ("14", "Molise"),
    ("15", "Campania"),
    ("16", "Puglia"),
    ("17", "Basilicata"),
    ("18", "Calabria"),
    ("19", "Sicilia"),
    ("20", "Sardegna"),
]


# Reading the XSD ------------------------------------------------------------------------------


@cache
def _tree(slug: str) -> etree._Element:
    return etree.parse(str(XSD_FILE[slug])).getroot()


def _declarations(slug: str) -> dict[str, etree._Element]:
    """The attributes and child elements of the questionnaire's XSD type, by name."""
    root = _tree(slug)
    complex_type = root.find(f"{XS}complexType[@name='{XSD_TYPE[slug]}']")
    found = {}
    for node in complex_type.iter(f"{XS}attribute", f"{XS}element"):
        found[node.get("name")] = node
    return found


def _simple_type(slug: str, node: etree._Element):
    named = node.get("type")
    if named and not named.startswith("xs:"):
        return _tree(slug).find(f"{XS}simpleType[@name='{named}']")
    return node.find(f"{XS}simpleType")


def label(documentation: str) -> str:
    """INPS's documentation of a code as a label: one space between words, the mojibake of
    one INPS file repaired, accents for INPS's apostrophes ("Invalidita'"), SI/NO as words."""
    text = documentation or ""
    if "Ã" in text:
        with contextlib.suppress(UnicodeError):
            text = text.encode("latin-1").decode("utf-8")
    text = " ".join(text.split())
    text = re.sub(
        r"([aeiou])'(?=[\s,.;)]|$)",
        lambda match: "àèìòù"["aeiou".index(match.group(1))],
        text,
    )
    if text.count('"') % 2:
        text = text.replace('"', "")
    text = {"SI": "Sì", "NO": "No"}.get(text, text)
    return text[:1].upper() + text[1:]


def enumeration(slug: str, name: str) -> list[tuple[str, str]]:
    """The XSD's codes of attribute or element `name`, each with its documentation as is."""
    simple = _simple_type(slug, _declarations(slug)[name])
    if simple is None:
        return []
    codes = []
    for item in simple.iter(f"{XS}enumeration"):
        documentation = item.find(f".//{XS}documentation")
        codes.append((item.get("value"), documentation.text if documentation is not None else ""))
    return codes


def pattern(slug: str, name: str) -> str | None:
    simple = _simple_type(slug, _declarations(slug)[name])
    found = simple.find(f".//{XS}pattern") if simple is not None else None
    return found.get("value") if found is not None else None


def required(slug: str, name: str) -> bool:
    """Whether INPS requires the attribute (an element, such as a list, is never required)."""
    node = _declarations(slug)[name]
    return node.tag == f"{XS}attribute" and node.get("use") == "required"


def is_list(slug: str, name: str) -> bool:
    """A repeated element (InvCiv, ComposizioneFamiglia): a multiple choice."""
    node = _declarations(slug)[name]
    return node.tag == f"{XS}element" and node.get("maxOccurs") == "unbounded"


# The layout -----------------------------------------------------------------------------------


def _text(it: str, en: str) -> dict:
    return {"it": it, "en": en}


def _is(key: str, value) -> dict:
    return {"==": [{"var": key}, value]}


def _not_in(key: str, values: list) -> dict:
    return {"!": {"in": [{"var": key}, values]}}


NOT_IN_FUTURE = {
    "it": "La data non può essere nel futuro.",
    "en": "The date cannot be in the future.",
}
MONTH_ONLY = _text(
    "All'INPS si trasmettono solo il mese e l'anno.",
    "Only the month and year are sent to INPS.",
)
FROM_HOUSEHOLD = _text(
    "Se non si risponde, si usa il nucleo familiare registrato nell'anagrafe sociale.",
    "Left empty, the household recorded in the social registry is used.",
)

# Each step: key, title, fields; each field: INPS attribute (or a helper key in lower case that
# no flow reads), label, and what the XSD cannot say (help, conditions, kind of a helper).
SINA_STEPS = [
    (
        "funzionamento",
        _text("Autonomia e funzionamento", "Autonomy and functioning"),
        [
            ("Mobilita", _text("Mobilità", "Mobility"), {}),
            (
                "AttivitaVitaQuotidiana",
                _text("Attività della vita quotidiana", "Activities of daily living"),
                {},
            ),
            (
                "DisturbiAreaCognitiva",
                _text("Disturbi dell'area cognitiva", "Cognitive disorders"),
                {"help": _text("Se presenti.", "If any.")},
            ),
            (
                "DisturbiComportamentali",
                _text("Disturbi comportamentali", "Behavioural disorders"),
                {},
            ),
            (
                "NecessitaCureSanitarie",
                _text("Necessità di cure sanitarie", "Need for health care"),
                {},
            ),
        ],
    ),
    (
        "risorse",
        _text("Situazione economica e rete di supporto", "Income and support network"),
        [
            ("AreaReddituale", _text("Situazione economica", "Income"), {}),
            (
                "AreaSupporto",
                _text("Rete familiare o informale di supporto", "Family or informal support"),
                {},
            ),
        ],
    ),
    (
        "invalidita",
        _text("Invalidità civile e certificazioni", "Civil invalidity and certifications"),
        [
            (
                "InvCiv",
                _text(
                    "Certificazioni di invalidità civile e di handicap",
                    "Civil invalidity and disability certifications",
                ),
                {"help": _text("Tutte quelle che la persona ha.", "All those the person has.")},
            ),
            (
                "FonteDerivazioneInvalidita",
                _text("Come è stata accertata l'invalidità", "How the invalidity was ascertained"),
                {"visible_if": {"!=": [{"var": "InvCiv"}, None]}},
            ),
        ],
    ),
    (
        "valutazione",
        _text("Bisogni e fonte della valutazione", "Needs and source of the assessment"),
        [
            (
                "NecessitaInterventiSociali",
                _text("Interventi sociali necessari", "Social interventions needed"),
                {
                    "kind": "multichoice",
                    "help": _text(
                        "Gli interventi di cui la persona ha bisogno secondo la valutazione, "
                        "dal catalogo regionale con il loro codice INPS.",
                        "The interventions the person needs according to the assessment, from "
                        "the regional catalogue with their INPS code.",
                    ),
                },
            ),
            (
                "FonteDerivazioneValutazione",
                _text("Fonte della valutazione", "Source of the assessment"),
                {},
            ),
            (
                "StrumentoValutazione",
                _text("Strumento di valutazione", "Assessment instrument"),
                {},
            ),
        ],
    ),
]


def _parent(role_it: str, role_en: str, suffix: str, orphan: list[str]) -> list:
    shown = {"visible_if": _not_in("CondizioneMinore", orphan)}
    return [
        (
            f"CodiceCittadinanza{suffix}",
            _text(f"Cittadinanza {role_it}", f"{role_en}'s citizenship"),
            {
                **shown,
                "help": _text(
                    "Codice numerico ISO 3166 del paese (Italia: 380).",
                    "The country's ISO 3166 numeric code (Italy: 380).",
                ),
            },
        ),
        (
            f"CodiceRegioneResidenza{suffix}",
            _text(f"Regione di residenza {role_it}", f"{role_en}'s region of residence"),
            {**shown, "kind": "choice", "help": _text("Se risiede in Italia.", "If in Italy.")},
        ),
        (
            f"TitoloStudio{suffix}",
            _text(f"Titolo di studio {role_it}", f"{role_en}'s education"),
            shown,
        ),
        (f"Occupazione{suffix}", _text(f"Occupazione {role_it}", f"{role_en}'s occupation"), shown),
    ]


def _month(key: str, it: str, en: str, visible_if=None) -> tuple:
    return (key, _text(it, en), {"kind": "date", "help": MONTH_ONLY, "visible_if": visible_if})


SINBA_STEPS = [
    (
        "minore",
        _text("Il minore", "The minor"),
        [
            (
                "MinoreStranieroNoAcc",
                _text("Minore straniero non accompagnato", "Unaccompanied foreign minor"),
                {},
            ),
            ("CondizioneMinore", _text("Genitori del minore", "The minor's parents"), {}),
            ("LuogoVita", _text("Dove vive il minore", "Where the minor lives"), {}),
            ("ScuolaFrequentata", _text("Scuola frequentata", "School attended"), {}),
            ("CondizioneLavoro", _text("Condizione lavorativa", "Work status"), {}),
            ("Disabilita", _text("Il minore ha una disabilità", "The minor has a disability"), {}),
            (
                "TipoDisabilita",
                _text("Tipo di disabilità", "Kind of disability"),
                {"visible_if": _is("Disabilita", "1"), "required": _is("Disabilita", "1")},
            ),
            (
                "InvCivCertificazioni",
                _text(
                    "Certificazione di invalidità civile o di handicap",
                    "Civil invalidity or disability certification",
                ),
                {"visible_if": _is("Disabilita", "1")},
            ),
        ],
    ),
    (
        "famiglia",
        _text("La famiglia", "The family"),
        [
            (
                "ComposizioneFamiglia",
                _text("Con chi vive il minore", "Who the minor lives with"),
                {"help": FROM_HOUSEHOLD},
            ),
            (
                "NumeroComponentiISEE",
                _text("Componenti del nucleo ISEE", "Members of the ISEE household"),
                {"kind": "integer", "help": FROM_HOUSEHOLD, "validations": {"min": 1, "max": 9}},
            ),
            # Codes 2 to 5 of CondizioneMinore: orphan of both, of the father, of the mother,
            # parents unknown. A parent who is not there is not asked about.
            *_parent("della madre", "Mother", "Madre", ["2", "4", "5"]),
            *_parent("del padre", "Father", "Padre", ["2", "3", "5"]),
        ],
    ),
    (
        "segnalazione",
        _text("Segnalazione e valutazione", "Referral and assessment"),
        [
            _month("DataPrimaSegnalazione", "Data della prima segnalazione", "Date first referred"),
            (
                "FonteSegnalazione",
                _text("Chi ha segnalato il minore", "Who referred the minor"),
                {},
            ),
            (
                "ValutazioneMinore",
                _text("Problematica prevalente del minore", "The minor's main problem"),
                {},
            ),
            (
                "ValutazioneFamigliaMinore",
                _text("Problematica prevalente della famiglia", "The family's main problem"),
                {},
            ),
        ],
    ),
    (
        "giudiziaria",
        _text("Autorità giudiziaria", "Judicial authority"),
        [
            (
                "SegnalazioneAutoritaGiudiziaria",
                _text(
                    "Il minore è stato segnalato all'autorità giudiziaria",
                    "The minor was reported to the judicial authority",
                ),
                {},
            ),
            _month(
                "DataSegnalazione",
                "Data della segnalazione all'autorità giudiziaria",
                "Date reported to the judicial authority",
                _is("SegnalazioneAutoritaGiudiziaria", "1"),
            ),
            (
                "ProvvedimentoGiudiziario",
                _text("C'è un provvedimento giudiziario", "There is a court order"),
                {},
            ),
            _month(
                "DataProvvedimentoGiudiziario",
                "Data del provvedimento",
                "Date of the order",
                _is("ProvvedimentoGiudiziario", "1"),
            ),
            (
                "AutoritaProvvedimento",
                _text("Autorità che ha emesso il provvedimento", "Authority that issued it"),
                {"visible_if": _is("ProvvedimentoGiudiziario", "1")},
            ),
            (
                "TipoProvvedimentoGiudiziario",
                _text("Tipo di provvedimento", "Kind of order"),
                {"visible_if": _is("ProvvedimentoGiudiziario", "1")},
            ),
            (
                "PotestaTutela",
                _text("Responsabilità genitoriale e tutela", "Parental responsibility and custody"),
                {"visible_if": _is("ProvvedimentoGiudiziario", "1")},
            ),
        ],
    ),
    (
        "accoglienza",
        _text("Affidamento e inserimento in struttura", "Foster care and residential placement"),
        [
            (
                "affido",
                _text(
                    "Il minore è o è stato in affidamento familiare",
                    "The minor is or was in foster care",
                ),
                {"kind": "boolean"},
            ),
            ("FormaInterventoAffido", _text("Forma dell'affido", "Form of foster care"), "affido"),
            ("TipoInterventoAffido", _text("Tipo di affido", "Kind of foster care"), "affido"),
            ("DurataAffido", _text("Durata dell'affido", "Foster care time"), "affido"),
            ("CarattereAffido", _text("Carattere dell'affido", "Foster care setting"), "affido"),
            ("EsitoAffido", _text("Esito dell'affido", "Outcome of foster care"), "affido"),
            (
                "struttura",
                _text(
                    "Il minore è o è stato inserito in una struttura residenziale",
                    "The minor is or was placed in a residential facility",
                ),
                {"kind": "boolean"},
            ),
            (
                "CarattereInserimentoResidenziale",
                _text("Carattere della struttura", "Kind of facility"),
                "struttura",
            ),
            (
                "FormaInserimentoResidenziale",
                _text("Forma dell'inserimento", "Form of the placement"),
                "struttura",
            ),
            (
                "TipoInserimentoResidenziale",
                _text("Inserimento con o senza genitore", "Placed with or without a parent"),
                "struttura",
            ),
            (
                "EsitoInserimentoStruttura",
                _text("Esito dell'inserimento", "Outcome of the placement"),
                "struttura",
            ),
            (
                "CollaborazioniInterventi",
                _text(
                    "Servizio con cui si collabora di più",
                    "The service most worked with",
                ),
                {},
            ),
        ],
    ),
    (
        "chiusura",
        _text("Chiusura della presa in carico", "Closing the case"),
        [
            (
                "chiusa",
                _text("La presa in carico è chiusa", "The taking in charge is closed"),
                {"kind": "boolean"},
            ),
            (
                "MotivazioneChiusuraCarico",
                _text("Motivo della chiusura", "Why it closed"),
                "chiusa",
            ),
            (
                "SituazioneChiusuraCarico",
                _text("Situazione del minore alla chiusura", "The minor's situation at closing"),
                "chiusa",
            ),
        ],
    ),
]

STEPS = {rules.SINA_FORM: SINA_STEPS, rules.SINBA_FORM: SINBA_STEPS}
TITLES = {
    rules.SINA_FORM: _text(
        "Valutazione multidimensionale SINA (disabilità e non autosufficienza)",
        "SINA multidimensional assessment (disability and dependency)",
    ),
    rules.SINBA_FORM: _text(
        "Valutazione SINBA (minori e famiglie)", "SINBA assessment (minors and families)"
    ),
}
DESCRIPTIONS = {
    rules.SINA_FORM: (
        "La valutazione multidimensionale della persona con disabilità o non autosufficiente "
        "che l'INPS chiede nel flusso SIUSS PS-PSA-SINA. Le risposte sono i codici dell'INPS "
        "e vanno nel blocco SINA di ogni prestazione della persona."
    ),
    rules.SINBA_FORM: (
        "La valutazione del minore e della sua famiglia che l'INPS chiede nel flusso SIUSS "
        "SINBA, pseudonimizzato. Le risposte sono i codici dell'INPS; senza questa valutazione "
        "il flusso SINBA di un minore preso in carico resta in attesa."
    ),
}


def _catalogue_choices() -> list[dict]:
    """NecessitaInterventiSociali: the catalogue's INPS benefit codes, named as INPS's table
    names them (codes of 5 to 10 characters, as the XSD requires)."""
    from siso_platform.casework.models import CatalogueItem, InpsBenefit

    table = dict(InpsBenefit.objects.values_list("code", "name"))
    choices, seen = [], set()
    for item in CatalogueItem.objects.exclude(inps_code="").order_by("inps_code", "code"):
        code = item.inps_code
        if code in seen or not 5 <= len(code) <= 10:
            continue
        seen.add(code)
        name = table.get(code) or item.inps_name or item.name
        choices.append({"value": code, "label": _text(name, name)})
    return choices


def _choices(slug: str, key: str, codes) -> list[dict]:
    if key.startswith("CodiceRegioneResidenza"):
        return [{"value": code, "label": _text(name, name)} for code, name in REGIONS]
    if key == "NecessitaInterventiSociali":
        return _catalogue_choices()
    return [{"value": value, "label": _text(label(doc), label(doc))} for value, doc in codes]


def _field(slug: str, key: str, text: dict, extra) -> dict:
    if isinstance(extra, str):  # shown when the helper question `extra` is answered yes
        extra = {"visible_if": _is(extra, True)}
    extra = dict(extra)
    field = {"key": key, "label": text}
    inps = key[:1].isupper()
    codes = enumeration(slug, key) if inps else []
    kind = extra.pop("kind", None)
    if kind is None:
        kind = "multichoice" if is_list(slug, key) else "choice" if codes else "text"
    field["kind"] = kind
    field["required"] = extra.pop("required", inps and required(slug, key))
    if kind in ("choice", "multichoice"):
        field["choices"] = _choices(slug, key, codes)
    if kind == "text" and inps and pattern(slug, key):
        field["validations"] = {"pattern": pattern(slug, key)}
    if kind == "date":
        field["validations"] = {
            "min": "1900-01-01",
            "rules": [{"rule": {"<=": [{"var": key}, {"today": []}]}, "message": NOT_IN_FUTURE}],
        }
    for name, value in extra.items():
        if value is not None:
            field[name] = value
    return field


def schema(slug: str) -> dict:
    """The questionnaire's canonical schema (docs/forms.md), choices read from INPS's XSD."""
    return {
        "slug": slug,
        "title": TITLES[slug],
        "steps": [
            {
                "key": key,
                "title": title,
                "fields": [_field(slug, *spec) for spec in fields],
            }
            for key, title, fields in STEPS[slug]
        ],
    }


def document(slug: str) -> dict:
    """The questionnaire as an export file ("siso-form/1"), what `seed` imports."""
    return {
        "format": "siso-form/1",
        "slug": slug,
        "title": TITLES[slug],
        "description": DESCRIPTIONS[slug],
        "shared_with_partners": False,
        "schema": schema(slug),
    }


@transaction.atomic
def seed(owner=None, user=None) -> list:
    """Publish both assessments for the region (`owner`), unless already published; returns
    the new versions. Raises `forms.publishing.PublishRefused` when one does not pass the
    publish checks (nothing is saved then)."""
    from siso_platform.casework import procedures

    owner = owner or procedures.region()
    versions = [
        procedures.seed_questionnaire(document(slug), owner=owner, user=user)
        for slug in (rules.SINA_FORM, rules.SINBA_FORM)
    ]
    return [version for version in versions if version is not None]


# Answers feed the flows -----------------------------------------------------------------------


def is_assessment(definition) -> bool:
    """A SINA or SINBA questionnaire: the regional one or a zone's variant of it."""
    slugs = (rules.SINA_FORM, rules.SINBA_FORM)
    return definition.slug in slugs or (
        definition.based_on_id is not None and definition.based_on.slug in slugs
    )


def build_flows_of(person_id: int) -> None:
    """After an assessment is submitted: bring the person's flows up to date (each benefit
    given, with its SINA block; each case of theirs opened as a minor, its SINBA flow). A
    failure is logged, never raised to the task worker."""
    from django.db.models import Q

    from siso_platform.casework.models import Case, Intervention

    from . import actions

    try:
        benefits = Intervention.objects.filter(
            Q(person_id=person_id) | Q(person__isnull=True, case__person_id=person_id)
        ).filter(Q(status__in=rules.GIVEN) | Q(siuss_flows__isnull=False))
        for intervention in benefits.distinct().order_by("pk"):
            actions.build_for_intervention(intervention)
        for case in Case.objects.filter(person_id=person_id).select_related("person"):
            if rules.is_minor_case(case):
                actions.build_for_case(case)
    except Exception:
        logger.exception("siuss: building the flows of person %s failed", person_id)
