"""The workflow engine's host (settings.WORKFLOWS_HOST): roles and audiences from memberships,
the case a process works on, and what a task page shows about it."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership, Organisation, OrganisationKind, Role
from siso_platform.accounts.roles import group_name
from siso_platform.audit import log as audit
from siso_platform.people.models import Person
from siso_platform.territory import closures
from siso_platform.territory.models import SocialZone
from workflows.flows import process_data
from workflows.host import PARTNER, WHOLE

from . import visibility
from .models import Case

ROLE_GROUP_PREFIX = group_name("")

# Processes about no person that a user follows as a partner, as functions (user, process) ->
# bool; the third sector registers a body's own accreditation.
PartnerProcess = Callable[[object, object], bool]
_partner_processes: list[PartnerProcess] = []


def register_partner_process(link: PartnerProcess) -> None:
    if link not in _partner_processes:
        _partner_processes.append(link)


# What a process is about, for its task page: functions (user, process) -> {"template",
# "context"} or None; the third sector registers its activity reports and applications.
UnderReview = Callable[[object, object], dict | None]
_under_review: list[UnderReview] = []


def register_under_review(shows: UnderReview) -> None:
    if shows not in _under_review:
        _under_review.append(shows)


def _zone_q(zone_id, prefix="") -> Q:
    return (
        Q(**{f"{prefix}office__municipality__zone": zone_id})
        | Q(**{f"{prefix}organisation__zone": zone_id})
        | Q(**{f"{prefix}organisation__municipality__zone": zone_id})
    )


class SisoWorkflowsHost:
    def roles(self):
        return {role.value: str(role.label) for role in Role}

    def groups(self):
        return set(
            Group.objects.exclude(name__startswith=ROLE_GROUP_PREFIX).values_list("name", flat=True)
        )

    def grants(self, user):
        if not user.is_authenticated:
            return set()
        cached = getattr(user, "_siso_workflow_grants", None)
        if cached is not None:
            return cached
        found = set()
        memberships = (
            Membership.objects.active()
            .filter(user=user)
            .select_related("organisation__municipality", "office__municipality")
        )
        for membership in memberships:
            organisation = membership.organisation
            zone = (
                membership.office.municipality.zone_id
                if membership.office
                else organisation.zone_id
                or (organisation.municipality.zone_id if organisation.municipality else None)
            )
            if zone:
                found.add(f"role:{membership.role}:zone:{zone}")
            if membership.office_id:
                found.add(f"role:{membership.role}:office:{membership.office_id}")
        for name in user.groups.exclude(name__startswith=ROLE_GROUP_PREFIX).values_list(
            "name", flat=True
        ):
            found.add(f"group:{name}")
        user._siso_workflow_grants = found
        return found

    def members(self, audience):
        users = get_user_model().objects.filter(is_active=True)
        kind, _sep, rest = audience.partition(":")
        if kind == "group":
            return users.filter(groups__name=rest)
        role, within, place = rest.split(":")
        memberships = Membership.objects.active().filter(role=role)
        if within == "office":
            memberships = memberships.filter(office=place)
        else:
            memberships = memberships.filter(_zone_q(place))
        return users.filter(pk__in=memberships.values("user"))

    def start_context(self, *, user, subject=None, case=None, office=None):
        context = {"started_by": user.pk, "subject": getattr(subject, "pk", None)}
        if case is not None:
            context.update(
                case=case.pk, zone=case.zone_id, office=case.office_id, subject=case.person_id
            )
            return context
        if office is None:
            membership = (
                Membership.objects.active()
                .filter(user=user, office__isnull=False)
                .select_related("office__municipality")
                .first()
            )
            office = membership.office if membership else None
        if office is not None:
            context.update(office=office.pk, zone=office.municipality.zone_id)
        else:
            membership = (
                Membership.objects.active()
                .filter(user=user, organisation__zone__isnull=False)
                .first()
            )
            context["zone"] = membership.organisation.zone_id if membership else None
        return context

    def case_for(self, user, case_id):
        cases = visibility.cases(user, change=True).select_related("person")
        return cases.filter(pk=case_id).first() if str(case_id).isdigit() else None

    def owner_preference(self, context):
        zone_orgs = list(
            Organisation.objects.filter(zone=context.get("zone")).values_list("pk", flat=True)
        )
        regions = list(
            Organisation.objects.filter(kind=OrganisationKind.REGION).values_list("pk", flat=True)
        )
        return zone_orgs + regions

    def social_worker(self, context):
        case = Case.objects.select_related("social_worker").filter(pk=context.get("case")).first()
        return case.social_worker if case else None

    def closed_on(self, context):
        # A process without an office is the zone's: its service sits in the lead municipality.
        if context.get("office"):
            return closures.closed_on(office_id=context["office"])
        zone = SocialZone.objects.filter(pk=context.get("zone")).first()
        return closures.closed_on(municipality_id=zone.lead_municipality_id) if zone else None

    def zone_admins(self, context):
        admins = Membership.objects.active().filter(
            role=Role.ZONE_ADMIN, organisation__zone=context.get("zone")
        )
        return get_user_model().objects.filter(is_active=True, pk__in=admins.values("user"))

    def reach(self, user, process):
        """Zone staff follow the whole process of a person they read whole (by zone, or a case
        or access there), or about no person, of their zone; a body's operators follow, as
        partners, the processes of the persons entrusted to their body today, and the processes
        about no person registered as their body's (its accreditation)."""
        scope = scoping.scope_for(user)
        if scope.empty:
            return None
        if scope.unrestricted:
            return WHOLE
        context = process_data(process)["context"]
        person_id = context.get("subject")
        if person_id is None and context.get("case"):
            person_id = (
                Case.objects.filter(pk=context["case"]).values_list("person", flat=True).first()
            )
        if person_id is not None:
            person = Person.objects.filter(pk=person_id).first()
            if person is None:
                return None
            if visibility.sees_whole_record(user, person):
                return WHOLE
            if visibility.partner_only_persons(user).filter(pk=person_id).exists():
                return PARTNER
            return None
        if context.get("zone") in scope.zone_ids:
            return WHOLE
        if any(link(user, process) for link in _partner_processes):
            return PARTNER
        return None

    def under_review(self, user, process):
        for shows in _under_review:
            found = shows(user, process)
            if found is not None:
                return found
        return None

    def audit_read(self, user, context, purpose):
        person = Person.objects.filter(pk=context.get("subject")).first()
        if person is not None:
            audit.record("view", actor=user, obj=person, person=person, purpose=str(purpose))

    def summary(self, context, user):
        person = scoping.persons(user).filter(pk=context.get("subject")).first()
        case = visibility.cases(user).filter(pk=context.get("case")).first()
        lines = []
        if person is not None:
            audit.record("view", actor=user, obj=person, person=person, purpose=_("procedure task"))
            lines.append(
                (
                    _("Person"),
                    f"{person.first_name} {person.last_name} · {person.tax_code}",
                    reverse("casework:person", args=[person.pk]),
                )
            )
        if case is not None:
            worker = case.social_worker.get_full_name() if case.social_worker else "—"
            lines.append(
                (
                    _("Case"),
                    _("no. %(number)s, opened %(date)s, social worker %(worker)s")
                    % {
                        "number": case.pk,
                        "date": case.opened_on.strftime("%d/%m/%Y"),
                        "worker": worker,
                    },
                    reverse("casework:case", args=[case.pk]),
                )
            )
        return {"lines": lines, "person": person, "case": case}


def subject_person(context) -> Person | None:
    return Person.objects.filter(pk=context.get("subject")).first()
