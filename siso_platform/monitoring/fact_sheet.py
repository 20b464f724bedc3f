"""The household fact sheet: one JSON document describing a household at a date, the input of
every eligibility rule and need indicator (its shape is documented in docs/monitoring.md and
shown to administrators beside the rule editor).

`build` is pure: it assembles rows already fetched. `sheets` fetches those rows for many
households in a fixed number of queries (seven, whatever their number), `sheet` for one.

Facts come from two places: the registry imports write them about persons (a member's rental,
income, local taxes), earlier loads and operators also about the household. Both are read.
A value nobody knows is `null` (ISEE never declared, no income on record): rules treat it as
a missing fact, so the household is undetermined rather than judged on a guess. A list of
things (rentals, property, arrears) is empty when none is on record.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from siso_platform.casework.models import Case, CaseStatus, Intervention, Need, NeedStatus
from siso_platform.id_sets import among
from siso_platform.people import attestations
from siso_platform.people.models import Fact, FactKind, Household, HouseholdMembership

FACT_KINDS = frozenset(
    kind.value
    for kind in (
        FactKind.INCOME,
        FactKind.ISEE,
        FactKind.PROPERTY,
        FactKind.RENTAL,
        FactKind.LOCAL_TAX,
        FactKind.DISABILITY,
    )
)


def _field(name, kind, meaning):
    return {"name": name, "type": kind, "meaning": meaning}


# The documented shape (docs/monitoring.md lists the same names; a test keeps them in step).
FIELDS = [
    _field("on", "date", _("The date the sheet describes (YYYY-MM-DD).")),
    _field("household.id", "number", _("The household.")),
    _field("household.municipality", "text", _("ISTAT code of its municipality.")),
    _field("household.zone", "number", _("Its social zone.")),
    _field("members", "list", _("The current members, oldest first.")),
    _field("members.N.person", "number", _("The person.")),
    _field("members.N.age", "number", _("Age in whole years.")),
    _field("members.N.sex", "text", _("M or F.")),
    _field("members.N.relation", "text", _("head, spouse, partner, child, parent, ...")),
    _field("members.N.minor", "yes/no", _("Under 18.")),
    _field("members.N.disabled", "yes/no", _("A civil invalidity or disability is on record.")),
    _field("members.N.invalidity_percent", "number", _("Civil invalidity percentage, or null.")),
    _field("members.N.accompanying_allowance", "yes/no", _("Receives the accompanying allowance.")),
    _field("members.N.dependent", "yes/no", _("Dependent on others: 100% or the allowance.")),
    _field("members.N.income", "object", _('Income per year, e.g. {"2025": 14000}.')),
    _field("members.N.income_total", "number", _("Income of the latest year, or null.")),
    _field("size", "number", _("How many members.")),
    _field("minors", "number", _("Members under 18.")),
    _field("over_65", "number", _("Members aged 65 or more.")),
    _field("over_75", "number", _("Members aged 75 or more.")),
    _field("disabled_members", "number", _("Members with a disability on record.")),
    _field("dependent_members", "number", _("Members dependent on others.")),
    _field(
        "isee",
        "number",
        _(
            "The household's ISEE in effect: of the latest DSU year, a corrente before an "
            "ordinario; null when none is valid on the date."
        ),
    ),
    _field("isee_year", "text", _("The DSU year of that ISEE.")),
    _field(
        "income",
        "object",
        _(
            "{year, total}: the household's income of the latest year, "
            "or null when no income is on record."
        ),
    ),
    _field("property", "list", _("Real estate: unit, category, share, cadastral_value.")),
    _field(
        "rentals",
        "list",
        _(
            "Rental contracts: contract, yearly_rent, start, end, "
            "days_to_end (null without an end)."
        ),
    ),
    _field("rent_yearly", "number", _("The yearly rent of all contracts (0 without any).")),
    _field("local_taxes", "list", _("Local taxes owed: tax, year, arrears.")),
    _field("local_tax_arrears", "number", _("Local-tax arrears in euro (0 without any).")),
    _field(
        "interventions",
        "list",
        _(
            "Interventions running on the date: item, category, "
            "area, kind, provider, provider_kind, person, starts_on, "
            "ends_on, amount."
        ),
    ),
    _field("intervention_items", "list", _('Their catalogue codes, e.g. "E1.06".')),
    _field("intervention_categories", "list", _("The need categories they answer.")),
    _field("intervention_areas", "list", _('Their areas, e.g. "disability".')),
    _field("intervention_kinds", "list", _('Their kinds, e.g. "home", "cash".')),
    _field("open_cases", "list", _("Open cases of the members: id, person, zone, opened_on.")),
    _field("needs", "list", _("Needs not closed: category, origin, status, noted_on.")),
    _field("need_categories", "list", _("Their categories.")),
]

# What a user reads for each fact (an explanation names facts this way, never by their
# names): FIELDS and the parts of list items that rules read.
LABELS = {
    "on": _("Date"),
    "household": _("Household"),
    "household.id": _("Household"),
    "household.municipality": _("Municipality"),
    "household.zone": _("Social zone"),
    "members": _("Members"),
    "members.N.person": _("Person"),
    "members.N.age": _("Age"),
    "members.N.sex": _("Sex"),
    "members.N.relation": _("Relation to the head"),
    "members.N.minor": _("Minor"),
    "members.N.disabled": _("Disability on record"),
    "members.N.invalidity_percent": _("Civil invalidity percentage"),
    "members.N.accompanying_allowance": _("Accompanying allowance"),
    "members.N.dependent": _("Dependent on others"),
    "members.N.income": _("Income by year"),
    "members.N.income_total": _("Member's income"),
    "size": _("Household members"),
    "minors": _("Minors"),
    "over_65": _("Members aged 65 or more"),
    "over_75": _("Members aged 75 or more"),
    "disabled_members": _("Members with a disability"),
    "dependent_members": _("Members dependent on others"),
    "isee": _("ISEE"),
    "isee_year": _("ISEE year"),
    "income": _("Household income"),
    "income.year": _("Income year"),
    "income.total": _("Household income"),
    "property": _("Real estate"),
    "property.N.category": _("Cadastral category"),
    "property.N.share": _("Share owned"),
    "property.N.cadastral_value": _("Cadastral value"),
    "rentals": _("Rental contracts"),
    "rentals.N.yearly_rent": _("Contract's yearly rent"),
    "rentals.N.start": _("Contract's start"),
    "rentals.N.end": _("Contract's end"),
    "rentals.N.days_to_end": _("Days to the contract's end"),
    "rent_yearly": _("Yearly rent"),
    "local_taxes": _("Local taxes"),
    "local_taxes.N.tax": _("Tax"),
    "local_taxes.N.year": _("Tax year"),
    "local_taxes.N.arrears": _("Arrears of the tax"),
    "local_tax_arrears": _("Local-tax arrears"),
    "interventions": _("Running interventions"),
    "interventions.N.item": _("Catalogue item"),
    "interventions.N.category": _("Need category"),
    "interventions.N.area": _("Area"),
    "interventions.N.kind": _("Kind of intervention"),
    "interventions.N.starts_on": _("Intervention's start"),
    "interventions.N.ends_on": _("Intervention's end"),
    "interventions.N.amount": _("Intervention's amount"),
    "intervention_items": _("Running interventions (catalogue codes)"),
    "intervention_categories": _("Need categories of the running interventions"),
    "intervention_areas": _("Areas of the running interventions"),
    "intervention_kinds": _("Kinds of the running interventions"),
    "open_cases": _("Open cases"),
    "open_cases.N.zone": _("Case's social zone"),
    "open_cases.N.opened_on": _("Case opened on"),
    "needs": _("Open needs"),
    "needs.N.category": _("Need category"),
    "needs.N.origin": _("Need's origin"),
    "needs.N.status": _("Need's status"),
    "needs.N.noted_on": _("Need noted on"),
    "need_categories": _("Categories of the open needs"),
}
# Facts in euro: shown as amounts ("4.500 €"), and so are the numbers compared with them.
AMOUNTS = frozenset(
    {
        "isee",
        "income.total",
        "members.N.income_total",
        "rent_yearly",
        "local_tax_arrears",
        "rentals.N.yearly_rent",
        "local_taxes.N.arrears",
        "interventions.N.amount",
        "property.N.cadastral_value",
    }
)

# Units of the facts that are not euro: the rule editor and the explanations show them.
UNITS = {
    "members.N.age": _("years"),
    "members.N.invalidity_percent": "%",
    "rentals.N.days_to_end": _("days"),
}

# A civil invalidity of 100% or the accompanying allowance means daily dependence on others.
DEPENDENT_PERCENT = 100


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _income_total(value: dict) -> float:
    return round(sum(_number(v) or 0.0 for v in value.values()), 2)


def _days_to(end: str | None, on: datetime.date) -> int | None:
    if not end:
        return None
    try:
        return (datetime.date.fromisoformat(end[:10]) - on).days
    except ValueError:
        return None


def build(
    household: dict,
    members: Iterable[dict],
    facts: Iterable[dict],
    interventions: Iterable[dict],
    cases: Iterable[dict],
    needs: Iterable[dict],
    *,
    on: datetime.date,
) -> dict:
    """The fact sheet of one household from its rows (see `sheets` for their fields)."""
    person_facts: dict[int, list[dict]] = defaultdict(list)
    household_facts = []
    for fact in facts:
        if fact["person_id"]:
            person_facts[fact["person_id"]].append(fact)
        else:
            household_facts.append(fact)

    sheet_members, incomes_by_year = [], defaultdict(float)
    rentals, properties, arrears = {}, [], []
    isee = None
    for fact in household_facts:
        if fact["kind"] == FactKind.ISEE:
            isee = _isee(fact, isee)
        elif fact["kind"] == FactKind.INCOME:
            incomes_by_year[fact["key"]] += _income_total(fact["value"])
    for member in members:
        person_id = member["person_id"]
        disability, income = None, {}
        for fact in person_facts.get(person_id, ()):
            kind, value = fact["kind"], fact["value"]
            if kind == FactKind.DISABILITY:
                disability = value
            elif kind == FactKind.INCOME:
                income[fact["key"]] = _income_total(value)
                incomes_by_year[fact["key"]] += income[fact["key"]]
            elif kind == FactKind.ISEE:
                isee = _isee(fact, isee)
            elif kind in (FactKind.RENTAL, FactKind.PROPERTY, FactKind.LOCAL_TAX):
                household_facts.append(fact)
        percent = (disability or {}).get("civil_invalidity_percent")
        allowance = bool((disability or {}).get("accompanying_allowance"))
        age = _age(member["birth_date"], on)
        latest_income = income[max(income)] if income else None
        sheet_members.append(
            {
                "person": person_id,
                "age": age,
                "sex": member["sex"],
                "relation": member["relation"],
                "minor": age < 18,
                "disabled": disability is not None,
                "invalidity_percent": percent,
                "accompanying_allowance": allowance,
                "dependent": allowance or (percent or 0) >= DEPENDENT_PERCENT,
                "income": income,
                "income_total": latest_income,
            }
        )
    for fact in household_facts:
        kind, value = fact["kind"], fact["value"]
        if kind == FactKind.RENTAL:
            rentals[fact["key"]] = {
                "contract": fact["key"],
                "yearly_rent": _number(value.get("yearly_rent")) or 0.0,
                "start": value.get("start"),
                "end": value.get("end"),
                "days_to_end": _days_to(value.get("end"), on),
            }
        elif kind == FactKind.PROPERTY:
            properties.append(
                {
                    "unit": fact["key"],
                    "category": value.get("category"),
                    "share": _number(value.get("share")),
                    "cadastral_value": _number(value.get("cadastral_value")),
                }
            )
        elif kind == FactKind.LOCAL_TAX:
            arrears.append(
                {
                    "tax": value.get("tax"),
                    "year": value.get("year"),
                    "arrears": _number(value.get("arrears")) or 0.0,
                }
            )

    income = None
    if incomes_by_year:
        year = max(incomes_by_year)
        income = {"year": int(year) if year.isdigit() else year, "total": incomes_by_year[year]}
    running = [_intervention(row) for row in interventions]
    open_needs = [
        {
            "category": row["category__code"],
            "origin": row["origin"],
            "status": row["status"],
            "noted_on": row["noted_on"].isoformat(),
        }
        for row in needs
    ]
    return {
        "on": on.isoformat(),
        "household": {
            "id": household["id"],
            "municipality": household["municipality__istat_code"],
            "zone": household["municipality__zone_id"],
        },
        "members": sheet_members,
        "size": len(sheet_members),
        "minors": sum(m["minor"] for m in sheet_members),
        "over_65": sum(m["age"] >= 65 for m in sheet_members),
        "over_75": sum(m["age"] >= 75 for m in sheet_members),
        "disabled_members": sum(m["disabled"] for m in sheet_members),
        "dependent_members": sum(m["dependent"] for m in sheet_members),
        "isee": isee["isee"] if isee else None,
        "isee_year": isee["year"] if isee else None,
        "income": income,
        "property": properties,
        "rentals": sorted(rentals.values(), key=lambda r: r["contract"]),
        "rent_yearly": round(sum(r["yearly_rent"] for r in rentals.values()), 2),
        "local_taxes": arrears,
        "local_tax_arrears": round(sum(a["arrears"] for a in arrears), 2),
        "interventions": running,
        "intervention_items": sorted({i["item"] for i in running}),
        "intervention_categories": sorted({i["category"] for i in running}),
        "intervention_areas": sorted({i["area"] for i in running}),
        "intervention_kinds": sorted({i["kind"] for i in running}),
        "open_cases": [
            {
                "id": row["id"],
                "person": row["person_id"],
                "zone": row["zone_id"],
                "opened_on": row["opened_on"].isoformat(),
            }
            for row in cases
        ],
        "needs": open_needs,
        "need_categories": sorted({n["category"] for n in open_needs}),
    }


def _isee(fact: dict, current: dict | None) -> dict | None:
    """The general ISEE in effect (facts come current on the sheet's date, so an expired
    attestation never reaches here): the latest DSU year, an ISEE corrente before an
    ordinary one, then the latest issued (`people.attestations`). An ISEE for minors or for
    social and health care is not the household's general ISEE."""
    value = fact["value"] if isinstance(fact["value"], dict) else {"isee": fact["value"]}
    amount = _number(value.get("isee"))
    order = attestations.general_isee_order(fact["key"], value, fact.get("valid_from"))
    if amount is None or not order:
        return current
    if current is not None and current["order"] >= order:
        return current
    return {"isee": amount, "year": order[0], "order": order}


def _intervention(row: dict) -> dict:
    return {
        "id": row["id"],
        "item": row["item__code"],
        "category": row["item__need_category__code"],
        "area": row["item__area"],
        "kind": row["item__kind"],
        "provider": row["provider_id"],
        "provider_kind": row["provider__kind"],
        "person": row["person_id"],
        "starts_on": row["starts_on"].isoformat(),
        "ends_on": row["ends_on"].isoformat() if row["ends_on"] else None,
        "amount": _number(row["amount"]),
    }


_INTERVENTION_FIELDS = (
    "id",
    "person_id",
    "household_id",
    "item__code",
    "item__need_category__code",
    "item__area",
    "item__kind",
    "provider_id",
    "provider__kind",
    "starts_on",
    "ends_on",
    "amount",
)


def sheets(household_ids: Iterable[int], *, on: datetime.date) -> dict[int, dict]:
    """The fact sheets of these households at `on`, by household id (seven queries)."""
    ids = list(household_ids)
    households = Household.objects.filter(among("pk", ids)).values(
        "id", "municipality__istat_code", "municipality__zone_id"
    )
    members_of: dict[int, list[dict]] = defaultdict(list)
    household_of: dict[int, int] = {}
    for row in (
        HouseholdMembership.objects.current(on)
        .filter(among("household_id", ids), person__deceased_on__isnull=True)
        .order_by("household_id", "person__birth_date")
        .values("household_id", "person_id", "relation", "person__birth_date", "person__sex")
    ):
        members_of[row["household_id"]].append(
            {
                "person_id": row["person_id"],
                "relation": row["relation"],
                "birth_date": row["person__birth_date"],
                "sex": row["person__sex"],
            }
        )
        household_of[row["person_id"]] = row["household_id"]
    person_ids = list(household_of)

    def belongs(row) -> int | None:
        return row["household_id"] or household_of.get(row["person_id"])

    facts_of: dict[int, list[dict]] = defaultdict(list)
    # Kinds are filtered here, not in SQL: with them there, the planner walks the index of
    # kinds and dates over the whole table instead of the subject's few facts.
    for query in (among("household_id", ids), among("person_id", person_ids)):
        for row in (
            Fact.objects.current(on)
            .filter(query)
            .values("person_id", "household_id", "kind", "key", "value", "valid_from")
        ):
            if row["kind"] in FACT_KINDS:
                facts_of[belongs(row)].append(row)

    interventions_of: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Intervention.objects.running_on(on)
        .filter(among("household_id", ids) | among("person_id", person_ids))
        .order_by("starts_on", "id")
        .values(*_INTERVENTION_FIELDS)
    ):
        home = row["household_id"] if row["household_id"] in members_of else None
        interventions_of[home or household_of.get(row["person_id"])].append(row)

    cases_of: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Case.objects.filter(among("person_id", person_ids), status=CaseStatus.OPEN)
        .order_by("opened_on", "id")
        .values("id", "person_id", "zone_id", "opened_on")
    ):
        cases_of[household_of[row["person_id"]]].append(row)

    needs_of: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Need.objects.exclude(status=NeedStatus.CLOSED)
        .filter(among("person_id", person_ids))
        .order_by("noted_on", "id")
        .values("person_id", "category__code", "origin", "status", "noted_on")
    ):
        needs_of[household_of[row["person_id"]]].append(row)

    return {
        row["id"]: build(
            row,
            members_of.get(row["id"], ()),
            facts_of.get(row["id"], ()),
            interventions_of.get(row["id"], ()),
            cases_of.get(row["id"], ()),
            needs_of.get(row["id"], ()),
            on=on,
        )
        for row in households
    }


def sheet(household: Household | int, *, on: datetime.date) -> dict:
    pk = getattr(household, "pk", household)
    return sheets([pk], on=on)[pk]
