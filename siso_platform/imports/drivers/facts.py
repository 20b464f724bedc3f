"""Local taxes, property, rentals and income: facts about registered persons.

Each row states one fact (a kind, a key that tells concurrent facts apart, a value) as of
the run's reference date, or from the row's own start when it gives one (a contract that
begins next month is not current before it begins). The same value again changes nothing; a
new value closes the period of the one before. Absence from a file is not evidence: a
property sold or a contract ended says so with its end date, which closes the fact's period
once it has passed.
"""

import datetime

from django.utils.translation import gettext as _

from siso_platform import bulk
from siso_platform.people.models import Fact, FactKind, Person

from ..formats import INCOME, LOCAL_TAXES_FORMAT, PROPERTY, RENTALS
from ..reading import Row
from .base import Context, Counts, Driver

DAY = datetime.timedelta(days=1)


class FactDriver(Driver):
    kind: str
    models = (Fact,)
    subject_column = "tax_code"

    def fact(self, values: dict) -> tuple[str, dict, datetime.date | None, datetime.date | None]:
        """(key, value, began, ended) of a row; `began`/`ended` when the source says."""
        raise NotImplementedError

    def merge(self, current: dict, new: dict) -> dict:
        return new

    def apply(self, rows: list[Row], ctx: Context) -> Counts:
        codes = {r.values[self.subject_column] for r in rows}
        person_ids = dict(Person.objects.filter(tax_code__in=codes).values_list("tax_code", "pk"))
        planned = []
        for row in rows:
            person_id = person_ids.get(row.values[self.subject_column])
            if person_id is None:
                row.errors.append(
                    (
                        ctx.column(self.subject_column),
                        _("No person has this tax code in the registry: import it first."),
                    )
                )
                continue
            planned.append((row, person_id, *self.fact(row.values)))

        latest: dict[tuple[int, str], Fact] = {}
        existing = Fact.objects.filter(
            person_id__in={p[1] for p in planned}, kind=self.kind, key__in={p[2] for p in planned}
        ).order_by("valid_from", "pk")
        for fact in existing:
            latest[(fact.person_id, fact.key)] = fact  # the last one wins: the newest

        counts, new, closing, befores = Counts(), {}, [], []
        reference_date = ctx.reference_date
        for row, person_id, key, value, began, ended in planned:
            slot = (person_id, key)
            fact = latest.get(slot)
            if slot in new:  # already written by an earlier row of this batch
                fact = new[slot]
                merged, valid_to = (
                    self.merge(fact["value"], value),
                    _end(ended, fact["valid_from"], reference_date),
                )
                if (merged, valid_to) == (fact["value"], fact["valid_to"]):
                    counts.add("unchanged")
                else:
                    fact["value"], fact["valid_to"] = merged, valid_to
                    counts.add("updated")
                continue
            if fact is None:
                # The row's own start decides (a contract signed for next month is not
                # current today); without one, the fact holds from the reference date.
                begins = began or reference_date
                counts.add("inserted")
            else:
                in_effect = fact.valid_to is None or fact.valid_to > reference_date
                if in_effect:
                    value = self.merge(fact.value, value)
                if fact.value == value and fact.valid_to == _end(
                    ended, fact.valid_from, reference_date
                ):
                    counts.add("unchanged")
                    continue
                if fact.valid_from > reference_date:
                    row.errors.append(
                        (
                            ctx.column(self.subject_column),
                            _(
                                "The recorded value is from %(since)s, after this file's "
                                "reference date: history is not rewritten."
                            )
                            % {"since": fact.valid_from},
                        )
                    )
                    continue
                counts.add("updated")
                befores.append((fact.pk, {"valid_to": fact.valid_to}))
                closing.append(fact)
                if fact.value == value and ended:  # the same thing, now ended: close it
                    fact.valid_to = _end(ended, fact.valid_from, reference_date)
                    continue
                if in_effect:
                    fact.valid_to = max(reference_date, fact.valid_from)
                begins = reference_date
            new[slot] = {
                "person_id": person_id,
                "kind": self.kind,
                "key": key,
                "value": value,
                "valid_from": begins,
                "valid_to": _end(ended, begins, reference_date),
                "source": self.fmt.name,
                "source_reference": ctx.reference,
            }

        Fact.objects.bulk_update(closing, ["valid_to"])
        ctx.journal.updated(Fact, befores)
        ctx.journal.inserted(Fact, bulk.insert(Fact, list(new.values())))
        return counts


def _end(ended, begins: datetime.date, reference_date: datetime.date) -> datetime.date | None:
    """The exclusive end of a fact that has ended by the reference date, never before it
    began. A planned end (a contract running to 2028) stays in the value: the fact is still
    current, as far as the file says."""
    if ended is None or ended >= reference_date:
        return None
    return max(ended + DAY, begins)


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


class LocalTaxesDriver(FactDriver):
    fmt = LOCAL_TAXES_FORMAT
    kind = FactKind.LOCAL_TAX

    def fact(self, v):
        arrears = v["arrears"] if v["arrears"] is not None else 0.0
        value = {"tax": v["tax"], "year": v["year"], "due": v["due"], "paid": v["paid"]}
        value["arrears"] = arrears
        return f"{v['tax']}-{v['year']}", value, None, None


class PropertyDriver(FactDriver):
    fmt = PROPERTY
    kind = FactKind.PROPERTY

    def check(self, row, ctx):
        v = row.values
        if v["share"] is not None and not 0 < v["share"] <= 100:
            row.errors.append(
                (ctx.column("share"), _("The share is a percentage above 0, up to 100."))
            )
        if v["since"] and v["until"] and v["until"] < v["since"]:
            row.errors.append((ctx.column("until"), _("The end is before the start.")))
        if v["category"] and not _is_cadastral_category(v["category"]):
            row.errors.append(
                (ctx.column("category"), _("A cadastral category reads like A/2 or C/6."))
            )

    def fact(self, v):
        value = {
            "category": v["category"].upper(),
            "share": v["share"],
            "cadastral_value": v["cadastral_value"],
            "since": _iso(v["since"]),
        }
        return v["unit_id"], value, v["since"], v["until"]


def _is_cadastral_category(text: str) -> bool:
    group, slash, number = text.upper().partition("/")
    return bool(slash) and group in ("A", "B", "C", "D", "E", "F") and number.isdigit()


class RentalsDriver(FactDriver):
    fmt = RENTALS
    kind = FactKind.RENTAL
    subject_column = "tenant_tax_code"

    def check(self, row, ctx):
        v = row.values
        if v["start"] and v["end"] and v["end"] < v["start"]:
            row.errors.append((ctx.column("end"), _("The end is before the start.")))

    def fact(self, v):
        value = {
            "owner_tax_code": v["owner_tax_code"],
            "address": v["address"],
            "yearly_rent": v["yearly_rent"],
            "start": _iso(v["start"]),
            "end": _iso(v["end"]),
        }
        return v["contract_id"], value, v["start"], v["end"]


class IncomeDriver(FactDriver):
    """One fact per person and year; each row gives one kind of income within it."""

    fmt = INCOME
    kind = FactKind.INCOME

    def fact(self, v):
        return str(v["year"]), {v["income_type"]: v["amount"]}, None, None

    def merge(self, current, new):
        return {**current, **new}
