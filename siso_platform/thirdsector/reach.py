"""What an accreditation opens: a body's operators reach the persons of the cases assigned
to it only in the zones where the body's accreditation is in effect, so access ends the day
after it expires or the moment it is revoked."""

import datetime

from django.db.models import Exists, OuterRef, Q

from siso_platform.casework import visibility

from .models import Accreditation


def accredited_in_case_zone(day: datetime.date) -> Q:
    """Condition over Assignment: the body holds an accreditation for the case's zone."""
    in_effect = Accreditation.objects.in_effect(day).filter(
        body__organisation=OuterRef("body"), zones=OuterRef("case__zone")
    )
    return Q(Exists(in_effect))


def register() -> None:
    visibility.register_assignment_condition(accredited_in_case_zone)
