"""The auditor finds a person by tax code, or by surname and first name, without reading the
record: a candidate is only a name, a birth year and a municipality, enough to choose."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from siso_platform.people import tax_code as tc
from siso_platform.people.models import Person

LIMIT = 20  # candidates shown; more means the auditor should add the first name


@dataclass(frozen=True)
class Candidate:
    pk: int
    name: str
    birth_year: int
    municipality: str


class LookupForm(forms.Form):
    tax_code = forms.CharField(label=_("Tax code"), required=False, max_length=32)
    last_name = forms.CharField(label=_("Surname"), required=False, max_length=100)
    first_name = forms.CharField(label=_("First name (optional)"), required=False, max_length=100)

    def clean_tax_code(self):
        code = tc.normalize(self.cleaned_data["tax_code"])
        if code and not (len(code) in (11, 16) and code.isalnum()):
            raise forms.ValidationError(
                _("A tax code has 16 letters and digits (11 digits when provisional).")
            )
        return code

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("tax_code") and len(data.get("last_name", "").strip()) < 2:
            self.add_error("last_name", _("Type the tax code, or a surname of at least 2 letters."))
        return data


def by_tax_code(code: str) -> Person | None:
    return Person.objects.filter(tax_code=code).first()


def by_name(last_name: str, first_name: str = "") -> list[Candidate]:
    """Up to LIMIT + 1 candidates (one more tells that the list is cut)."""
    persons = Person.objects.filter(last_name__iexact=last_name.strip())
    if first_name.strip():
        persons = persons.filter(first_name__istartswith=first_name.strip())
    persons = persons.select_related("residence_municipality").order_by(
        "last_name", "first_name", "birth_date", "pk"
    )
    return [candidate(person) for person in persons[: LIMIT + 1]]


def candidate(person: Person) -> Candidate:
    place = person.residence_municipality
    return Candidate(
        pk=person.pk,
        name=f"{person.last_name} {person.first_name}",
        birth_year=person.birth_date.year,
        municipality=place.name if place else "",
    )
