"""Synthetic persons and households for the demo and regional-scale benchmarks.

Deterministic for a given seed: the same call makes the same people. Persons have valid tax
codes (homonyms get omocodic codes, as the Revenue Agency does), are born and live in real
municipalities, and are grouped in realistic households with a few facts each.
`plan_households` is pure; `populate` writes its output with bulk inserts.
"""

import datetime
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from . import tax_code as tc
from .models import Fact, FactKind, Household, HouseholdMembership, Person, Relation

MALE_NAMES = (
    "Marco Luca Giuseppe Giovanni Antonio Francesco Alessandro Andrea Matteo Lorenzo Stefano "
    "Roberto Paolo Mario Davide Simone Federico Riccardo Fabio Massimo Claudio Sergio Enrico "
    "Bruno Franco Luigi Pietro Carlo Giorgio Tommaso Leonardo Gabriele Edoardo Nicola Daniele "
    "Emanuele Vincenzo Filippo Angelo Alberto"
).split()
FEMALE_NAMES = (
    "Maria Anna Giulia Francesca Sara Laura Chiara Valentina Alessandra Elena Martina Federica "
    "Paola Roberta Silvia Giovanna Rita Lucia Angela Teresa Rosa Carla Sofia Aurora Alice "
    "Ginevra Emma Giorgia Beatrice Greta Marta Irene Elisa Cristina Daniela Barbara Monica "
    "Simona Luisa Franca"
).split()
SURNAMES = (
    "Rossi,Russo,Ferrari,Esposito,Bianchi,Romano,Colombo,Ricci,Marino,Greco,Bruno,Gallo,Conti,"
    "De Luca,Mancini,Costa,Giordano,Rizzo,Lombardi,Moretti,Barbieri,Fontana,Santoro,Mariani,"
    "Rinaldi,Caruso,Ferrara,Galli,Martini,Leone,Longo,Gentile,Martinelli,Vitale,Lombardo,Serra,"
    "Coppola,De Santis,D'Angelo,Marchetti,Parisi,Villa,Conte,Ferraro,Ferri,Fabbri,Bianco,Marini,"
    "Grasso,Valentini,Messina,Sala,De Angelis,Gatti,Pellegrini,Palumbo,Sanna,Farina,Rizzi,Monti,"
    "Cattaneo,Morelli,Amato,Silvestri,Mazza,Testa,Grassi,Pellegrino,Carbone,Giuliani,Benedetti,"
    "Barone,Rossetti,Caputo,Montanari,Guerra,Palmieri,Bernardi,Martino,Fiore,De Rosa,Ferretti,"
    "Bellini,Basile,Riva,Donati,Piras,Vitali,Battaglia,Sartori,Neri,Costantini,Milani,Pagano,"
    "Ruggiero,Sorrentino,Bartolini,Cecchetti,Brunetti,Trappolini,Ceccarelli,Menichetti,Sbarra,"
    "Cruciani"
).split(",")
# Birth countries of large foreign communities in Umbria: country code -> citizenship.
FOREIGN_BIRTHPLACES = {
    "Z100": "AL",
    "Z129": "RO",
    "Z330": "MA",
    "Z138": "UA",
    "Z140": "MD",
    "Z210": "CN",
    "Z604": "CO",
    "Z222": "IN",
}
ITALIAN_BIRTHPLACES_ELSEWHERE = ("H501", "F839", "F205", "L219", "A944", "G273")
STREETS = (
    "Via Roma",
    "Via Garibaldi",
    "Via Mazzini",
    "Corso Vannucci",
    "Via dei Priori",
    "Via XX Settembre",
    "Via della Stazione",
    "Piazza Matteotti",
    "Via Cavour",
    "Via San Francesco",
    "Via Tiberina",
    "Via Flaminia",
    "Viale Europa",
    "Via Gramsci",
)

# Household shapes and how common they are (shares of households, roughly ISTAT's).
SHAPES = (
    ("single_adult", 18),
    ("elderly_alone", 13),
    ("elderly_couple", 11),
    ("couple", 16),
    ("family_with_minors", 27),
    ("single_parent", 7),
    ("family_adult_children", 6),
    ("adult_with_elderly_parent", 2),
)


@dataclass
class PersonPlan:
    tax_code: str
    last_name: str
    first_name: str
    sex: str
    birth_date: datetime.date
    birth_place_code: str
    citizenship: str
    relation: str
    facts: list[tuple[str, str, dict]] = field(default_factory=list)  # (kind, key, value)


@dataclass
class HouseholdPlan:
    code: str
    municipality_id: int
    address: str
    members: list[PersonPlan]
    facts: list[tuple[str, str, dict]] = field(default_factory=list)


@dataclass(frozen=True)
class MunicipalityInfo:
    id: int
    cadastral_code: str
    population: int


class _Generator:
    def __init__(self, municipalities: Sequence[MunicipalityInfo], seed: int, as_of):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.municipalities = list(municipalities)
        weights, total = [], 0
        for m in self.municipalities:
            total += m.population
            weights.append(total)
        self.cum_weights = weights
        self.used_codes: set[str] = set()
        self.sheet_numbers: dict[int, int] = {}
        self.shapes = [s for s, _ in SHAPES]
        self.shape_weights = [w for _, w in SHAPES]

    def birth_date(self, min_age: int, max_age: int) -> datetime.date:
        age_days = self.rng.randint(min_age * 365 + 1, max_age * 365 + 300)
        return self.as_of - datetime.timedelta(days=age_days)

    def unique_code(self, last, first, sex, born, place) -> str:
        code = tc.encode(last, first, sex, born, place)
        if code in self.used_codes:
            code = next(
                (v for v in tc.omocodic_variants(code, all_forms=True) if v not in self.used_codes),
                None,
            )
            if code is None:  # 128 homonyms: extremely unlikely; shift the birthday
                return self.unique_code(last, first, sex, born + datetime.timedelta(1), place)
        self.used_codes.add(code)
        return code

    def person(self, relation, sex, min_age, max_age, last_name, home) -> PersonPlan:
        rng = self.rng
        first = rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)
        born = self.birth_date(min_age, max_age)
        roll = rng.random()
        if roll < 0.08 and min_age >= 18:
            place = rng.choice(tuple(FOREIGN_BIRTHPLACES))
            citizenship = FOREIGN_BIRTHPLACES[place]
        elif roll < 0.55:
            place, citizenship = home.cadastral_code, "IT"
        elif roll < 0.9:
            place, citizenship = self.pick_municipality().cadastral_code, "IT"
        else:
            place, citizenship = rng.choice(ITALIAN_BIRTHPLACES_ELSEWHERE), "IT"
        code = self.unique_code(last_name, first, sex, born, place)
        plan = PersonPlan(code, last_name, first, sex, born, place, citizenship, relation)
        self.add_person_facts(plan)
        return plan

    def add_person_facts(self, plan: PersonPlan) -> None:
        rng, age = self.rng, (self.as_of - plan.birth_date).days // 365
        year = str(self.as_of.year - 1)
        if age >= 67:
            plan.facts.append(
                (FactKind.INCOME, year, {"pension": round(rng.lognormvariate(9.6, 0.35), 2)})
            )
        elif age >= 18 and rng.random() < 0.8:
            plan.facts.append(
                (FactKind.INCOME, year, {"employment": round(rng.lognormvariate(9.9, 0.5), 2)})
            )
        if rng.random() < (0.25 if age >= 75 else 0.03):
            plan.facts.append(
                (
                    FactKind.DISABILITY,
                    "",
                    {
                        "civil_invalidity_percent": rng.choice((67, 75, 100)),
                        "accompanying_allowance": age >= 75 and rng.random() < 0.5,
                    },
                )
            )

    def pick_municipality(self) -> MunicipalityInfo:
        return self.rng.choices(self.municipalities, cum_weights=self.cum_weights)[0]

    def household(self) -> HouseholdPlan:
        rng = self.rng
        home = self.pick_municipality()
        shape = rng.choices(self.shapes, weights=self.shape_weights)[0]
        surname = rng.choice(SURNAMES)
        head_sex = rng.choice("MF")
        other_sex = "F" if head_sex == "M" else "M"

        def member(relation, sex, lo, hi, last=surname):
            return self.person(relation, sex, lo, hi, last, home)

        partner_surname = rng.choice(SURNAMES)
        if shape == "single_adult":
            members = [member(Relation.HEAD, head_sex, 20, 64)]
        elif shape == "elderly_alone":
            members = [member(Relation.HEAD, rng.choice("FFM"), 75, 97)]
        elif shape == "elderly_couple":
            members = [
                member(Relation.HEAD, "M", 65, 92),
                member(Relation.SPOUSE, "F", 63, 90, partner_surname),
            ]
        elif shape == "couple":
            members = [
                member(Relation.HEAD, head_sex, 25, 64),
                member(
                    rng.choice((Relation.SPOUSE, Relation.PARTNER)),
                    other_sex,
                    25,
                    64,
                    partner_surname,
                ),
            ]
        elif shape in ("family_with_minors", "single_parent", "family_adult_children"):
            members = [member(Relation.HEAD, head_sex, 30, 55)]
            if shape != "single_parent":
                members.append(member(Relation.SPOUSE, other_sex, 28, 55, partner_surname))
            lo, hi = (0, 17) if shape != "family_adult_children" else (18, 30)
            for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
                members.append(member(Relation.CHILD, rng.choice("MF"), lo, hi))
        else:  # adult_with_elderly_parent
            members = [
                member(Relation.HEAD, head_sex, 45, 64),
                member(Relation.PARENT, rng.choice("FM"), 78, 97),
            ]
        number = self.sheet_numbers.get(home.id, 0) + 1
        self.sheet_numbers[home.id] = number
        plan = HouseholdPlan(
            code=f"FS{number:07d}",
            municipality_id=home.id,
            address=f"{rng.choice(STREETS)} {rng.randint(1, 180)}",
            members=members,
        )
        self.add_household_facts(plan)
        return plan

    def add_household_facts(self, plan: HouseholdPlan) -> None:
        rng, year = self.rng, self.as_of.year
        if rng.random() < 0.45:
            plan.facts.append(
                (FactKind.ISEE, str(year), {"isee": round(rng.lognormvariate(9.3, 0.7), 2)})
            )
        if rng.random() < 0.2:
            start = self.as_of - datetime.timedelta(days=rng.randint(30, 1400))
            plan.facts.append(
                (
                    FactKind.RENTAL,
                    f"RC{rng.randint(10**6, 10**7 - 1)}",
                    {
                        "yearly_rent": rng.randrange(3600, 12000, 100),
                        "start": start.isoformat(),
                        "end": (start + datetime.timedelta(days=4 * 365)).isoformat(),
                    },
                )
            )
        if rng.random() < 0.06:
            plan.facts.append(
                (
                    FactKind.LOCAL_TAX,
                    f"TARI-{year - 1}",
                    # the shape the local-taxes import writes
                    {
                        "tax": "TARI",
                        "year": year - 1,
                        "due": 320.0,
                        "paid": round(rng.uniform(0, 200), 2),
                        "arrears": round(rng.uniform(60, 900), 2),
                    },
                )
            )


def plan_households(
    n_persons: int,
    municipalities: Sequence[MunicipalityInfo],
    *,
    seed: int = 1,
    as_of: datetime.date = datetime.date(2026, 1, 1),
) -> Iterator[HouseholdPlan]:
    """Households whose members add up to exactly `n_persons` (the last may be cut short)."""
    generator = _Generator(municipalities, seed, as_of)
    made = 0
    while made < n_persons:
        plan = generator.household()
        plan.members = plan.members[: n_persons - made]
        made += len(plan.members)
        yield plan


def _facts(subject_field, subject, facts, valid_from) -> list[Fact]:
    return [
        Fact(
            kind=kind,
            key=key,
            value=value,
            valid_from=valid_from,
            source="demo",
            **{subject_field: subject},
        )
        for kind, key, value in facts
    ]


def write_batch(plans: list[HouseholdPlan], valid_from: datetime.date) -> int:
    """Insert one batch of planned households with their members and facts."""
    with transaction.atomic():
        households = Household.objects.bulk_create(
            Household(code=p.code, municipality_id=p.municipality_id, address=p.address)
            for p in plans
        )
        people = Person.objects.bulk_create(
            Person(
                tax_code=m.tax_code,
                last_name=m.last_name,
                first_name=m.first_name,
                sex=m.sex,
                birth_date=m.birth_date,
                birth_place_code=m.birth_place_code,
                citizenship=m.citizenship,
                residence_municipality_id=p.municipality_id,
                address=p.address,
            )
            for p in plans
            for m in p.members
        )
        memberships, facts, people_iter = [], [], iter(people)
        for plan, household in zip(plans, households, strict=True):
            facts += _facts("household", household, plan.facts, valid_from)
            for member in plan.members:
                person = next(people_iter)
                memberships.append(
                    HouseholdMembership(
                        household=household,
                        person=person,
                        relation=member.relation,
                        valid_from=max(member.birth_date, valid_from - datetime.timedelta(3650)),
                    )
                )
                facts += _facts("person", person, member.facts, valid_from)
        HouseholdMembership.objects.bulk_create(memberships)
        Fact.objects.bulk_create(facts)
    return len(people)


def populate(
    n_persons: int,
    *,
    seed: int = 1,
    as_of: datetime.date = datetime.date(2026, 1, 1),
    batch_persons: int = 5000,
    progress=None,
) -> int:
    """Generate and insert `n_persons` persons; returns how many were written."""
    from siso_platform.territory.models import Municipality

    municipalities = [
        MunicipalityInfo(m.pk, m.cadastral_code, m.population_2011)
        for m in Municipality.objects.order_by("istat_code")
    ]
    if not municipalities:
        raise ValueError("Load the territory first (manage.py load_territory).")
    written, batch, in_batch = 0, [], 0
    for plan in plan_households(n_persons, municipalities, seed=seed, as_of=as_of):
        batch.append(plan)
        in_batch += len(plan.members)
        if in_batch >= batch_persons:
            written += write_batch(batch, as_of)
            batch, in_batch = [], 0
            if progress:
                progress(written)
    if batch:
        written += write_batch(batch, as_of)
        if progress:
            progress(written)
    return written
