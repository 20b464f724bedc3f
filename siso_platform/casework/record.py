"""The social record (cartella sociale): what the platform knows about a person, in order.

`timeline` is pure: it merges records already fetched (through `visibility`) into dated
entries, newest first. `person_record` and `household_record` do the fetching in a fixed
number of queries, whatever the length of the history.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from forms import visibility as forms_visibility
from forms.models import Submission
from siso_platform.people.models import Fact, Household, HouseholdMembership, Person

from . import visibility
from .models import Access, Case, Intervention, Need


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str  # access, case_opened, case_closed, need, intervention, submission
    title: str
    detail: str = ""
    url: str = ""
    person: Person | None = None


def _name(person) -> str:
    return f"{person.first_name} {person.last_name}" if person else ""


def timeline(
    *,
    accesses: Iterable[Access] = (),
    cases: Iterable[Case] = (),
    needs: Iterable[Need] = (),
    interventions: Iterable[Intervention] = (),
    submissions: Iterable[Submission] = (),
) -> list[Entry]:
    entries = []
    for access in accesses:
        # The zone too: an access may come from a zone that found the person on the register.
        detail = [str(access.office.municipality.zone), access.get_outcome_display(), access.reason]
        if access.register_reason:
            detail.append(_("record needed: %(reason)s") % {"reason": access.register_reason})
        entries.append(
            Entry(
                access.date,
                "access",
                _("Access at %(office)s") % {"office": access.office.name},
                " · ".join(detail),
                reverse("casework:access", args=[access.pk]),
                access.person,
            )
        )
    for case in cases:
        url = reverse("casework:case", args=[case.pk])
        social_worker = case.social_worker.get_full_name() if case.social_worker else ""
        entries.append(
            Entry(
                case.opened_on,
                "case_opened",
                _("Case %(number)s opened at %(office)s")
                % {"number": case.pk, "office": case.office.name},
                social_worker,
                url,
                case.person,
            )
        )
        if case.closed_on:
            entries.append(
                Entry(
                    case.closed_on,
                    "case_closed",
                    _("Case %(number)s closed") % {"number": case.pk},
                    case.get_closing_outcome_display(),
                    url,
                    case.person,
                )
            )
    for need in needs:
        entries.append(
            Entry(
                need.noted_on,
                "need",
                _("Need: %(category)s") % {"category": need.category.name},
                f"{need.get_origin_display()} · {need.get_status_display()}",
                reverse("casework:case", args=[need.case_id]) if need.case_id else "",
                need.person,
            )
        )
    for intervention in interventions:
        period = intervention.starts_on.strftime("%d/%m/%Y")
        if intervention.ends_on:
            period += " - " + intervention.ends_on.strftime("%d/%m/%Y")
        entries.append(
            Entry(
                intervention.starts_on,
                "intervention",
                str(intervention.item),
                _("%(status)s · %(provider)s · %(period)s")
                % {
                    "status": intervention.get_status_display(),
                    "provider": intervention.provider.name,
                    "period": period,
                },
                reverse("casework:case", args=[intervention.case_id])
                if intervention.case_id
                else "",
                intervention.person,
            )
        )
    for submission in submissions:
        entries.append(
            Entry(
                submission.submitted_at.date(),
                "submission",
                _("Questionnaire: %(title)s") % {"title": submission.version.definition.title},
                _("filled by %(user)s") % {"user": submission.submitted_by.get_full_name()},
                reverse("forms:submission", kwargs={"uuid": submission.uuid}),
                submission.subject,
            )
        )
    return sorted(entries, key=lambda entry: entry.date, reverse=True)


@dataclass
class Record:
    """What one page of the social record shows."""

    entries: list[Entry]
    open_cases: list[Case]
    running_interventions: list[Intervention]
    members: list[HouseholdMembership] = field(default_factory=list)
    household: Household | None = None
    facts: list[Fact] = field(default_factory=list)
    whole: bool = True  # False for a third-sector body: only its assigned cases


def _fetch(user, persons: list[Person], *, whole: bool, today: datetime.date, scoped: bool = True):
    """The persons' records; `scoped=False` when the user is known to read them whole, so that
    no visibility condition (subqueries over the whole region) slows the queries down."""
    every = {
        "cases": Case.objects.all(),
        "needs": Need.objects.all(),
        "interventions": Intervention.objects.all(),
        "accesses": Access.objects.all(),
    }
    if scoped:
        every = {name: getattr(visibility, name)(user) for name in every}
    cases = list(
        every["cases"]
        .filter(person__in=persons)
        .select_related("office", "social_worker", "person")
    )
    needs = list(every["needs"].filter(person__in=persons).select_related("category", "person"))
    interventions = every["interventions"].filter(person__in=persons)
    running = list(interventions.running_on(today).select_related("item", "provider"))
    interventions = list(interventions.select_related("item", "provider", "person"))
    accesses = list(
        every["accesses"]
        .filter(person__in=persons)
        .select_related("office__municipality__zone", "person")
    )
    # A body that sees a case through an assignment reads only the questionnaires shared with
    # assigned partners (and its own); a whole record needs no check of its own.
    submissions = Submission.objects.all() if whole else forms_visibility.submissions(user)
    submissions = list(
        submissions.filter(subject__in=persons).select_related(
            "version__definition", "submitted_by", "subject"
        )
    )
    entries = timeline(
        accesses=accesses,
        cases=cases,
        needs=needs,
        interventions=interventions,
        submissions=submissions,
    )
    open_cases = [case for case in cases if not case.is_closed]
    return entries, open_cases, running


def _current_members(household: Household) -> list[HouseholdMembership]:
    return list(
        HouseholdMembership.objects.current()
        .filter(household=household)
        .select_related("person")
        .order_by("valid_from")
    )


def person_record(user, person: Person, *, today: datetime.date) -> Record:
    whole = visibility.sees_whole_record(user, person)
    # A whole record is all of it: the rows need no visibility check of their own.
    entries, open_cases, running = _fetch(
        user, [person], whole=whole, today=today, scoped=not whole
    )
    record = Record(entries, open_cases, running, whole=whole)
    if whole:
        membership = (
            HouseholdMembership.objects.current()
            .filter(person=person)
            .select_related("household__municipality")
            .first()
        )
        record.household = membership.household if membership else None
        record.members = _current_members(record.household) if record.household else []
        facts = Fact.objects.current().filter(person=person)
        if record.household:
            facts = facts | Fact.objects.current().filter(household=record.household)
        record.facts = list(facts.select_related("recorded_by"))
    return record


def household_record(user, household: Household, *, today: datetime.date) -> Record:
    members = _current_members(household)
    persons = [membership.person for membership in members]
    entries, open_cases, running = _fetch(user, persons, whole=True, today=today)
    household_interventions = visibility.interventions(user).filter(
        household=household, person__isnull=True
    )
    more = timeline(interventions=household_interventions.select_related("item", "provider"))
    facts = Fact.objects.current().filter(household=household).select_related("recorded_by")
    return Record(
        sorted(entries + more, key=lambda entry: entry.date, reverse=True),
        open_cases,
        running,
        members=members,
        household=household,
        facts=list(facts),
    )
