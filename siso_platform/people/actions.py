"""The one way an ISEE attestation and a civil-invalidity verdict are recorded: the operator's
form, the API and the ISEE import call these.

Both are `Fact`s (history is never overwritten; docs/casework.md, "ISEE and civil
invalidity"):

- an ISEE is a fact of the household (of the person, without one) of kind `isee`, keyed by
  the ISEE's kind, in effect from its date of issue to its last day of validity; a newer
  attestation of the same kind closes the one before the day it is issued;
- a civil invalidity is a fact of the person of kind `disability`, from the verdict's date
  until a later verdict replaces it (a revision date does not end it: benefits continue until
  the revision is done, L. 114/2014, art. 25).

Each function checks `rules`, refuses bad input with a ValidationError keyed by field, writes
in one transaction and leaves an audit event for every person concerned. Who may act on which
record is the caller's business (`people.visibility`).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.audit import log as audit

from . import rules
from .facts import HistoryConflict, _subject_filter, record_fact
from .models import Fact, FactKind, Household, HouseholdMembership, Person

OPERATOR = "operator"
DAY = datetime.timedelta(days=1)
INVALIDITY_KEY = ""


def _refuse(problems: rules.Problems) -> None:
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})


def _persons_of(subject) -> list[int]:
    if isinstance(subject, Person):
        return [subject.pk]
    return list(
        HouseholdMembership.objects.current()
        .filter(household=subject)
        .values_list("person_id", flat=True)
    )


def isee_value(
    *,
    kind: str,
    value: Decimal,
    dsu_protocol: str,
    dsu_year: int,
    issued_on: datetime.date,
    valid_until: datetime.date,
) -> dict:
    """The stored shape of an ISEE (docs/casework.md)."""
    return {
        "isee": float(value),
        "kind": kind,
        "dsu_protocol": rules.normalize_protocol(dsu_protocol),
        "dsu_year": int(dsu_year),
        "issued_on": issued_on.isoformat(),
        "valid_until": valid_until.isoformat(),
    }


@transaction.atomic
def record_isee(
    subject: Household | Person,
    *,
    by,
    kind: str,
    value: Decimal | None,
    dsu_protocol: str,
    dsu_year: int | None,
    issued_on: datetime.date | None,
    valid_until: datetime.date | None,
    source: str = OPERATOR,
    source_reference: str = "",
    today: datetime.date | None = None,
    audited: bool = True,
) -> tuple[Fact, bool]:
    """Record the ISEE of a household (or of a person without one); (fact, created).

    The same attestation again (same DSU protocol and year) changes nothing; the same
    protocol with other values is refused, as is an attestation older than one on record."""
    today = today or timezone.localdate()
    _refuse(
        rules.isee_problems(
            kind=kind,
            value=value,
            dsu_protocol=dsu_protocol,
            dsu_year=dsu_year,
            issued_on=issued_on,
            valid_until=valid_until,
            today=today,
        )
    )
    stored = isee_value(
        kind=kind,
        value=value,
        dsu_protocol=dsu_protocol,
        dsu_year=dsu_year,
        issued_on=issued_on,
        valid_until=valid_until,
    )
    facts = Fact.objects.select_for_update().filter(**_subject_filter(subject), kind=FactKind.ISEE)
    same = facts.filter(
        value__dsu_protocol=stored["dsu_protocol"], value__dsu_year=stored["dsu_year"]
    ).first()
    if same is not None:
        if same.value == stored:
            return same, False
        _refuse(
            {
                "dsu_protocol": _(
                    "This DSU protocol is already on record with other values: an attestation "
                    "that corrects it has a new protocol."
                )
            }
        )
    newer = facts.filter(key=kind, valid_from__gte=issued_on).order_by("-valid_from").first()
    if newer is not None:
        _refuse(
            {
                "issued_on": _(
                    "An ISEE of this kind issued on %(date)s is already on record: an older "
                    "attestation cannot replace it."
                )
                % {"date": newer.valid_from.strftime("%d/%m/%Y")}
            }
        )
    # The attestation of this kind in effect when the new one is issued ends that day.
    for before in facts.filter(key=kind).current(issued_on):
        before.valid_to = issued_on
        before.save(update_fields=["valid_to"])
    fact = Fact.objects.create(
        **_subject_filter(subject),
        kind=FactKind.ISEE,
        key=kind,
        value=stored,
        valid_from=issued_on,
        valid_to=valid_until + DAY,
        source=source,
        source_reference=source_reference or f"DSU {stored['dsu_protocol']}",
        recorded_by=by,
    )
    if audited:
        audit.record_for_persons(
            "create",
            actor=by,
            obj=fact,
            persons=_persons_of(subject),
            purpose=_("ISEE recorded"),
            detail={"kind": kind, "dsu_year": stored["dsu_year"]},
        )
    return fact, True


@transaction.atomic
def record_invalidity(
    person: Person,
    *,
    by,
    percent: int | None,
    accompanying_allowance: bool,
    verdict_on: datetime.date | None,
    revision_on: datetime.date | None = None,
    source: str = OPERATOR,
    source_reference: str = "",
    today: datetime.date | None = None,
) -> tuple[Fact, bool]:
    """Record a civil-invalidity verdict about `person`; (fact, changed). A new verdict closes
    the previous one the day it is given; an older one than on record is refused."""
    today = today or timezone.localdate()
    _refuse(
        rules.invalidity_problems(
            percent=percent,
            accompanying_allowance=accompanying_allowance,
            verdict_on=verdict_on,
            revision_on=revision_on,
            today=today,
        )
    )
    value = {
        "civil_invalidity_percent": int(percent),
        "accompanying_allowance": bool(accompanying_allowance),
        "verdict_on": verdict_on.isoformat(),
        "revision_on": revision_on.isoformat() if revision_on else None,
    }
    try:
        fact, changed = record_fact(
            person,
            FactKind.DISABILITY,
            value,
            valid_from=verdict_on,
            key=INVALIDITY_KEY,
            source=source,
            source_reference=source_reference,
            recorded_by=by,
        )
    except HistoryConflict as error:
        raise ValidationError(
            {
                "verdict_on": [
                    _("A later verdict is already on record: an older one cannot replace it.")
                ]
            }
        ) from error
    if changed:
        audit.record(
            "create",
            actor=by,
            obj=fact,
            person=person,
            purpose=_("civil invalidity recorded"),
            detail={"percent": value["civil_invalidity_percent"]},
        )
    return fact, changed
