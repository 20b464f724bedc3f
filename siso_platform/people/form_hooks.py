"""What people lend the form engine: the tax-code check and prefill sources from a person's
record, household and facts (registered in `PeopleConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from forms import registry

from . import tax_code
from .models import Fact, FactKind, HouseholdMembership, Person


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
