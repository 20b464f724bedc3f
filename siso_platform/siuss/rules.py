"""What a SIUSS flow says, decided from the ledger: which benefits are sent, by which ente,
and each attribute of INPS's two formats (docs/siuss.md lists them). Reads only; `xml.py`
writes the document, `actions.py` stores it.

A record that lacks something the format needs raises `Missing`, whose message is the
Italian reason shown on the zone's worklist: the record, and every missing field at once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.accounts.models import Organisation, OrganisationKind
from siso_platform.casework import rules as casework_rules
from siso_platform.casework.models import (
    Area,
    BenefitCharacter,
    Case,
    Intervention,
    InterventionKind,
    InterventionStatus,
    MeansTest,
    Unit,
    UserArea,
)
from siso_platform.people.models import FactKind, HouseholdMembership, Person, Relation
from siso_platform.reporting import pseudonyms
from siso_platform.territory.models import Municipality, SocialZone

from . import iso3166

ITALY = "380"
CENT = Decimal("0.01")
# Assessments filled as questionnaires (`assessments.py`, seeded for the region): their answers,
# keyed by INPS's attribute names with INPS's codes as values, feed the flows. A person without
# one has no SINA block; a minor's SINBA flow waits for its assessment.
SINA_FORM = "valutazione-sina"
SINBA_FORM = "valutazione-sinba"
# SINBA's dates are MM/YYYY; the questionnaire asks for a date (YYYY-MM-DD), sent as its month.
MONTH_YEAR = ("DataPrimaSegnalazione", "DataSegnalazione", "DataProvvedimentoGiudiziario")

MEANS_TEST = {MeansTest.ISEE: "1", MeansTest.OTHER: "2", MeansTest.NONE: "4"}
# Subject to ISEE in general, but not for this beneficiary (another reason of need).
WAIVED = "3"
CHARACTER = {BenefitCharacter.PERIODIC: "1", BenefitCharacter.ONE_OFF: "2"}
USER_AREA = {UserArea.FAMILIES_MINORS: "1", UserArea.DISABILITY: "2", UserArea.POVERTY: "3"}
AREA_OF = {
    Area.FAMILIES_MINORS: UserArea.FAMILIES_MINORS,
    Area.DISABILITY: UserArea.DISABILITY,
    Area.ELDERLY: UserArea.DISABILITY,
    Area.ADDICTIONS: UserArea.POVERTY,
    Area.IMMIGRANTS: UserArea.POVERTY,
    Area.POVERTY: UserArea.POVERTY,
}
SEX = {"M": "1", "F": "2"}
# Statuses of a benefit that was given: only these are sent. A planned benefit is not (yet);
# one sent and then set back to planned is cancelled.
GIVEN = (InterventionStatus.ACTIVE, InterventionStatus.SUSPENDED, InterventionStatus.ENDED)

SINA_REQUIRED = (
    "Mobilita",
    "AttivitaVitaQuotidiana",
    "DisturbiComportamentali",
    "AreaReddituale",
    "AreaSupporto",
    "FonteDerivazioneValutazione",
    "StrumentoValutazione",
)
SINA_OPTIONAL = ("DisturbiAreaCognitiva", "NecessitaCureSanitarie", "FonteDerivazioneInvalidita")
SINBA_REQUIRED = (
    "MinoreStranieroNoAcc",
    "CondizioneMinore",
    "LuogoVita",
    "ScuolaFrequentata",
    "CondizioneLavoro",
    "Disabilita",
    "DataPrimaSegnalazione",
    "FonteSegnalazione",
    "ValutazioneMinore",
    "ValutazioneFamigliaMinore",
    "SegnalazioneAutoritaGiudiziaria",
    "ProvvedimentoGiudiziario",
)
SINBA_OPTIONAL = (
    "TipoDisabilita",
    "InvCivCertificazioni",
    "CodiceCittadinanzaPadre",
    "CodiceCittadinanzaMadre",
    "CodiceRegioneResidenzaPadre",
    "CodiceRegioneResidenzaMadre",
    "TitoloStudioPadre",
    "TitoloStudioMadre",
    "OccupazionePadre",
    "OccupazioneMadre",
    "DataSegnalazione",
    "DataProvvedimentoGiudiziario",
    "AutoritaProvvedimento",
    "PotestaTutela",
    "TipoProvvedimentoGiudiziario",
    "FormaInterventoAffido",
    "TipoInterventoAffido",
    "DurataAffido",
    "CarattereAffido",
    "EsitoAffido",
    "CarattereInserimentoResidenziale",
    "FormaInserimentoResidenziale",
    "TipoInserimentoResidenziale",
    "EsitoInserimentoStruttura",
    "MotivazioneChiusuraCarico",
    "SituazioneChiusuraCarico",
    "CollaborazioniInterventi",
    "NumeroComponentiISEE",
)


class Missing(Exception):
    """The flow cannot be built; the message says why, in the user's language."""


@dataclass
class Ente:
    """Who sends a flow to INPS: a municipality under its cadastral (Belfiore) code, or a zone
    acting for its municipalities under the code INPS gives it."""

    code: str
    name: str
    tax_code: str  # CFOperatore: the sending body's tax code
    zone_id: int
    seat: str = ""  # the cadastral code of the municipality where the ente has its seat

    def attributes(self) -> dict:
        return {
            "Codice": self.code,
            "Denominazione": self.name[:100],
            "Indirizzo": self.seat or self.code,
            "CFOperatore": self.tax_code,
        }


@dataclass
class PsFlow:
    """One beneficiary and one benefit: the PS-PSA-SINA flow's content."""

    ente: Ente
    tax_code: str
    registry: dict
    address: dict
    benefit: dict
    sina: dict | None = None
    sina_codes: list = field(default_factory=list)
    sina_invalidity: list = field(default_factory=list)


@dataclass
class SinbaFlow:
    ente: Ente
    attributes: dict
    benefits: list
    family: list


def _record(intervention: Intervention) -> str:
    return _("Benefit no. %(number)s (%(item)s)") % {
        "number": intervention.pk,
        "item": intervention.item,
    }


def _refuse(record: str, problems: list[str]) -> None:
    if problems:
        raise Missing(
            _("%(record)s cannot be sent to INPS: %(problems)s.")
            % {"record": record, "problems": "; ".join(problems)}
        )


def is_sent(intervention: Intervention) -> bool:
    """Whether a benefit belongs in the ente's feed: one given (not just planned), by the
    ente or for it. A benefit another public body gives (INPS's Assegno di inclusione, a
    health authority's) is that body's to send."""
    return (
        intervention.status in GIVEN
        and intervention.provider.kind != OrganisationKind.OTHER_PUBLIC_BODY
    )


def beneficiary(intervention: Intervention) -> Person | None:
    """The person, else the case's person, else the head of the household on the first day."""
    if intervention.person_id:
        return intervention.person
    if intervention.case_id:
        return intervention.case.person
    if intervention.household_id:
        head = (
            HouseholdMembership.objects.current(intervention.starts_on)
            .filter(household_id=intervention.household_id, relation=Relation.HEAD)
            .select_related("person")
            .first()
        )
        return head.person if head else None
    return None


def granting_municipality(intervention: Intervention):
    """The municipality that grants the benefit: its case's office's, else the beneficiary's
    residence, else the household's."""
    if intervention.case_id:
        return intervention.case.office.municipality
    person = beneficiary(intervention)
    if person is not None and person.residence_municipality_id:
        return person.residence_municipality
    if intervention.household_id:
        return intervention.household.municipality
    return None


def ente_name(municipality) -> str:
    """The ente's name as INPS writes it ("Comune di Roma"): data in INPS's language, not a
    message of the interface."""
    return f"Comune di {municipality.name}"


def sends_for(zone) -> bool:
    """Whether the zone sends its municipalities' flows, under the code INPS gave it."""
    return bool(zone.inps_code)


def sender(municipality) -> tuple[str, str]:
    """The code and name of the ente that sends the municipality's flows."""
    zone = municipality.zone
    if sends_for(zone):
        return zone.inps_code, zone.name
    return municipality.cadastral_code, ente_name(municipality)


def ente_of(municipality, problems: list[str]) -> Ente | None:
    """The ente that sends the municipality's flows: its zone when the zone has an INPS code,
    else the municipality itself. The sender's 11-digit tax code is its organisation's."""
    if municipality is None:
        problems.append(_("no municipality grants it (no case, no residence)"))
        return None
    zone = municipality.zone
    code, name = sender(municipality)
    ente = Ente(code, name, "", zone.pk, municipality.cadastral_code)
    if sends_for(zone):
        body = Organisation.objects.filter(zone=zone)
        if zone.lead_municipality_id:
            ente.seat = zone.lead_municipality.cadastral_code
        whose = zone.name
    else:
        body = Organisation.objects.filter(municipality=municipality)
        whose = _("the municipality of %(name)s") % {"name": municipality.name}
    ente.tax_code = (body.values_list("tax_code", flat=True).first() or "").strip()
    if not (len(ente.tax_code) == 11 and ente.tax_code.isdigit()):
        problems.append(
            _("%(whose)s has no 11-digit tax code (set it on its organisation)") % {"whose": whose}
        )
    return ente


def entes(zone_ids) -> list[tuple[str, str]]:
    """The entes that send the zones' flows, as (code, name): a zone with an INPS code, else
    each of its municipalities."""
    found = []
    for zone in SocialZone.objects.filter(pk__in=zone_ids).order_by("number"):
        if sends_for(zone):
            found.append((zone.inps_code, zone.name))
        else:
            found.extend(
                (m.cadastral_code, ente_name(m))
                for m in Municipality.objects.filter(zone=zone).order_by("name")
            )
    return sorted(found, key=lambda pair: pair[1])


def _registry(person: Person, problems: list[str]) -> dict:
    if not person.birth_place_code or len(person.birth_place_code) != 4:
        problems.append(_("the birthplace code of the beneficiary is missing"))
    attributes = {
        "Cognome": person.last_name[:36],
        "Nome": person.first_name[:36],
        "AnnoNascita": f"{person.birth_date.year:04d}",
        "LuogoNascita": person.birth_place_code,
        "Genere": SEX.get(person.sex, ""),
        "CodiceCittadinanza": iso3166.numeric(person.citizenship),
    }
    if not attributes["Genere"]:
        problems.append(_("the sex of the beneficiary is missing"))
    return attributes


def _address(person: Person, household, problems: list[str]) -> dict:
    municipality = person.residence_municipality or (household.municipality if household else None)
    if municipality is None:
        problems.append(_("the municipality of residence of the beneficiary is missing"))
        return {"CodiceNazione": ITALY}
    return {
        "CodiceRegione": municipality.zone.region.istat_code,
        "CodiceComune": municipality.istat_code,
        "CodiceNazione": ITALY,
    }


def _household_of(intervention: Intervention, person: Person):
    if intervention.household_id:
        return intervention.household
    if intervention.case_id and intervention.case.household_id:
        return intervention.case.household
    membership = (
        HouseholdMembership.objects.current(intervention.starts_on)
        .filter(person=person)
        .select_related("household__municipality")
        .first()
    )
    return membership.household if membership else None


def current_isee(household, on: datetime.date) -> dict | None:
    """The household's ISEE in effect on `on` (the people app's facts): an expired one is not
    current. Returns the fact's value with `valid_from`, or None."""
    if household is None:
        return None
    fact = (
        household.facts.filter(kind=FactKind.ISEE)
        .current(on)
        .order_by("-valid_from", "-pk")
        .first()
    )
    if fact is None:
        return None
    value = dict(fact.value) if isinstance(fact.value, dict) else {"isee": fact.value}
    value.setdefault("valid_from", fact.valid_from)
    return value


def _dsu(isee: dict | None) -> dict:
    """The DSU's protocol, year and date, all three or none (INPS's rule)."""
    if not isee:
        return {}
    number = str(isee.get("dsu_protocol") or isee.get("dsu_number") or "").strip()
    year = str(isee.get("dsu_year") or "").strip()
    issued = isee.get("issued_on") or isee.get("dsu_date")
    if not (number and len(year) == 4 and year.isdigit() and issued):
        return {}
    if isinstance(issued, datetime.date):
        issued = issued.isoformat()
    return {"NumeroProtocolloDSU": number[:30], "AnnoProtocolloDSU": year, "DataDSU": issued}


def has_civil_invalidity(person: Person, on: datetime.date) -> bool:
    return person.facts.filter(kind=FactKind.DISABILITY).current(on).exists()


def user_area(intervention: Intervention, person: Person, on: datetime.date) -> str:
    item = intervention.item
    if item.user_area:
        return USER_AREA[item.user_area]
    if item.area in AREA_OF:
        return USER_AREA[AREA_OF[item.area]]
    if age_on(person, on) < 18:
        return USER_AREA[UserArea.FAMILIES_MINORS]
    if has_civil_invalidity(person, on):
        return USER_AREA[UserArea.DISABILITY]
    return USER_AREA[UserArea.POVERTY]


def age_on(person: Person, on: datetime.date) -> int:
    born = person.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def years(intervention: Intervention, today: datetime.date) -> list[int]:
    """The years a benefit's flows report, one flow each: INPS wants a benefit's start and end
    in one year. A one-off benefit: its year. A periodic one: each year from its start to its
    end, or to the current year while it is open (a benefit that starts in a later year: that
    year)."""
    first = intervention.starts_on.year
    if intervention.item.benefit_character == BenefitCharacter.ONE_OFF:
        return [first]
    last = today.year if intervention.ends_on is None else intervention.ends_on.year
    return list(range(first, max(first, min(last, today.year)) + 1))


def months_between(first: datetime.date, last: datetime.date) -> int:
    """Calendar months from `first`'s to `last`'s, both counted (at least 1)."""
    return max(1, (last.year - first.year) * 12 + last.month - first.month + 1)


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def hours_minutes(hours: Decimal) -> str:
    """Monthly hours as INPS writes them, HH,MM with a point: 12.5 hours are 12.30."""
    whole = int(hours)
    minutes = int(((hours - whole) * 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if minutes == 60:
        whole, minutes = whole + 1, 0
    return f"{whole}.{minutes:02d}"


def benefit_value(intervention: Intervention) -> Decimal | None:
    """The benefit's value in euro: its amount, else its quantity at the item's unit cost."""
    if intervention.amount is not None:
        return intervention.amount
    item = intervention.item
    if item.unit != Unit.EURO and intervention.quantity is not None and item.unit_cost:
        return intervention.quantity * item.unit_cost
    return None


def _per(value: Decimal, months: int) -> Decimal:
    return (value / months).quantize(CENT, rounding=ROUND_HALF_UP)


def _shares(intervention: Intervention, value: Decimal, months: int) -> dict:
    """Who pays the benefit (per month for a periodic one), as INPS wants it: the user's and
    the health service's recorded shares, the ente the rest, summing to the amount sent. With
    no shares recorded, a cash transfer or voucher is the ente's alone; a service says
    nothing."""
    user, health = intervention.user_share, intervention.health_share
    total = _per(value, months)
    if user is None and health is None:
        transfer = intervention.item.kind in (InterventionKind.CASH, InterventionKind.VOUCHER)
        return {"ImportoQuotaEnte": _money(max(total, CENT))} if transfer else {}
    user = _per(user or Decimal(0), months)
    health = min(_per(health or Decimal(0), months), total - user)
    ente = total - user - health
    shares = {"ImportoQuotaUtente": _money(user)}  # INPS allows a user's share of 0
    if health > 0:
        shares["ImportoQuotaSSN"] = _money(health)
    if ente > 0:  # INPS allows the ente's and the health service's only above 0
        shares["ImportoQuotaEnte"] = _money(ente)
    return shares


def ps_flow(intervention: Intervention, *, year: int) -> PsFlow:
    """The PS-PSA-SINA flow of one benefit in one year (TipoOperazione I), or `Missing`."""
    item = intervention.item
    problems: list[str] = []
    person = beneficiary(intervention)
    if person is None:
        _refuse(_record(intervention), [_("it has no beneficiary person")])
    ente = ente_of(granting_municipality(intervention), problems)
    household = _household_of(intervention, person)
    registry = _registry(person, problems)
    address = _address(person, household, problems)

    if not item.inps_code or not 5 <= len(item.inps_code) <= 10:
        problems.append(
            _("the catalogue item %(code)s has no INPS benefit code") % {"code": item.code}
        )
    name = item.inps_name or item.name
    if len(name) < 10:
        problems.append(
            _("the INPS name of catalogue item %(code)s is shorter than 10 characters")
            % {"code": item.code}
        )
    if not item.means_test:
        problems.append(
            _("the means test of catalogue item %(code)s is not set") % {"code": item.code}
        )
    if not item.benefit_character:
        problems.append(
            _("the character (periodic or one-off) of catalogue item %(code)s is not set")
            % {"code": item.code}
        )
    value = benefit_value(intervention)
    if value is None or value <= 0:
        problems.append(
            _(
                "it has no amount: record it, or set the cost of an hour or day of catalogue "
                "item %(code)s"
            )
            % {"code": item.code}
        )
    else:
        problems.extend(
            casework_rules.share_problems(
                amount=value,
                user_share=intervention.user_share,
                health_share=intervention.health_share,
            ).values()
        )
    _refuse(_record(intervention), problems)

    first = max(intervention.starts_on, datetime.date(year, 1, 1))
    ends_in_year = intervention.ends_on is not None and intervention.ends_on.year == year
    # An open benefit is reported to the end of the year (a flow that changed every month
    # would cancel and insert it again every month).
    last = intervention.ends_on if ends_in_year else datetime.date(year, 12, 31)
    waived = item.means_test == MeansTest.ISEE and intervention.means_test_waived
    benefit = {
        "TipoOperazione": "I",
        "PresenzaProvaMezzi": WAIVED if waived else MEANS_TEST[item.means_test],
        "CaratterePrestazione": CHARACTER[item.benefit_character],
    }
    if item.means_test == MeansTest.ISEE and not waived:
        benefit.update(_dsu(current_isee(household, first)))
    benefit.update(
        {
            "CodicePrestazione": item.inps_code,
            "DenominazionePrestazione": name[:200],
            # The benefit's number in SISO: the same in every flow about it (each year's, and
            # a cancellation's), so that INPS matches a cancellation to what it cancels.
            "ProtocolloDomanda": f"SISO-{intervention.pk}",
        }
    )
    if item.benefit_character == BenefitCharacter.ONE_OFF:
        whole = 1
        benefit["DataErogazionePrestazione"] = intervention.starts_on.isoformat()
        benefit["ImportoPrestazione"] = _money(value)
    else:
        # The ledger's amount and quantity cover the recorded period: to its last day or, for
        # an open benefit, to the end of its first year. INPS wants them per month; reading an
        # open benefit's amount so keeps each year's flow the same as years go by.
        whole = months_between(
            intervention.starts_on,
            intervention.ends_on or datetime.date(intervention.starts_on.year, 12, 31),
        )
        benefit["DataInizioPrestazione"] = first.isoformat()
        if ends_in_year:
            benefit["DataFinePrestazione"] = intervention.ends_on.isoformat()
        benefit["PeriodoErogazione"] = str(min(12, months_between(first, last)))
        benefit["ImportoMensile"] = _money(max(_per(value, whole), CENT))
    benefit.update(_shares(intervention, value, whole))
    if item.means_test == MeansTest.ISEE and item.isee_threshold:
        benefit["ImportoSogliaISEE"] = _money(item.isee_threshold)
    if item.unit == Unit.HOURS and intervention.quantity:
        benefit["OreServizioMensile"] = hours_minutes(intervention.quantity / whole)
    taken_in_charge = intervention.case_id is not None
    benefit["PresaCarico"] = "1" if taken_in_charge else "2"
    benefit["AreaUtenza"] = user_area(intervention, person, first)

    flow = PsFlow(
        ente=ente,
        tax_code=person.tax_code,
        registry=registry,
        address=address,
        benefit=benefit,
    )
    _add_sina(flow, person, intervention)
    return flow


def assessment(person: Person, slug: str) -> dict | None:
    """The answers of the person's latest assessment questionnaire `slug` (the regional one or a
    zone's variant of it), or None."""
    from django.db.models import Q

    from forms.models import Submission

    submission = (
        Submission.objects.filter(
            Q(version__definition__slug=slug) | Q(version__definition__based_on__slug=slug),
            subject=person,
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )
    return dict(submission.answers) if submission else None


def _codes(value) -> list[str]:
    if value in (None, ""):
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [str(code) for code in values if str(code)]


def _add_sina(flow: PsFlow, person: Person, intervention: Intervention) -> None:
    """The SINA block, when the beneficiary has a SINA assessment with its required answers."""
    answers = assessment(person, SINA_FORM)
    if not answers:
        return
    missing = [name for name in SINA_REQUIRED if not answers.get(name)]
    _refuse(
        _record(intervention),
        [_("the SINA assessment lacks %(fields)s") % {"fields": ", ".join(missing)}]
        if missing
        else [],
    )
    flow.sina = {
        name: str(answers[name])
        for name in SINA_REQUIRED + SINA_OPTIONAL
        if answers.get(name) not in (None, "")
    }
    flow.sina_codes = _codes(answers.get("NecessitaInterventiSociali"))
    flow.sina_invalidity = _codes(answers.get("InvCiv"))


# SINBA --------------------------------------------------------------------------------------


def is_minor_case(case: Case) -> bool:
    return age_on(case.person, case.opened_on) < 18


def beneficiary_id(person: Person) -> str:
    """SINBA's `IDBeneficiario`: the region's pseudonymous key of the minor (HMAC of the tax
    code with SISO_PSEUDONYM_KEY, reporting/pseudonyms.py), its first 20 hex digits as the
    format allows. Never the tax code, never the name (DM 206/2014)."""
    return pseudonyms.pseudonym(person.tax_code, pseudonyms.secret())[:20].upper()


def _age_band(age: int) -> str:
    return str(min(6, max(1, age // 3 + 1)))


def _isee_band(value) -> str | None:
    if value is None:
        return None
    value = Decimal(str(value))
    for band, top in (("1", 0), ("2", 3000), ("3", 6000), ("4", 9000), ("5", 12000)):
        if value <= top:
            return band
    if value <= 15000:
        return "6"
    return "7" if value <= 20000 else "8"


def _family(person: Person, on: datetime.date) -> tuple[list[str], int]:
    """ComposizioneFamiglia codes of the minor's household, and its size."""
    membership = HouseholdMembership.objects.current(on).filter(person=person).first()
    if membership is None:
        return [], 0
    others = list(
        HouseholdMembership.objects.current(on)
        .filter(household_id=membership.household_id)
        .exclude(person=person)
        .select_related("person")
    )
    codes = set()
    for other in others:
        if membership.relation == Relation.CHILD and other.relation in (
            Relation.HEAD,
            Relation.SPOUSE,
            Relation.PARTNER,
        ):
            if other.relation == Relation.PARTNER:
                codes.add("5")
            else:
                codes.add("1" if other.person.sex == "F" else "2")
        elif membership.relation == Relation.CHILD and other.relation == Relation.CHILD:
            codes.add("3")
        elif other.relation == Relation.PARENT and membership.relation == Relation.CHILD:
            codes.add("4")  # the head's parent: the minor's grandparent
        else:
            codes.add("6")
    return sorted(codes), len(others) + 1


def month_year(value) -> str:
    """SINBA's MM/YYYY from a date answer (YYYY-MM-DD); MM/YYYY stays as it is."""
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[5:7]}/{text[:4]}"
    return text


def _sinba_value(name: str, value) -> str:
    return month_year(value) if name in MONTH_YEAR else str(value)


def sinba_flow(case: Case, *, today: datetime.date | None = None) -> SinbaFlow:
    """The SINBA flow of a minor's taking in charge, or `Missing`."""
    today = today or timezone.localdate()
    person = case.person
    record = _("Case no. %(number)s") % {"number": case.pk}
    problems: list[str] = []
    ente = ente_of(case.office.municipality, problems)
    try:
        key = beneficiary_id(person)
    except pseudonyms.KeyMissing:
        key = ""
        problems.append(
            _("the pseudonym key %(setting)s is not configured") % {"setting": pseudonyms.SETTING}
        )
    answers = assessment(person, SINBA_FORM)
    if answers is None:
        problems.append(_("the minor has no SINBA assessment"))
        answers = {}
    else:
        missing = [name for name in SINBA_REQUIRED if not answers.get(name)]
        if missing:
            problems.append(
                _("the SINBA assessment lacks %(fields)s") % {"fields": ", ".join(missing)}
            )
    benefits = sorted(
        {
            code
            for code in case.interventions.filter(status__in=GIVEN).values_list(
                "item__inps_code", flat=True
            )
            if code
        }
    )
    if not benefits:
        problems.append(_("no benefit of the case has an INPS benefit code"))
    on = min(today, case.closed_on or today)
    family, size = _family(person, on)
    family = _codes(answers.get("ComposizioneFamiglia")) or family
    if not family:
        problems.append(_("the minor's household is not known"))
    _refuse(record, problems)

    attributes = {"IDBeneficiario": key}
    attributes.update({name: _sinba_value(name, answers[name]) for name in SINBA_REQUIRED})
    attributes.update(
        {
            name: _sinba_value(name, answers[name])
            for name in SINBA_OPTIONAL
            if answers.get(name) not in (None, "")
        }
    )
    if "NumeroComponentiISEE" not in attributes and 1 <= size <= 9:
        attributes["NumeroComponentiISEE"] = str(size)
    attributes["FasciaEtaBeneficiario"] = _age_band(age_on(person, on))
    membership = HouseholdMembership.objects.current(on).filter(person=person).first()
    isee = current_isee(membership.household if membership else None, on)
    band = _isee_band(isee.get("isee") if isee else None)
    if band:
        attributes["FasciaISEEBeneficiario"] = band
    attributes["AnnoNascita"] = f"{person.birth_date.year:04d}"
    if person.residence_municipality_id:
        attributes["CodiceRegioneResidenza"] = person.residence_municipality.zone.region.istat_code
    attributes["CodiceNazioneResidenza"] = ITALY
    return SinbaFlow(ente=ente, attributes=attributes, benefits=benefits, family=family)
