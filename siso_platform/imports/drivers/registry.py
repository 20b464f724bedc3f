"""The registry (anagrafe): persons, and households built from family-sheet numbers.

A row says where a person is registered as of the run's reference date. A new family sheet
or relation closes the person's current membership and opens another; a cancellation
(death, emigration) closes it; a household's new address is kept as a registry fact beside
the old one. Nothing is overwritten without the journal keeping what was there.

A row that would take a person resident in another municipality into this one changes
nothing: it waits, whole, as a transfer (`imports.transfers`), until the other municipality
records the emigration or one of its data stewards confirms.
"""

import datetime
from collections import defaultdict
from types import SimpleNamespace

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from siso_platform import bulk
from siso_platform.people import tax_code as tc
from siso_platform.people.models import Fact, FactKind, Household, HouseholdMembership, Person

from ..formats import REGISTRY
from ..reading import Row
from .base import Context, Counts, Driver

PERSON_FIELDS = (
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "birth_place_code",
    "citizenship",
    "provisional_tax_code",
    "residence_municipality_id",
    "address",
    "deceased_on",
)
ADDRESS_KEY = "address"


class RegistryDriver(Driver):
    fmt = REGISTRY
    models = (Person, Household, HouseholdMembership, Fact)

    def check(self, row: Row, ctx: Context) -> None:
        v = row.values
        code, born = v["tax_code"], v["birth_date"]
        if code and born and v["sex"] and not tc.is_provisional(code):
            year, month, day, sex, place = tc.encoded_birth_data(code)
            stated_place = v["birth_place_code"]
            if (born.year % 100, born.month, born.day, v["sex"]) != (year, month, day, sex) or (
                stated_place and stated_place.upper() != place
            ):
                mismatches = tc.cross_check(
                    tc.decode(code),
                    birth_date=born,
                    sex=v["sex"],
                    birth_place_code=stated_place or None,
                )
                for name, message in mismatches.items():
                    row.errors.append((ctx.column(name), str(message)))
        if born and born > ctx.reference_date:
            row.errors.append((ctx.column("birth_date"), _("The birth date is in the future.")))
        registered, cancelled = v["registered_on"], v["cancelled_on"]
        if registered and born and registered < born:
            row.errors.append(
                (ctx.column("registered_on"), _("The registration is before the birth date."))
            )
        if cancelled and not v["cancellation_reason"]:
            row.errors.append(
                (ctx.column("cancellation_reason"), _("A cancellation needs its reason."))
            )
        if v["cancellation_reason"] and not cancelled:
            row.errors.append(
                (ctx.column("cancelled_on"), _("A cancellation reason needs its date."))
            )
        for name, day in (("registered_on", registered), ("cancelled_on", cancelled)):
            if day and day > ctx.reference_date:
                row.errors.append(
                    (
                        ctx.column(name),
                        _("The date is after the file's reference date (%(date)s).")
                        % {"date": ctx.reference_date.strftime("%d/%m/%Y")},
                    )
                )
        if cancelled and registered and cancelled <= registered:
            row.errors.append(
                (ctx.column("cancelled_on"), _("The cancellation must follow the registration."))
            )

    # ------------------------------------------------------------------ the batch

    def apply(self, rows: list[Row], ctx: Context) -> Counts:
        rows = self._one_row_per_person(rows, ctx)
        # Existing rows are read as plain records: most are only compared, and building
        # model instances would cost more than the rest of the batch.
        persons = {
            p["tax_code"]: SimpleNamespace(**p)
            for p in Person.objects.filter(
                tax_code__in=[r.values["tax_code"] for r in rows]
            ).values("pk", "tax_code", *PERSON_FIELDS)
        }
        households = {
            h["code"]: SimpleNamespace(**h)
            for h in Household.objects.filter(
                municipality_id=ctx.municipality_id,
                code__in={r.values["family_sheet"] for r in rows},
            ).values("pk", "code", "address", "created_at")
        }
        memberships = {
            m["person_id"]: SimpleNamespace(**m)
            for m in HouseholdMembership.objects.current()
            .filter(person_id__in=[p.pk for p in persons.values()])
            .values(
                "pk",
                "person_id",
                "relation",
                "valid_from",
                "household__code",
                "household__municipality_id",
            )
        }
        rows = self._check_heads(rows, ctx, persons, households)
        counts = Counts()
        rows = self._hold_transfers(rows, ctx, persons, counts)
        plans = [self._plan(row, ctx, persons.get(row.values["tax_code"])) for row in rows]
        plans = self._check_memberships(plans, ctx, memberships)

        self._write_households(plans, ctx, households)
        new_persons = self._write_persons(plans, ctx)
        self._write_memberships(plans, ctx)
        for plan in plans:
            counts.add(plan.outcome)
        self._flag_duplicates(new_persons, ctx)
        self._release_transfers(plans, ctx)
        return counts

    def _hold_transfers(self, rows, ctx, persons, counts) -> list[Row]:
        """Keep back, as transfers, the rows that would move a person resident elsewhere into
        this municipality: the whole row waits, membership included."""
        if not ctx.hold_transfers:
            return rows
        kept, held = [], []
        for row in rows:
            person = persons.get(row.values["tax_code"])
            if person is not None and _moves_in(row.values, person, ctx):
                held.append((row, person.pk, person.residence_municipality_id))
            else:
                kept.append(row)
        if held:
            from ..transfers import hold

            hold(held, ctx)
            counts.held += len(held)
        return kept

    def _release_transfers(self, plans, ctx) -> None:
        """This municipality's emigrations complete the transfers waiting for them."""
        from ..transfers import release

        emigrated = [
            plan.person.pk
            for plan in plans
            if plan.person is not None
            and plan.row.values["cancellation_reason"] == "emigration"
            and plan.person.residence_municipality_id == ctx.municipality_id
        ]
        if emigrated:
            release(emigrated, ctx)

    def _one_row_per_person(self, rows: list[Row], ctx: Context) -> list[Row]:
        first_at: dict[str, int] = {}
        kept = []
        for row in rows:
            code = row.values["tax_code"]
            if code in first_at:
                row.errors.append(
                    (
                        ctx.column("tax_code"),
                        _("The same tax code is already at row %(row)d.") % {"row": first_at[code]},
                    )
                )
            else:
                first_at[code] = row.number
                kept.append(row)
        return kept

    def _check_heads(self, rows, ctx, persons, households) -> list[Row]:
        """Each family sheet keeps exactly one head: in the batch or already recorded."""
        recorded_heads = dict(
            HouseholdMembership.objects.current()
            .filter(household_id__in=[h.pk for h in households.values()], relation="head")
            .values_list("household__code", "person_id")
        )
        by_sheet: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            if not row.values["cancelled_on"]:
                by_sheet[row.values["family_sheet"]].append(row)
        id_of = {code: p.pk for code, p in persons.items()}
        for sheet, members in by_sheet.items():
            heads = [r for r in members if r.values["relation"] == "head"]
            for extra in heads[1:]:
                extra.errors.append(
                    (
                        ctx.column("relation"),
                        _("The family sheet %(sheet)s already has a head at row %(row)d.")
                        % {"sheet": sheet, "row": heads[0].number},
                    )
                )
            if heads:
                continue
            recorded = recorded_heads.get(sheet)
            # the recorded head still stands unless this batch moves them or cancels them
            still_head = recorded is not None and not any(
                id_of.get(r.values["tax_code"]) == recorded
                and (r.values["family_sheet"] != sheet or r.values["relation"] != "head")
                for r in rows
            )
            if not still_head:
                for member in members:
                    member.errors.append(
                        (
                            ctx.column("relation"),
                            _(
                                "The family sheet %(sheet)s has no head of household, neither "
                                "in this file nor already recorded."
                            )
                            % {"sheet": sheet},
                        )
                    )
        return [r for r in rows if not r.errors]

    def _plan(self, row: Row, ctx: Context, person: SimpleNamespace | None) -> "_Plan":
        v = row.values
        code = v["tax_code"]
        provisional = tc.is_provisional(code)
        place = v["birth_place_code"] or ("" if provisional else tc.encoded_birth_data(code)[4])
        emigrated = v["cancellation_reason"] in ("emigration", "other")
        residence = ctx.municipality_id
        if emigrated:
            residence = None
            if person is not None and person.residence_municipality_id != ctx.municipality_id:
                residence = person.residence_municipality_id
        wanted = {
            "last_name": v["last_name"],
            "first_name": v["first_name"],
            "sex": v["sex"],
            "birth_date": v["birth_date"],
            "birth_place_code": place.upper(),
            "citizenship": (v["citizenship"] or "IT").upper(),
            "provisional_tax_code": provisional,
            "residence_municipality_id": residence,
            "address": v["address"] or "",
            "deceased_on": v["cancelled_on"] if v["cancellation_reason"] == "death" else None,
        }
        if person is not None and person.deceased_on and not wanted["deceased_on"]:
            wanted["deceased_on"] = person.deceased_on  # a death is not undone by omission
        return _Plan(row, person, wanted)

    def _check_memberships(self, plans, ctx, memberships) -> list["_Plan"]:
        kept = []
        for plan in plans:
            v = plan.row.values
            current = memberships.get(plan.person.pk) if plan.person else None
            plan.current = current
            if v["cancelled_on"]:
                plan.close_on = v["cancelled_on"] if current else None
                if current and v["cancelled_on"] <= current.valid_from:
                    plan.row.errors.append(
                        (
                            ctx.column("cancelled_on"),
                            _(
                                "The cancellation is not after the current registration "
                                "(since %(since)s): history is not rewritten."
                            )
                            % {"since": current.valid_from},
                        )
                    )
                elif not current and plan.person is None:
                    # registered and cancelled between two extractions: keep that period
                    plan.join_since = v["registered_on"]
                    plan.join_until = v["cancelled_on"]
            elif current is None:
                plan.join_since = v["registered_on"]
            elif current.relation != v["relation"] or not _same_sheet(current, v, ctx):
                since = v["registered_on"]
                if since <= current.valid_from:
                    since = ctx.reference_date  # a relation changes without a new registration
                if since <= current.valid_from:
                    plan.row.errors.append(
                        (
                            ctx.column("registered_on"),
                            _(
                                "The new registration is not after the current one "
                                "(since %(since)s): history is not rewritten."
                            )
                            % {"since": current.valid_from},
                        )
                    )
                else:
                    plan.close_on = since
                    plan.join_since = since
            if not plan.row.errors:
                kept.append(plan)
        return kept

    # ------------------------------------------------------------------ writing

    def _write_households(self, plans, ctx, households) -> None:
        addresses: dict[str, str] = {}
        for plan in plans:
            v = plan.row.values
            if v["cancelled_on"] or not v["address"]:
                continue
            if v["relation"] == "head" or v["family_sheet"] not in addresses:
                addresses[v["family_sheet"]] = v["address"]
        new = {
            plan.row.values["family_sheet"]: {
                "code": plan.row.values["family_sheet"],
                "municipality_id": ctx.municipality_id,
                "address": addresses.get(plan.row.values["family_sheet"], ""),
            }
            for plan in plans
            if plan.join_since and plan.row.values["family_sheet"] not in households
        }
        ids = bulk.insert(Household, list(new.values()))
        ctx.journal.inserted(Household, ids)
        household_ids = {code: h.pk for code, h in households.items()}
        household_ids.update(zip(new, ids, strict=True))

        moved, befores, facts = [], [], []
        for code, address in addresses.items():
            household = households.get(code)
            if household is None or household.address == address:
                continue
            befores.append((household.pk, {"address": household.address}))
            facts.extend(self._address_facts(household, address, ctx))
            household.address = address
            moved.append(household)
        Household.objects.bulk_update(
            [Household(pk=h.pk, address=h.address) for h in moved], ["address"]
        )
        ctx.journal.updated(Household, befores)
        self._write_facts(facts, ctx)
        for plan in plans:
            plan.household_id = household_ids.get(plan.row.values["family_sheet"])

    def _address_facts(self, household, address, ctx) -> list:
        """The new address as a fact (a dict to insert); the current one (a Fact) to close,
        or, at the first change, the old address too."""
        earlier = (
            Fact.objects.current()
            .filter(household_id=household.pk, kind=FactKind.REGISTRY, key=ADDRESS_KEY)
            .first()
        )
        fact = {
            "household_id": household.pk,
            "kind": FactKind.REGISTRY,
            "key": ADDRESS_KEY,
            "source": "registry",
            "source_reference": ctx.reference,
        }
        facts = []
        if earlier is not None:
            facts.append(earlier)
        elif household.address:
            began = min(household.created_at.date(), ctx.reference_date)
            old = {"address": household.address}
            facts.append(
                {**fact, "value": old, "valid_from": began, "valid_to": ctx.reference_date}
            )
        facts.append({**fact, "value": {"address": address}, "valid_from": ctx.reference_date})
        return facts

    def _write_facts(self, facts: list, ctx) -> None:
        closing = [f for f in facts if isinstance(f, Fact)]
        for fact in closing:
            fact.valid_to = max(ctx.reference_date, fact.valid_from)
        Fact.objects.bulk_update(closing, ["valid_to"])
        ctx.journal.updated(Fact, [(f.pk, {"valid_to": None}) for f in closing])
        new = [f for f in facts if not isinstance(f, Fact)]
        ctx.journal.inserted(Fact, bulk.insert(Fact, new))

    def _write_persons(self, plans, ctx) -> list[int]:
        new, changed, befores = [], [], []
        for plan in plans:
            wanted, person = plan.wanted, plan.person
            if person is None:
                new.append(plan)
                plan.outcome = "inserted"
                continue
            plan.person_id = person.pk
            before = {
                name: getattr(person, name)
                for name, value in wanted.items()
                if getattr(person, name) != value
            }
            if before:
                changed.append(Person(pk=person.pk, tax_code=person.tax_code, **wanted))
                befores.append((person.pk, before))
                plan.outcome = "updated"
        rows = [{"tax_code": p.row.values["tax_code"], **p.wanted} for p in new]
        ids = bulk.insert(Person, rows)
        for plan, pk in zip(new, ids, strict=True):
            plan.person_id = pk
        ctx.journal.inserted(Person, ids)
        if changed:
            fields = sorted({name for _pk, before in befores for name in before})
            Person.objects.bulk_update(changed, fields)
            ctx.journal.updated(Person, befores)
        return ids

    def _write_memberships(self, plans, ctx) -> None:
        closing, befores, opening = [], [], []
        for plan in plans:
            if plan.close_on and plan.current:
                closing.append(HouseholdMembership(pk=plan.current.pk, valid_to=plan.close_on))
                befores.append((plan.current.pk, {"valid_to": None}))
            if plan.join_since:
                opening.append(
                    {
                        "household_id": plan.household_id,
                        "person_id": plan.person_id,
                        "relation": plan.row.values["relation"],
                        "valid_from": plan.join_since,
                        "valid_to": plan.join_until,
                    }
                )
            if (plan.close_on or plan.join_since) and plan.outcome == "unchanged":
                plan.outcome = "updated"
        HouseholdMembership.objects.bulk_update(closing, ["valid_to"])
        ctx.journal.updated(HouseholdMembership, befores)
        ctx.journal.inserted(HouseholdMembership, bulk.insert(HouseholdMembership, opening))

    def _flag_duplicates(self, new_persons: list[int], ctx) -> None:
        """New persons whose names and birth date another record already has: to review."""
        from ..duplicates import flag

        if not new_persons:
            return
        twin = Person.objects.filter(
            last_name=OuterRef("last_name"),
            first_name=OuterRef("first_name"),
            birth_date=OuterRef("birth_date"),
        ).exclude(pk=OuterRef("pk"))
        suspects = (
            Person.objects.filter(pk__in=new_persons)
            .annotate(twin=Subquery(twin.values("pk")[:1]))
            .filter(twin__isnull=False)
        )
        flag(list(suspects), run_id=ctx.run_id)


def _moves_in(values: dict, person: SimpleNamespace, ctx: Context) -> bool:
    """Whether the row takes a person now resident in another municipality into this one.
    An emigration or other cancellation leaves the residence where it is."""
    elsewhere = person.residence_municipality_id not in (None, ctx.municipality_id)
    return elsewhere and values["cancellation_reason"] not in ("emigration", "other")


def _same_sheet(membership, values: dict, ctx: Context) -> bool:
    return (
        membership.household__municipality_id == ctx.municipality_id
        and membership.household__code == values["family_sheet"]
    )


class _Plan:
    __slots__ = (
        "close_on",
        "current",
        "household_id",
        "join_since",
        "join_until",
        "outcome",
        "person",
        "person_id",
        "row",
        "wanted",
    )

    def __init__(self, row: Row, person: SimpleNamespace | None, wanted: dict):
        self.row, self.person, self.wanted = row, person, wanted
        self.current: SimpleNamespace | None = None  # the current membership
        self.household_id: int | None = None
        self.person_id: int | None = None
        self.close_on: datetime.date | None = None
        self.join_since: datetime.date | None = None
        self.join_until: datetime.date | None = None
        self.outcome = "unchanged"
