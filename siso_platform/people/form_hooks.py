"""What people lend the form engine: the tax-code check, prefill sources from a person's
record, household and facts, and the facts a questionnaire's answers become (a field's
`fact`, chosen in the questionnaire's definition), registered in `PeopleConfig.ready`."""

import contextlib
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms import registry

from . import tax_code
from .facts import HistoryConflict, record_fact
from .models import Fact, FactKind, HouseholdMembership, Person

QUESTIONNAIRE_SOURCE = "questionnaire"
# Member states of the European Union besides Italy (ISO 3166 codes, as the registry writes
# citizenship).
EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE LT LU LV MT NL PL PT RO SE SI SK".split()
)
CITIZENSHIP_KEY = "citizenship_kind"


def check_tax_code(value: str):
    code = tax_code.normalize(value)
    if tax_code.is_valid(code):
        return code, None
    try:
        tax_code.decode(code)
    except tax_code.TaxCodeError as error:
        return code, error.message
    return code, None


def current_household(person: Person):
    membership = HouseholdMembership.objects.current().filter(person=person).first()
    return membership.household if membership else None


def household_members(person: Person) -> list[dict]:
    """One row per current member, in the shape of the intake form's members group."""
    household = current_household(person)
    if household is None:
        return []
    memberships = (
        HouseholdMembership.objects.current()
        .filter(household=household)
        .exclude(person=person)
        .select_related("person")
        .order_by("person__birth_date")
    )
    return [
        {
            "member_tax_code": m.person.tax_code,
            "member_name": f"{m.person.first_name} {m.person.last_name}",
            "member_birth_date": m.person.birth_date.isoformat(),
            "relation": m.relation,
        }
        for m in memberships
    ]


def latest_isee(person: Person):
    household = current_household(person)
    facts = Fact.objects.current().filter(kind=FactKind.ISEE)
    fact = (
        (facts.filter(household=household) if household else facts.filter(person=person))
        .order_by("-valid_from")
        .first()
    )
    return (fact.value or {}).get("isee") if fact else None


def citizenship_kind(person: Person):
    """Italian, EU or non-EU, as the intake asks it: the latest declared, else the registry's."""
    declared = (
        Fact.objects.current()
        .filter(person=person, kind=FactKind.REGISTRY, key=CITIZENSHIP_KEY)
        .order_by("-valid_from")
        .first()
    )
    if declared is not None and (declared.value or {}).get(CITIZENSHIP_KEY):
        return declared.value[CITIZENSHIP_KEY]
    code = (person.citizenship or "").upper()
    if not code:
        return None
    return "italian" if code == "IT" else "eu" if code in EU_COUNTRIES else "non_eu"


def _fact_writer(kind: str, key, value, *, of_household: bool):
    """A fact sink: the answer becomes a fact of the person (or their current household, when
    they have one), valid from the day it was given, with the submission as its source."""

    def record(person, answer, submission, user):
        day = timezone.localdate(submission.submitted_at)
        subject = (current_household(person) if of_household else None) or person
        # A newer value already on record wins; the answer stays in the submission.
        with contextlib.suppress(HistoryConflict):
            record_fact(
                subject,
                kind,
                value(answer),
                valid_from=day,
                key=key(day) if callable(key) else key,
                source=QUESTIONNAIRE_SOURCE,
                source_reference=str(submission.uuid),
                recorded_by=user,
            )

    return record


def _amount(answer) -> float:
    return float(Decimal(str(answer)))


def register_facts() -> None:
    registry.register_fact(
        "household.isee",
        _("household: ISEE of the current year"),
        _fact_writer(
            FactKind.ISEE,
            lambda day: str(day.year),
            lambda answer: {"isee": _amount(answer)},
            of_household=True,
        ),
    )
    registry.register_fact(
        "household.monthly_rent",
        _("household: monthly rent"),
        _fact_writer(
            FactKind.RENTAL,
            "declared",
            lambda answer: {
                "monthly_rent": _amount(answer),
                "yearly_rent": round(_amount(answer) * 12, 2),
            },
            of_household=True,
        ),
    )
    registry.register_fact(
        "household.declared_size",
        _("household: people declared"),
        _fact_writer(
            FactKind.OTHER, "declared_size", lambda answer: {"size": answer}, of_household=True
        ),
    )
    registry.register_fact(
        "person.citizenship_kind",
        _("person: citizenship (Italian, EU, non-EU)"),
        _fact_writer(
            FactKind.REGISTRY,
            CITIZENSHIP_KEY,
            lambda answer: {CITIZENSHIP_KEY: answer},
            of_household=False,
        ),
    )


def register() -> None:
    registry.register_value_check("tax_code", check_tax_code)
    for name, label in (
        ("tax_code", _("person: tax code")),
        ("last_name", _("person: last name")),
        ("first_name", _("person: first name")),
        ("phone", _("person: phone")),
    ):
        registry.register_prefill(f"person.{name}", label, lambda p, name=name: getattr(p, name))
    registry.register_prefill(
        "person.birth_date", _("person: birth date"), lambda p: p.birth_date.isoformat()
    )
    registry.register_prefill(
        "household.members", _("household: the other members"), household_members
    )
    registry.register_prefill("fact.isee", _("household: latest ISEE"), latest_isee)
    registry.register_prefill(
        "person.citizenship_kind", _("person: citizenship (Italian, EU, non-EU)"), citizenship_kind
    )
    register_facts()
