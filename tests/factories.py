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


def accredited_body(name: str = "Cooperativa Test", *zone_numbers: int, runts: str = ""):
    """A third-sector body (organisation and register record) accredited in the zones given
    (zone 2 by default) from 2020 to 2035, so tests may freeze the clock at any recent date."""
    from siso_platform.accounts.models import Organisation, OrganisationKind
    from siso_platform.thirdsector.models import ThirdSectorBody

    organisation = Organisation.objects.create(
        kind=OrganisationKind.THIRD_SECTOR_BODY, name=name, tax_code="01234567897"
    )
    body = ThirdSectorBody.objects.create(
        organisation=organisation,
        legal_form="social_cooperative",
        runts_number=runts or f"RUNTS-{organisation.pk}",
    )
    accredit(
        body,
        *(zone_numbers or (2,)),
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2035, 12, 31),
    )
    return body


def accredit(body, *zone_numbers, valid_from, valid_to, areas=("elderly",)):
    """An approved accreditation of `body` in the zones given (the first one reviewed it)."""
    from siso_platform.territory.models import SocialZone
    from siso_platform.thirdsector.models import Accreditation, AccreditationStatus

    zones = list(SocialZone.objects.filter(number__in=zone_numbers).order_by("number"))
    accreditation = Accreditation.objects.create(
        body=body,
        zone=zones[0],
        status=AccreditationStatus.APPROVED,
        areas=list(areas),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    accreditation.zones.set(zones)
    return accreditation


def taken_in_charge(operator, person, reason: str, office=None):
    """A case opened at the operator's office on an access of `person`, for an economic need:
    the usual start of a record in tests."""
    from siso_platform.casework import actions as casework
    from siso_platform.casework.models import NeedCategory

    office = office or operator.memberships.get().office
    access = casework.register_access(
        by=operator,
        office=office,
        person=person,
        channel="in_person",
        reason=reason,
        outcome="taking_in_charge",
    )
    return casework.open_case(
        by=operator,
        person=person,
        office=office,
        access=access,
        needs=[NeedCategory.objects.get(code="economic")],
    )
