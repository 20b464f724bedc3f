"""Sample municipal files for tests, demos and benchmarks, in any dialect, defects on demand.

`write_samples` writes the six sources of one municipality from the persons the database
holds there (read only), consistent with one another: every current member of a household
is in the registry, and the other files speak of a subset of those same tax codes.
`write_registry_rows` streams any number of synthetic registry rows without a database, for
the regional-scale benchmark.

Beside each file, `<source>.bad_rows.json` says which lines were spoiled on purpose and in
which canonical column, and a later registry extraction (`changes=True`) writes
`registry.changes.json` saying who moved, died or changed address, so that tests can check
the import report against them (`read_bad_rows`, `read_changes`).
"""

import csv
import datetime
import json
import random
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from siso_platform.people.demo_data import STREETS, MunicipalityInfo, plan_households

from .formats import FORMATS, INCOME_TYPES, ISEE_KINDS, REGISTRY, RELATIONS, Kind, SourceFormat
from .reading import Dialect

# An Italian-style registry export: legacy code page, semicolons, day-first dates, decimal
# comma with a thousands point, Italian headers and the registry's own codes.
PERUGIA_DIALECT = Dialect(
    encoding="windows-1252",
    delimiter=";",
    date_format="%d/%m/%Y",
    decimal_separator=",",
    thousands_separator=".",
    columns={
        "tax_code": "CODICE_FISCALE",
        "last_name": "COGNOME",
        "first_name": "NOME",
        "sex": "SESSO",
        "birth_date": "DATA_NASCITA",
        "birth_place_code": "COD_LUOGO_NASCITA",
        "citizenship": "CITTADINANZA",
        "address": "INDIRIZZO",
        "family_sheet": "N_FOGLIO",
        "relation": "RELAZIONE_PARENTELA",
        "registered_on": "DATA_ISCRIZIONE",
        "cancelled_on": "DATA_CANCELLAZIONE",
        "cancellation_reason": "MOTIVO_CANCELLAZIONE",
        "tax": "TRIBUTO",
        "year": "ANNO",
        "due": "DOVUTO",
        "paid": "VERSATO",
        "arrears": "ARRETRATI",
        "unit_id": "ID_UNITA",
        "category": "CATEGORIA",
        "share": "QUOTA_POSSESSO",
        "cadastral_value": "RENDITA",
        "since": "POSSESSO_DAL",
        "until": "POSSESSO_AL",
        "contract_id": "ESTREMI_CONTRATTO",
        "tenant_tax_code": "CF_CONDUTTORE",
        "owner_tax_code": "CF_LOCATORE",
        "yearly_rent": "CANONE_ANNUO",
        "start": "DATA_INIZIO",
        "end": "DATA_FINE",
        "income_type": "TIPO_REDDITO",
        "amount": "IMPORTO",
        "dsu_protocol": "PROTOCOLLO_DSU",
        "dsu_year": "ANNO_DSU",
        "isee_kind": "TIPO_ISEE",
        "isee_value": "VALORE_ISEE",
        "issued_on": "DATA_RILASCIO",
        "valid_until": "DATA_SCADENZA",
    },
    values={
        "sex": {"1": "M", "2": "F"},
        "relation": {
            "IS": "head",  # intestatario scheda
            "CG": "spouse",  # coniuge
            "UC": "partner",  # unito civilmente
            "FG": "child",  # figlio/a
            "GE": "parent",  # genitore
            "FR": "sibling",  # fratello/sorella
            "NP": "grandchild",  # nipote
            "AP": "other_relative",  # altro parente o affine
            "CV": "cohabitant",  # convivente
        },
        "cancellation_reason": {"DE": "death", "EM": "emigration", "AL": "other"},
        "income_type": {
            "LD": "employment",  # lavoro dipendente
            "LA": "self_employment",  # lavoro autonomo
            "PE": "pension",
            "FA": "property",  # fabbricati
            "AL": "other",
        },
    },
)
DIALECTS = {"canonical": Dialect(), "perugia": PERUGIA_DIALECT}

DEFECTS = ("check_character", "impossible_date", "not_a_number", "missing_value", "unknown_choice")
# Values a clerk or an older program might really write, none of them accepted.
UNKNOWN_CHOICES = {
    "relation": ("nephew-in-law", "XX"),
    "sex": ("X", "3"),
    "tax": ("TASI", "ICI"),
    "income_type": ("lottery", "capital_gains"),
    "cancellation_reason": ("transfer", "ZZ"),
    "isee_kind": ("universitario", "ISEE ridotto"),
}
IMPOSSIBLE_DAYS = ((31, 2), (30, 2), (31, 4), (31, 6), (31, 9), (31, 11))
SYNTHETIC_AS_OF = datetime.date(2026, 1, 1)


# --------------------------------------------------------------------------- the population


@dataclass
class Member:
    tax_code: str
    last_name: str
    first_name: str
    sex: str
    birth_date: datetime.date
    birth_place_code: str
    citizenship: str
    relation: str
    registered_on: datetime.date
    cancelled_on: datetime.date | None = None
    cancellation_reason: str = ""


@dataclass
class HouseholdSample:
    code: str
    address: str
    members: list[Member]
    facts: list[tuple[str, str, dict]] = field(default_factory=list)  # (kind, key, value)


@dataclass
class Population:
    """What the database holds about one municipality, as plain data."""

    cadastral_code: str
    households: list[HouseholdSample]
    person_facts: dict[str, list[tuple[str, str, dict]]]  # tax code -> income facts
    sheet_codes: set[str]  # every family sheet ever recorded, current members or not
    isee_sheets: set[str] = field(default_factory=set)  # households with an ISEE on record


def _natural(code: str) -> list:
    # "FS10" after "FS9"; split always alternates text and digits, so items compare.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def _member_order(member: Member):
    return (RELATIONS.index(member.relation), member.birth_date, member.tax_code)


def load_population(municipality) -> Population:
    """The living residents of `municipality` and their current households, head first."""
    from siso_platform.people.models import Fact, FactKind, Household, HouseholdMembership

    households: dict[int, HouseholdSample] = {}
    memberships = (
        HouseholdMembership.objects.current()
        .filter(
            household__municipality=municipality,
            person__residence_municipality=municipality,
            person__deceased_on__isnull=True,
        )
        .values_list(
            "household_id",
            "household__code",
            "household__address",
            "person__tax_code",
            "person__last_name",
            "person__first_name",
            "person__sex",
            "person__birth_date",
            "person__birth_place_code",
            "person__citizenship",
            "relation",
            "valid_from",
        )
    )
    for household_id, code, address, *person, relation, since in memberships.iterator(5000):
        household = households.get(household_id)
        if household is None:
            household = households[household_id] = HouseholdSample(code, address, [])
        household.members.append(Member(*person, relation=relation, registered_on=since))
    facts = (
        Fact.objects.current()
        .filter(
            household__municipality=municipality, kind__in=[FactKind.RENTAL, FactKind.LOCAL_TAX]
        )
        .order_by("household_id", "kind", "key")
        .values_list("household_id", "kind", "key", "value")
    )
    for household_id, kind, key, value in facts.iterator(5000):
        if household_id in households:  # not a household with no current resident
            households[household_id].facts.append((kind, key, value))
    person_facts: dict[str, list] = {}
    incomes = (
        Fact.objects.current()
        .filter(
            kind=FactKind.INCOME,
            person__residence_municipality=municipality,
            person__deceased_on__isnull=True,
        )
        .order_by("person__tax_code", "key")
        .values_list("person__tax_code", "kind", "key", "value")
    )
    for tax_code, kind, key, value in incomes:
        person_facts.setdefault(tax_code, []).append((kind, key, value))
    ordered = sorted(households.values(), key=lambda h: _natural(h.code))
    for household in ordered:
        household.members.sort(key=_member_order)
    return Population(
        cadastral_code=municipality.cadastral_code,
        households=ordered,
        person_facts=person_facts,
        sheet_codes=set(
            Household.objects.filter(municipality=municipality).values_list("code", flat=True)
        ),
        isee_sheets=set(
            Fact.objects.filter(household__municipality=municipality, kind=FactKind.ISEE)
            .values_list("household__code", flat=True)
            .distinct()
        ),
    )


def _registry_row(member: Member, household: HouseholdSample) -> dict:
    return {
        "tax_code": member.tax_code,
        "last_name": member.last_name,
        "first_name": member.first_name,
        "sex": member.sex,
        "birth_date": member.birth_date,
        "birth_place_code": member.birth_place_code,
        "citizenship": member.citizenship,
        "address": household.address,
        "family_sheet": household.code,
        "relation": member.relation,
        "registered_on": member.registered_on,
        "cancelled_on": member.cancelled_on,
        "cancellation_reason": member.cancellation_reason,
    }


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _street(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)} {rng.randint(1, 180)}"


# --------------------------------------------------------------------------- later extraction


def _next_sheet(codes: set[str]) -> str:
    numbered = [m for m in (re.fullmatch(r"(.*?)(\d+)", c) for c in codes) if m]
    if numbered:
        last = max(numbered, key=lambda m: (int(m.group(2)), m.group(1)))
        prefix, digits, number = last.group(1), len(last.group(2)), int(last.group(2)) + 1
    else:
        prefix, digits, number = "FS", 7, 1
    while f"{prefix}{number:0{digits}d}" in codes:
        number += 1
    return f"{prefix}{number:0{digits}d}"


def _make_changes(population: Population, rng: random.Random, reference_date) -> dict:
    """Move one adult out, let one person die, give one household a new address, in place.

    Chosen so that the later file imports cleanly: the person who dies lived alone (or is
    not a head), the one who moves is not a head, so no family sheet is left without one.
    """
    households = population.households
    extracted_on = reference_date + datetime.timedelta(days=rng.randint(60, 120))
    span = (extracted_on - reference_date).days

    def day_after(since: datetime.date) -> datetime.date:
        day = reference_date + datetime.timedelta(days=rng.randint(1, span))
        return max(day, since + datetime.timedelta(days=1))

    record = {
        "reference_date": reference_date.isoformat(),
        "extracted_on": extracted_on.isoformat(),
        "moved": None,
        "died": None,
        "address_changed": None,
    }
    alone = [h for h in households if len(h.members) == 1]
    pool = alone or [h for h in households if len(h.members) > 1]
    died_in = None
    if pool:
        # The oldest people living alone: deaths are mostly there.
        oldest = sorted(pool, key=lambda h: (h.members[-1].birth_date, h.code))[:5]
        died_in = rng.choice(oldest)
        person = died_in.members[-1]  # the only one, or the last non-head
        person.cancelled_on = day_after(person.registered_on)
        person.cancellation_reason = "death"
        record["died"] = {
            "tax_code": person.tax_code,
            "family_sheet": died_in.code,
            "cancelled_on": person.cancelled_on.isoformat(),
        }

    leavers = [
        (h, m)
        for h in households
        if h is not died_in
        for m in h.members
        if m.relation != "head" and _age(m.birth_date, reference_date) >= 18
    ]
    # Grown children leave home first.
    leavers.sort(key=lambda hm: (hm[1].relation != "child", hm[1].birth_date, hm[1].tax_code))
    moved_from = new_sheet = None
    if leavers:
        moved_from, person = rng.choice(leavers[:10])
        moved_from.members.remove(person)
        code = _next_sheet(population.sheet_codes | {h.code for h in households})
        address = _street(rng)
        while address == moved_from.address:
            address = _street(rng)
        moved = replace(person, relation="head", registered_on=day_after(person.registered_on))
        new_sheet = HouseholdSample(code, address, [moved])
        households.append(new_sheet)  # the highest number: last, as sorted
        record["moved"] = {
            "tax_code": person.tax_code,
            "from_family_sheet": moved_from.code,
            "family_sheet": code,
            "registered_on": moved.registered_on.isoformat(),
            "address": address,
        }

    others = [h for h in households if all(h is not x for x in (died_in, moved_from, new_sheet))]
    others.sort(key=lambda h: (-len(h.members), _natural(h.code)))
    if others:
        household = rng.choice(others[:20])
        address = _street(rng)
        while address == household.address:
            address = _street(rng)
        record["address_changed"] = {
            "family_sheet": household.code,
            "from_address": household.address,
            "address": address,
            "tax_codes": [m.tax_code for m in household.members],
        }
        household.address = address

    changed = [record[k]["tax_code"] for k in ("died", "moved") if record[k]]
    if record["address_changed"]:
        changed += record["address_changed"]["tax_codes"]
    record["tax_codes"] = sorted(set(changed))
    return record


# --------------------------------------------------------------------------- other sources


class _World:
    """Property, rentals, local taxes and income of a population, planned together so that
    they agree: the landlord of a rental owns a second home, pays IMU on it and declares
    its rent; the household's head pays the TARI."""

    # (category, how common, lowest and highest cadastral income in euro)
    MAIN_HOMES = (
        ("A/2", 35, 400, 1100),
        ("A/3", 45, 250, 700),
        ("A/4", 10, 150, 400),
        ("A/7", 10, 700, 1500),
    )

    def __init__(self, population: Population, rng: random.Random, reference_date):
        self.population, self.rng, self.ref = population, rng, reference_date
        self.years = (reference_date.year - 2, reference_date.year - 1)
        self.units: list[dict] = []  # property rows
        self.second_homes: dict[str, list[dict]] = {}  # owner -> units liable to IMU
        self.contracts: list[dict] = []
        self.unit_ids: set[str] = set()
        self.contract_ids = {
            key for h in population.households for kind, key, _v in h.facts if kind == "rental"
        }
        self.rent_income: dict[tuple[str, int], float] = {}
        owners = self._plan_homes()
        self._plan_landlords(owners)
        for head in owners:
            if rng.random() < 0.07:  # a holiday home
                self._second_home(head, self.ref - datetime.timedelta(days=400))

    # ---- planning

    def _unit_id(self) -> str:
        rng = self.rng
        while True:
            unit = (
                f"{self.population.cadastral_code}-{rng.randint(1, 300)}-"
                f"{rng.randint(1, 2500)}-{rng.randint(1, 40)}"
            )
            if unit not in self.unit_ids:
                self.unit_ids.add(unit)
                return unit

    def _bought(self, youngest_birth: datetime.date) -> datetime.date:
        latest = self.ref - datetime.timedelta(days=30)
        earliest = max(_years_after(youngest_birth, 20), datetime.date(1965, 1, 1))
        if earliest >= latest:
            return latest  # inherited young
        return earliest + datetime.timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def _own(self, owners: list[Member], category, value, since, until=None) -> list[dict]:
        unit = self._unit_id()
        share = round(100 / len(owners), 2)
        rows = [
            {
                "tax_code": owner.tax_code,
                "unit_id": unit,
                "category": category,
                "share": share,
                "cadastral_value": value,
                "since": since,
                "until": until,
            }
            for owner in owners
        ]
        self.units.extend(rows)
        return rows

    def _contract(self, household: HouseholdSample, key: str, value: Mapping) -> dict | None:
        try:
            start = datetime.date.fromisoformat(value["start"])
            end = datetime.date.fromisoformat(value["end"]) if value.get("end") else None
            rent = float(value["yearly_rent"])
        except (KeyError, TypeError, ValueError):
            return None
        return {
            "contract_id": key,
            "tenant": household.members[0],
            "address": household.address or _street(self.rng),
            "yearly_rent": rent,
            "start": start,
            "end": end,
        }

    def _new_contract(self, household: HouseholdSample) -> dict:
        rng = self.rng
        while True:
            key = f"RC{rng.randint(10**6, 10**7 - 1)}"
            if key not in self.contract_ids:
                self.contract_ids.add(key)
                break
        start = self.ref - datetime.timedelta(days=rng.randint(30, 1400))
        value = {
            "yearly_rent": rng.randrange(3600, 12000, 100),
            "start": start.isoformat(),
            "end": (_years_after(start, 4) - datetime.timedelta(days=1)).isoformat(),
        }
        return self._contract(household, key, value)

    def _plan_homes(self) -> list[Member]:
        """Tenancies from the database's rental facts, home ownership for most others."""
        rng, owners = self.rng, []
        for household in self.population.households:
            if not household.members:
                continue
            rentals = [(k, v) for kind, k, v in household.facts if kind == "rental"]
            contracts = [c for c in (self._contract(household, k, v) for k, v in rentals) if c]
            roll = rng.random()
            if not contracts and roll < 0.1:
                contracts = [self._new_contract(household)]
            self.contracts.extend(contracts)
            if contracts or roll > 0.85:
                continue
            head = household.members[0]
            adults = [m for m in household.members if _age(m.birth_date, self.ref) >= 18]
            if head not in adults:
                continue
            partners = [m for m in adults if m.relation in ("spouse", "partner")]
            together = [head, partners[0]] if partners and rng.random() < 0.6 else [head]
            since = self._bought(max(m.birth_date for m in together))
            category, _weight, low, high = rng.choices(
                self.MAIN_HOMES, weights=[w for _c, w, _l, _h in self.MAIN_HOMES]
            )[0]
            self._own(together, category, round(rng.uniform(low, high), 2), since)
            if rng.random() < 0.45:
                self._own(together, "C/6", round(rng.uniform(40, 160), 2), since)
            if rng.random() < 0.06:  # the flat sold when they moved here
                until = since - datetime.timedelta(days=rng.randint(0, 60))
                bought = until - datetime.timedelta(days=rng.randint(3 * 365, 20 * 365))
                if bought > _years_after(head.birth_date, 18):
                    self._own([head], "A/3", round(rng.uniform(250, 600), 2), bought, until)
            owners.append(head)
        return owners

    def _second_home(self, owner: Member, before: datetime.date) -> None:
        since = min(self._bought(owner.birth_date), before)
        category = self.rng.choice(("A/2", "A/3", "A/3"))
        value = round(self.rng.uniform(250, 900), 2)
        self.second_homes.setdefault(owner.tax_code, []).extend(
            self._own([owner], category, value, since)
        )

    def _plan_landlords(self, owners: list[Member]) -> None:
        """Each rented home belongs to a head of another household, who owns it as a second
        home and declares the rent as income."""
        rng = self.rng
        landlords = [o for o in owners if _age(o.birth_date, self.ref) >= 25]
        kept = []
        for contract in self.contracts:
            tenant = contract["tenant"]
            choices = [o for o in landlords if o.tax_code != tenant.tax_code] or [
                m
                for h in self.population.households
                for m in h.members
                if m.tax_code != tenant.tax_code and _age(m.birth_date, self.ref) >= 25
            ]
            if not choices:
                continue
            owner = rng.choice(choices)
            contract["owner"] = owner
            self._second_home(owner, contract["start"] - datetime.timedelta(days=30))
            for year in self.years:
                first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
                end = min(contract["end"] or last, last)
                days = (end - max(contract["start"], first)).days + 1
                if days > 0:
                    key = (owner.tax_code, year)
                    share = contract["yearly_rent"] * days / ((last - first).days + 1)
                    self.rent_income[key] = self.rent_income.get(key, 0) + share
            kept.append(contract)
        self.contracts = kept

    # ---- the files

    def property_rows(self) -> list[dict]:
        return self.units

    def rental_rows(self) -> list[dict]:
        return [
            {
                "contract_id": c["contract_id"],
                "tenant_tax_code": c["tenant"].tax_code,
                "owner_tax_code": c["owner"].tax_code,
                "address": c["address"],
                "yearly_rent": c["yearly_rent"],
                "start": c["start"],
                "end": c["end"],
            }
            for c in self.contracts
        ]

    def _payment(self, due: float) -> float:
        roll = self.rng.random()
        if roll < 0.84:
            return due
        if roll < 0.95:
            return round(due * self.rng.uniform(0.2, 0.8), 2)
        return 0.0

    def local_tax_rows(self) -> list[dict]:
        rng, rows = self.rng, []
        for household in self.population.households:
            if not household.members or rng.random() < 0.04:  # not yet on the TARI roll
                continue
            head = household.members[0]
            recorded = {}
            for kind, key, value in household.facts:
                tax, _sep, year = key.partition("-")
                if kind == "local_tax" and tax == "TARI" and year.isdigit():
                    recorded[int(year)] = value
            tariff = (70 + 55 * min(len(household.members), 6)) * rng.uniform(0.9, 1.15)
            arrears = round(rng.uniform(60, 900), 2) if rng.random() < 0.05 else 0.0
            for year in sorted({*self.years, *recorded}):
                due = round(tariff * (1 + 0.02 * (year - self.years[0])), 2)
                paid = self._payment(due)
                fact = recorded.get(year)
                if fact:
                    due = float(fact.get("due", due))
                    paid = min(float(fact.get("paid", paid)), due)
                    if fact.get("arrears") and not arrears:
                        arrears = round(rng.uniform(60, 900), 2)
                rows.append(self._tax_row(head.tax_code, "TARI", year, due, paid, arrears))
                arrears = round(arrears + due - paid, 2)
        for owner in sorted(self.second_homes):
            arrears = 0.0
            for year in self.years:
                due = 0.0
                for unit in self.second_homes[owner]:
                    if unit["since"].year <= year:
                        # IMU: cadastral income revalued 5%, times 160, at 10.6 per thousand
                        due += unit["cadastral_value"] * 1.05 * 160 * 0.0106 * unit["share"] / 100
                if due:
                    due = round(due, 2)
                    paid = self._payment(due)
                    rows.append(self._tax_row(owner, "IMU", year, due, paid, arrears))
                    arrears = round(arrears + due - paid, 2)
        return rows

    @staticmethod
    def _tax_row(code, tax, year, due, paid, arrears) -> dict:
        return {
            "tax_code": code,
            "tax": tax,
            "year": year,
            "due": due,
            "paid": paid,
            "arrears": arrears,
        }

    def income_rows(self) -> list[dict]:
        rng, amounts = self.rng, {}
        facts = self.population.person_facts
        for household in self.population.households:
            for member in household.members:
                if facts:
                    for _kind, key, value in facts.get(member.tax_code, ()):
                        if not key.isdigit() or not isinstance(value, dict):
                            continue
                        for income_type, amount in sorted(value.items()):
                            if income_type in INCOME_TYPES and isinstance(amount, int | float):
                                item = (member.tax_code, int(key), income_type)
                                amounts[item] = amounts.get(item, 0) + amount
                    continue
                # No income facts at all in the database: invent the usual ones.
                age, year = _age(member.birth_date, self.ref), self.years[-1]
                roll = rng.random()
                if age >= 67:
                    item, amount = "pension", rng.lognormvariate(9.6, 0.35)
                elif age >= 18 and roll < 0.7:
                    item, amount = "employment", rng.lognormvariate(9.9, 0.5)
                elif age >= 18 and roll < 0.8:
                    item, amount = "self_employment", rng.lognormvariate(10.0, 0.7)
                else:
                    continue
                amounts[(member.tax_code, year, item)] = amount
        for (code, year), rent in sorted(self.rent_income.items()):
            amounts[(code, year, "property")] = amounts.get((code, year, "property"), 0) + rent
        order = {}
        for household in self.population.households:
            for member in household.members:
                order.setdefault(member.tax_code, len(order))
        return [
            {"tax_code": code, "year": year, "income_type": kind, "amount": round(amount, 2)}
            for (code, year, kind), amount in sorted(
                amounts.items(), key=lambda item: (order.get(item[0][0], 0), item[0])
            )
        ]


def isee_rows(population: Population, rng: random.Random, reference_date) -> list[dict]:
    """ISEE attestations of this year's DSU for most households without one on record, by
    the head's tax code: an ordinary one, and for some households with a minor one for
    minors too. Issued between 1 January and the reference date, valid to 31 December."""
    year = reference_date.year
    first = datetime.date(year, 1, 1)
    span = max(0, min(60, (reference_date - first).days))
    rows, protocols = [], set()

    def protocol() -> str:
        while True:
            number = f"INPS-ISEE-{year}-{rng.randint(1, 10**8 - 1):08d}{rng.choice('ABCDEFGH')}-00"
            if number not in protocols:
                protocols.add(number)
                return number

    for household in population.households:
        if household.code in population.isee_sheets or rng.random() >= 0.6:
            continue
        head = household.members[0]
        minors = any(_age(m.birth_date, reference_date) < 18 for m in household.members)
        kinds = [ISEE_KINDS[0]] + ([ISEE_KINDS[2]] if minors and rng.random() < 0.3 else [])
        for kind in kinds:
            rows.append(
                {
                    "tax_code": head.tax_code,
                    "dsu_protocol": protocol(),
                    "dsu_year": year,
                    "isee_kind": kind,
                    "isee_value": round(rng.lognormvariate(9.3, 0.7), 2),
                    "issued_on": first + datetime.timedelta(days=rng.randint(0, span)),
                    "valid_until": datetime.date(year, 12, 31),
                }
            )
    return rows


# --------------------------------------------------------------------------- writing


def _bad_count(rows: int, share: float) -> int:
    if not 0 <= share <= 1:
        raise ValueError(f"bad_share must be between 0 and 1, not {share!r}")
    if not rows or not share:
        return 0
    return max(1, round(rows * share))


class _Writer:
    """Formats canonical values in a dialect and spoils the rows chosen beforehand.

    Streaming: the rows to spoil are drawn from the row count, so a file of any length is
    written without holding it. A head whose family sheet has other members is passed over
    (its defect goes to a later row) so that the sheet is not left headless on import.
    """

    def __init__(self, fmt: SourceFormat, dialect: Dialect, rows: int, share: float, rng):
        self.fmt, self.dialect, self.rng, self.rows = fmt, dialect, rng, rows
        self.header = [dialect.columns.get(c.name) or c.name for c in fmt.columns]
        self.codes = {
            name: {canonical: text for text, canonical in reversed(list(codes.items()))}
            for name, codes in dialect.values.items()
        }
        count = _bad_count(rows, share)
        self.chosen = set(rng.sample(range(rows), count)) if count else set()
        self.ahead, self.pending = count, 0
        self.spoiled: list[dict] = []

    def number(self, value: float) -> str:
        dialect = self.dialect
        if dialect.thousands_separator:
            text = f"{value:,.2f}"
            return text.translate(
                str.maketrans({",": dialect.thousands_separator, ".": dialect.decimal_separator})
            )
        return f"{value:.2f}".replace(".", dialect.decimal_separator)

    def cells(self, row: Mapping) -> list[str]:
        cells = []
        for column in self.fmt.columns:
            value = row.get(column.name)
            if value is None or value == "":
                cells.append("")
            elif column.kind == Kind.DATE:
                cells.append(value.strftime(self.dialect.date_format))
            elif column.kind == Kind.DECIMAL:
                cells.append(self.number(value))
            elif column.kind == Kind.CHOICE:
                cells.append(self.codes.get(column.name, {}).get(value, value))
            else:  # a line break would shift every later line number
                cells.append(" ".join(str(value).splitlines()))
        return cells

    def write(self, path: Path, rows: Iterable[dict]) -> int:
        """Write the header and `rows` (exactly `self.rows` of them)."""
        group_by, written = self.fmt.group_by, 0
        with open(path, "w", encoding=self.dialect.encoding, errors="replace", newline="") as f:
            # errors="replace": a legacy export loses the letters its code page lacks, too
            writer = csv.writer(f, delimiter=self.dialect.delimiter, lineterminator="\r\n")
            writer.writerow(self.header)
            for current, following in _pairs(rows):
                avoid = (
                    bool(group_by)
                    and current.get("relation") == "head"
                    and following is not None
                    and following.get(group_by) == current.get(group_by)
                )
                writer.writerow(self._maybe_spoil(written, current, self.cells(current), avoid))
                written += 1
        if written != self.rows:
            raise ValueError(f"{written} rows written, {self.rows} announced")
        return written

    def _maybe_spoil(self, index: int, row: Mapping, cells: list[str], avoid: bool) -> list:
        chosen = index in self.chosen
        if chosen:
            self.ahead -= 1
        if not chosen and not self.pending:
            return cells
        needed = self.pending + self.ahead + chosen
        if avoid and self.rows - index > needed:
            self.pending += chosen  # this defect goes to a later row
            return cells
        if not chosen:
            self.pending -= 1
        self._spoil(index + 2, row, cells)  # the header is line 1
        return cells

    def _spoil(self, line: int, row: Mapping, cells: list[str]) -> None:
        rng, options = self.rng, {}
        for position, column in enumerate(self.fmt.columns):
            value = row.get(column.name)
            if value is None or value == "":
                continue  # an empty optional cell spoiled would raise two complaints
            kinds = {
                Kind.TAX_CODE: "check_character",
                Kind.DATE: "impossible_date",
                Kind.DECIMAL: "not_a_number",
                Kind.CHOICE: "unknown_choice",
            }
            if column.kind in kinds:
                options.setdefault(kinds[column.kind], []).append(position)
            if column.required:
                options.setdefault("missing_value", []).append(position)
        defect = rng.choice([d for d in DEFECTS if d in options])
        position = rng.choice(options[defect])
        column, value = self.fmt.columns[position], row.get(self.fmt.columns[position].name)
        if defect == "check_character":
            code = str(value)
            if code.isdigit():
                text = code[:-1] + str((int(code[-1]) + rng.randint(1, 9)) % 10)
            else:
                text = code[:-1] + rng.choice(
                    [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != code[-1]]
                )
        elif defect == "impossible_date":
            day, month = rng.choice(IMPOSSIBLE_DAYS)
            text = (
                self.dialect.date_format.replace("%d", f"{day:02d}")
                .replace("%m", f"{month:02d}")
                .replace("%Y", f"{value.year:04d}")
            )
        elif defect == "not_a_number":
            written = cells[position]
            text = rng.choice(
                (
                    written.replace("0", "O", 1) if "0" in written else "n.d.",  # a typo
                    f"EUR {written}",
                    "n.d.",
                )
            )
        elif defect == "missing_value":
            text = ""
        else:
            codes = self.dialect.values.get(column.name) or {}
            taken = {c.lower() for c in (*codes, *column.choices)}
            candidates = [
                c
                for c in (*UNKNOWN_CHOICES.get(column.name, ()), "unknown", "??")
                if c.lower() not in taken
            ]
            text = rng.choice(candidates[:2])
        cells[position] = text
        self.spoiled.append(
            {
                "line": line,
                "column": column.name,
                "header": self.header[position],
                "defect": defect,
                "value": text,
            }
        )


def _pairs(rows: Iterable[dict]) -> Iterator[tuple[dict, dict | None]]:
    """Each row with the one after it (None at the end): one row of look-ahead."""
    iterator = iter(rows)
    current = next(iterator, None)
    while current is not None:
        following = next(iterator, None)
        yield current, following
        current = following


def _bad_rows_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.bad_rows.json")


def _changes_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.changes.json")


def _write_file(path, fmt, rows, count, dialect, bad_share, rng) -> int:
    writer = _Writer(fmt, dialect, count, bad_share, rng)
    written = writer.write(path, rows)
    bad = _bad_rows_path(path)
    if writer.spoiled:
        bad.write_text(json.dumps(writer.spoiled, indent=1, ensure_ascii=False) + "\n", "utf-8")
    else:
        bad.unlink(missing_ok=True)  # a stale list would name rows that are now good
    return written


def read_bad_rows(path) -> dict[int, str]:
    """{line number: canonical column} of the rows spoiled on purpose in the file at `path`."""
    bad = _bad_rows_path(Path(path))
    if not bad.exists():
        return {}
    return {item["line"]: item["column"] for item in json.loads(bad.read_text("utf-8"))}


def read_changes(path) -> dict:
    """What a later registry extraction (`changes=True`) changed, as written beside it."""
    return json.loads(_changes_path(Path(path)).read_text("utf-8"))


# --------------------------------------------------------------------------- public


def write_samples(
    municipality,
    directory,
    *,
    bad_share: float = 0.0,
    dialect: Dialect | None = None,
    seed: int = 1,
    reference_date: datetime.date | None = None,
    changes: bool = False,
) -> dict[str, Path]:
    """Write `<source>.csv` for the six sources of `municipality` into `directory`.

    The rows come from the database's current residents and households (read only). With
    `changes`, only `registry.csv` is written: a later extraction in which one person moved
    to a new family sheet, one died and one household changed address, as recorded in
    `registry.changes.json`. `bad_share` of the rows of each file (at least one if > 0) get
    one defect each, listed in `<source>.bad_rows.json`. Without `reference_date` (the date
    of the extraction, or of the first one with `changes`) today is used.
    """
    from siso_platform.territory.models import Municipality

    if isinstance(municipality, str):
        municipality = Municipality.objects.get(istat_code=municipality)
    _bad_count(1, bad_share)  # refuse a wrong share before writing anything
    dialect = dialect or Dialect()
    reference_date = reference_date or datetime.date.today()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    population = load_population(municipality)

    record, files = None, {}
    if changes:
        record = _make_changes(population, random.Random(f"{seed}:changes"), reference_date)
    else:
        world = _World(population, random.Random(seed), reference_date)
        files = {
            "local_taxes": world.local_tax_rows(),
            "property": world.property_rows(),
            "rentals": world.rental_rows(),
            "income": world.income_rows(),
            "isee": isee_rows(population, random.Random(f"{seed}:isee"), reference_date),
        }
    files = {
        "registry": [_registry_row(m, h) for h in population.households for m in h.members],
        **files,
    }

    paths = {}
    for name, rows in files.items():
        path = directory / f"{name}.csv"
        rng = random.Random(f"{seed}:bad:{name}")
        _write_file(path, FORMATS[name], rows, len(rows), dialect, bad_share, rng)
        paths[name] = path
    changes_path = _changes_path(directory / "registry.csv")
    if record is not None:
        changes_path.write_text(json.dumps(record, indent=1) + "\n", "utf-8")
    else:
        changes_path.unlink(missing_ok=True)
    return paths


def registry_rows(
    n: int,
    cadastral_code: str,
    *,
    seed: int = 1,
    as_of: datetime.date = SYNTHETIC_AS_OF,
) -> Iterator[dict]:
    """`n` synthetic, valid registry rows of one municipality, without a database.

    Canonical values (dates as dates), family sheets contiguous and head first; the people
    of `plan_households`, all living in the municipality, registered as `populate` does.
    """
    town = MunicipalityInfo(0, cadastral_code.upper(), 1)
    registered_floor = as_of - datetime.timedelta(days=3650)
    for plan in plan_households(n, [town], seed=seed, as_of=as_of):
        for member in plan.members:
            first_name = member.first_name
            if first_name == "Nicola":
                # Same tax-code letters (NCL): an accented name, so the code page matters.
                first_name = "Niccolò"
            yield {
                "tax_code": member.tax_code,
                "last_name": member.last_name,
                "first_name": first_name,
                "sex": member.sex,
                "birth_date": member.birth_date,
                "birth_place_code": member.birth_place_code,
                "citizenship": member.citizenship,
                "address": plan.address,
                "family_sheet": plan.code,
                "relation": str(member.relation),
                "registered_on": max(member.birth_date, registered_floor),
                "cancelled_on": None,
                "cancellation_reason": None,
            }


def write_registry_rows(
    path,
    n: int,
    cadastral_code: str,
    *,
    seed: int = 1,
    as_of: datetime.date = SYNTHETIC_AS_OF,
    dialect: Dialect | None = None,
    bad_share: float = 0.0,
) -> int:
    """Stream `registry_rows(n, ...)` to a file (memory stays flat); returns the row count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = registry_rows(n, cadastral_code, seed=seed, as_of=as_of)
    rng = random.Random(f"{seed}:bad:registry")
    return _write_file(path, REGISTRY, rows, n, dialect or Dialect(), bad_share, rng)
