"""Operator pages that read: the home page of each role, person search and the social record.

Every page that shows a person's data writes an audit event for each person shown.
"""

import datetime
import re

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform import listing
from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership, Role
from siso_platform.audit import log as audit

from . import attestation_views, diary_views, record, register_lookup, visibility
from .models import CaseStatus, NeedStatus

TAX_CODE = re.compile(r"^([A-Z0-9]{16}|\d{11})$")
LIST_SIZE = 20


def _audit_listing(user, persons, purpose: str, **detail) -> None:
    audit.record_for_persons(
        "view",
        actor=user,
        obj="people.person",
        persons={person.pk for person in persons},
        purpose=purpose,
        detail=detail,
    )


def _roles(user) -> set[str]:
    return set(Membership.objects.active().filter(user=user).values_list("role", flat=True))


@login_required
@permission_required("casework.view_case", raise_exception=True)
def home(request):
    user, today = request.user, timezone.localdate()
    roles = _roles(user)
    context = {"roles": roles}
    shown = []
    if roles & {Role.OPERATOR, Role.SOCIAL_WORKER}:
        offices = Membership.objects.active().filter(user=user).values("office")
        accesses = (
            visibility.accesses(user)
            .filter(Q(office__in=offices) | Q(recorded_by=user))
            .select_related("person", "office")[:LIST_SIZE]
        )
        my_cases = (
            visibility.cases(user)
            .filter(social_worker=user, status=CaseStatus.OPEN)
            .select_related("person", "office")
        )
        context.update(accesses=accesses, my_cases=my_cases, my_work=diary_views.my_work(user))
        shown += [access.person for access in accesses] + [case.person for case in my_cases]
    if Role.ZONE_ADMIN in roles:
        zone_cases = visibility.cases(user, change=True)
        open_cases = zone_cases.filter(status=CaseStatus.OPEN)
        context.update(
            zone_open_cases=open_cases.select_related("person", "office", "social_worker")[
                :LIST_SIZE
            ],
            counts={
                "open_cases": open_cases.count(),
                "without_social_worker": open_cases.filter(social_worker__isnull=True).count(),
                "accesses_30_days": visibility.accesses(user)
                .filter(
                    office__municipality__zone__in=scoping.scope_for(user).zone_ids,
                    date__gte=today - datetime.timedelta(days=30),
                )
                .count(),
                "running_interventions": visibility.interventions(user)
                .filter(case__in=zone_cases)
                .running_on(today)
                .count(),
                "open_needs": visibility.needs(user)
                .filter(case__in=open_cases, status=NeedStatus.OPEN)
                .count(),
            },
            offices=open_cases.values("office__name")
            .annotate(count=Count("pk"))
            .order_by("-count"),
        )
        shown += [case.person for case in context["zone_open_cases"]]
    if Role.THIRD_SECTOR_OPERATOR in roles:
        assignments = (
            visibility.assignments_in_effect(today)
            .filter(body__in=scoping.scope_for(user).body_ids)
            .select_related("case__person", "body")
        )
        context["assignments"] = assignments
        shown += [assignment.case.person for assignment in assignments]
    _audit_listing(user, shown, _("home page"))
    return render(request, "casework/home.html", context)


def search_persons(user, query: str):
    """Persons in the user's scope by exact tax code, or by words of their names."""
    query = query.strip()
    found = scoping.persons(user)
    code = query.upper().replace(" ", "")
    if TAX_CODE.match(code):
        return found.filter(tax_code=code)
    for word in query.split():
        found = found.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    return found


@login_required
@permission_required("casework.view_case", raise_exception=True)
def persons(request):
    query = request.GET.get("q", "").strip()
    results, page = [], None
    if query:  # every match, a page at a time, with the total (no silent cap)
        found = search_persons(request.user, query).select_related("residence_municipality")
        page = listing.page_of(request, found.order_by("last_name", "first_name", "pk"))
        results = list(page)
        _audit_listing(request.user, results, _("person search"), query=query)
    code = query.upper().replace(" ", "")
    exact = bool(TAX_CODE.match(code)) and not results
    # Only an exact tax code reaches beyond the persons the user follows (the register card).
    lookup = register_lookup.look_up(request.user, code, where="search") if exact else None
    return render(
        request,
        "casework/persons.html",
        {
            "query": query,
            "results": results,
            "page": page,
            "count_label": listing.counted(
                page.paginator.count if page else 0,
                _("1 person found"),
                _("%(count)s persons found"),
            ),
            "lookup": lookup,
            "new_code": code if exact and not (lookup and (lookup.card or lookup.paused)) else "",
        },
    )


@login_required
@permission_required("casework.view_case", raise_exception=True)
def person(request, pk):
    subject = get_object_or_404(scoping.persons(request.user), pk=pk)
    audit.record(
        "view", actor=request.user, obj=subject, person=subject, purpose=_("social record")
    )
    context = {
        "person": subject,
        "record": record.person_record(request.user, subject, today=timezone.localdate()),
        "can_change": scoping.can_change_person(request.user, subject),
        **diary_views.person_context(request.user, subject),
    }
    if context["record"].whole:
        household = context["record"].household
        context.update(attestation_views.person_context(request.user, subject, household))
    return render(request, "casework/person.html", context)


@login_required
@permission_required("casework.view_case", raise_exception=True)
def household(request, pk):
    item = get_object_or_404(
        visibility.households(request.user).select_related("municipality"), pk=pk
    )
    data = record.household_record(request.user, item, today=timezone.localdate())
    audit.record_for_persons(
        "view",
        actor=request.user,
        obj=item,
        persons=[membership.person_id for membership in data.members],
        purpose=_("household record"),
    )
    visible = set(
        scoping.persons(request.user)
        .filter(pk__in=[m.person_id for m in data.members])
        .values_list("pk", flat=True)
    )
    invalidities = attestation_views.member_invalidities(request.user, data.members, visible)
    if invalidities:  # health data: each member whose verdict the page shows, on its own
        audit.record_for_persons(
            "view",
            actor=request.user,
            obj=item,
            persons=[shown["person"].pk for shown in invalidities],
            purpose=_("civil invalidity of the household members"),
        )
    return render(
        request,
        "casework/household.html",
        {
            "household": item,
            "record": data,
            "visible": visible,
            "member_invalidities": invalidities,
            **attestation_views.household_context(request.user, item),
        },
    )
