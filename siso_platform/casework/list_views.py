"""The cases list: the cases the user reads, filtered, sorted, paginated and downloadable.

The page and the download show persons' names: each writes audit events for the persons
shown (the download also one event for the export itself).
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from siso_platform import exports, listing
from siso_platform.accounts import scoping
from siso_platform.audit import log as audit
from siso_platform.territory.models import CitizenOffice

from . import lists, visibility


def _offices(user):
    scope = scoping.scope_for(user)
    offices = CitizenOffice.objects.select_related("municipality").order_by("name")
    if scope.unrestricted:
        return offices
    return offices.filter(municipality__zone__in=scope.zone_ids)


@login_required
@permission_required("casework.view_case", raise_exception=True)
def cases(request):
    found = visibility.cases(request.user).select_related("person", "office", "social_worker")
    chosen = lists.CaseFilter(request.GET, found, user=request.user, offices=_offices(request.user))
    listing.styled(chosen.form)
    fmt = exports.requested(request)
    if fmt:
        return exports.response(
            request,
            fmt,
            name="casi",
            title=_("Cases"),
            columns=lists.CASE_COLUMNS,
            rows=chosen.qs,
            list_label="casework.cases",
            persons=lambda rows: [case.person_id for case in rows],
        )
    page = listing.page_of(request, chosen.qs)
    audit.record_for_persons(
        "view",
        actor=request.user,
        obj="casework.case",
        persons={case.person_id for case in page},
        purpose=_("cases list"),
    )
    total = page.paginator.count
    return render(
        request,
        "casework/cases.html",
        {
            "filter": chosen,
            "page": page,
            "count_label": listing.counted(total, _("1 case"), _("%(count)s cases")),
            # reached from the home's "My cases" link: the page says so
            "heading": _("My cases") if request.GET.get("social_worker") == "me" else _("Cases"),
        },
    )
