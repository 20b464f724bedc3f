import datetime

import factory
from django.contrib.auth import get_user_model

from siso_platform.people import tax_code
from siso_platform.people.models import Household, Person
from siso_platform.territory.models import Municipality


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.django.Password("pw")


def _tax_code(person) -> str:
    return tax_code.encode(
        person.last_name, person.first_name, person.sex, person.birth_date, person.birth_place_code
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    last_name = factory.Sequence(lambda n: f"Rossi{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n % 26]}{n}")
    first_name = "Mario"
    sex = "M"
    # Distinct birth dates keep generated codes distinct.
    birth_date = factory.Sequence(lambda n: datetime.date(1950, 1, 1) + datetime.timedelta(n))
    birth_place_code = "G478"  # Perugia
    tax_code = factory.LazyAttribute(_tax_code)
    residence_municipality = factory.LazyFunction(lambda: Municipality.objects.get(name="Perugia"))


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"T{n:06d}")
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(name="Perugia"))
