"""What an accreditation opens: a body's operators reach the persons of the cases assigned
to it only in the zones where the body's accreditation is in effect, so access ends the day
after it expires or the moment it is revoked. A body's operators also follow, as partners,
the procedure of their body's own accreditation (a process about no person)."""

import datetime

from django.db.models import Exists, OuterRef, Q

from siso_platform.casework import visibility, workflow_host

from .actions import body_organisations
from .models import Accreditation


def accredited_in_case_zone(day: datetime.date) -> Q:
    """Condition over Assignment: the body holds an accreditation for the case's zone."""
    in_effect = Accreditation.objects.in_effect(day).filter(
        body__organisation=OuterRef("body"), zones=OuterRef("case__zone")
    )
    return Q(Exists(in_effect))


def own_accreditation_process(user, process) -> bool:
    """The process is the accreditation procedure of a body `user` works for today."""
    return Accreditation.objects.filter(
        process=process.pk, body__organisation__in=body_organisations(user)
    ).exists()


def register() -> None:
    visibility.register_assignment_condition(accredited_in_case_zone)
    workflow_host.register_partner_process(own_accreditation_process)
