"""ISEE attestations (DSU protocol and tax code): the household's ISEE, through the one way an
ISEE is recorded (`people.actions.record_isee`), never by writing facts here.

A row names a person by tax code; the ISEE becomes a fact of the household the person belongs
to on the run's reference date (of the person, without one). The checks are the operator's
(`people.rules`), each named by the file's own column. The same attestation again (same DSU
protocol and year, same values) changes nothing, so a file imports twice with no effect; a
newer ISEE of the same kind ends the one in effect the day it is issued, and the journal
keeps that end so that a rollback restores it.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.people import actions, rules
from siso_platform.people.models import Fact, FactKind, Household, HouseholdMembership, Person

from ..formats import ISEE
from ..reading import Row
from .base import Context, Counts, Driver

# The field an ISEE check names -> the canonical column it is about.
COLUMN_OF = {
    "kind": "isee_kind",
    "value": "isee_value",
    "dsu_protocol": "dsu_protocol",
    "dsu_year": "dsu_year",
    "issued_on": "issued_on",
    "valid_until": "valid_until",
}


def _arguments(values: dict) -> dict:
    return {
        "kind": values["isee_kind"],
        "value": values["isee_value"],
        "dsu_protocol": values["dsu_protocol"] or "",
        "dsu_year": values["dsu_year"],
        "issued_on": values["issued_on"],
        "valid_until": values["valid_until"],
    }


def _subject_facts(subject):
    if isinstance(subject, Household):
        return Fact.objects.filter(household=subject, person__isnull=True)
    return Fact.objects.filter(person=subject, household__isnull=True)


class IseeDriver(Driver):
    fmt = ISEE
    models = (Fact,)

    def _refuse(self, row: Row, ctx: Context, problems: dict) -> None:
        for field, message in problems.items():
            column = ctx.column(COLUMN_OF.get(field, "tax_code"))
            messages = message if isinstance(message, list) else [message]
            row.errors.append((column, " ".join(str(m) for m in messages)))

    def check(self, row: Row, ctx: Context) -> None:
        self._refuse(
            row,
            ctx,
            rules.isee_problems(**_arguments(row.values), today=timezone.localdate()),
        )

    def apply(self, rows: list[Row], ctx: Context) -> Counts:
        codes = {r.values["tax_code"] for r in rows}
        persons = {p.tax_code: p for p in Person.objects.filter(tax_code__in=codes)}
        homes = dict(
            HouseholdMembership.objects.current(ctx.reference_date)
            .filter(person__in=persons.values())
            .values_list("person_id", "household_id")
        )
        households = Household.objects.in_bulk(set(homes.values()))
        today = timezone.localdate()
        counts, inserted, befores = Counts(), [], []
        for row in rows:
            person = persons.get(row.values["tax_code"])
            if person is None:
                row.errors.append(
                    (
                        ctx.column("tax_code"),
                        _("No person has this tax code in the registry: import it first."),
                    )
                )
                continue
            subject = households.get(homes.get(person.pk)) or person
            arguments = _arguments(row.values)
            # What the new attestation will end, as it was: a rollback puts it back.
            ending = list(
                _subject_facts(subject)
                .filter(kind=FactKind.ISEE, key=arguments["kind"])
                .current(arguments["issued_on"])
                .values_list("pk", "valid_to")
            )
            try:
                fact, created = actions.record_isee(
                    subject,
                    by=ctx.user,
                    source=self.fmt.name,
                    source_reference=ctx.reference,
                    today=today,
                    audited=False,  # the run's own audit event says who imported what
                    **arguments,
                )
            except ValidationError as error:
                self._refuse(row, ctx, error.message_dict)
                continue
            if not created:
                counts.add("unchanged")
                continue
            counts.add("inserted")
            inserted.append(fact.pk)
            befores += [(pk, {"valid_to": valid_to}) for pk, valid_to in ending]
        ctx.journal.updated(Fact, befores)
        ctx.journal.inserted(Fact, inserted)
        return counts
