"""Territory analysis pages: the region's zones side by side, a zone, a municipality.

The pages show aggregates only (counts and sums, never a person), so they write no audit
event. The region sees every territory; a zone's staff see their zones and the
municipalities in them, and any other territory answers 404 as if it did not exist.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from siso_platform import charts
from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership, Role
from siso_platform.italian import euro
from siso_platform.territory.models import Municipality, SocialZone

from .territory_analysis import Analysis, Territory, analyse, zones_side_by_side

PERMISSION = "monitoring.view_territory_analysis"


def _check_permission(user) -> None:
    if not user.has_perm(PERMISSION):
        raise PermissionDenied


def _sees_region(user) -> bool:
    if user.is_superuser:
        return True
    return Membership.objects.active().filter(user=user, role=Role.REGIONAL_ADMIN).exists()


def _sees_zone(user, zone_id: int) -> bool:
    return _sees_region(user) or zone_id in scoping.scope_for(user).zone_ids


def _sees_municipality(user, municipality: Municipality) -> bool:
    scope = scoping.scope_for(user)
    return _sees_zone(user, municipality.zone_id) or municipality.pk in scope.municipality_ids


@login_required
def landing(request):
    """The region's page for the region, the (first) zone's page for a zone's staff."""
    _check_permission(request.user)
    if _sees_region(request.user):
        return redirect("monitoring:analysis_region")
    zone = SocialZone.objects.filter(pk__in=scoping.scope_for(request.user).zone_ids).first()
    if zone is None:
        raise Http404
    return redirect("monitoring:analysis_zone", number=zone.number)


def _svg(markup: str):
    return mark_safe(markup)  # built by `charts`, which escapes every label


def _analysis_charts(analysis: Analysis) -> dict:
    months = [dateformat.format(row["month"], "M y") for row in analysis.trends]

    def monthly(key: str, title: str):
        rows = list(zip(months, (row[key] for row in analysis.trends), strict=True))
        return _svg(charts.column_chart(rows, title=title))

    return {
        "area_count": _svg(
            charts.bar_chart(
                [(row["label"], row["count"]) for row in analysis.by_area],
                title=_("Interventions running by area"),
            )
        ),
        "area_amount": _svg(
            charts.bar_chart(
                [(row["label"], row["amount"]) for row in analysis.by_area],
                title=_("Amounts of running interventions by area (euro)"),
                fmt=euro,
            )
        ),
        "provider_amount": _svg(
            charts.bar_chart(
                [(row["label"], row["amount"]) for row in analysis.by_provider_kind],
                title=_("Amounts of running interventions by kind of provider (euro)"),
                fmt=euro,
            )
        ),
        "alerts": _svg(
            charts.bar_chart(
                [(row["label"], row["count"]) for row in analysis.alerts_by_kind],
                title=_("Open alerts by kind"),
            )
        ),
        "coverage": _svg(
            charts.bar_chart(
                [(row["title"], row["percent"] or 0) for row in analysis.coverage["rows"]],
                title=_("Eligible households receiving the benefit (%)"),
                fmt=lambda value: f"{value}%",
            )
        )
        if analysis.coverage
        else "",
        "accesses": monthly("accesses", _("Accesses by month")),
        "cases": monthly("cases", _("Cases opened by month")),
        "interventions": monthly("interventions", _("Interventions started by month")),
    }


def _render(request, template: str, title: str, analysis: Analysis, **context):
    return render(
        request,
        template,
        {
            "title": title,
            "analysis": analysis,
            "charts": _analysis_charts(analysis),
            **context,
        },
    )


@login_required
def region(request):
    _check_permission(request.user)
    if not _sees_region(request.user):
        raise Http404
    today = timezone.localdate()
    zones = zones_side_by_side(today)
    zone_charts = {
        "open_cases": _svg(
            charts.bar_chart(
                [(zone["name"], zone["open_cases"]) for zone in zones],
                title=_("Open cases by zone"),
            )
        ),
        "amounts": _svg(
            charts.bar_chart(
                [(zone["name"], zone["amount_running"]) for zone in zones],
                title=_("Amounts of running interventions by zone (euro)"),
                fmt=euro,
            )
        ),
    }
    return _render(
        request,
        "monitoring/analysis_region.html",
        _("The region"),
        analyse(Territory(), today),
        zones=zones,
        zone_charts=zone_charts,
    )


@login_required
def zone(request, number):
    _check_permission(request.user)
    found = get_object_or_404(SocialZone, number=number)
    if not _sees_zone(request.user, found.pk):
        raise Http404
    return _render(
        request,
        "monitoring/analysis_territory.html",
        str(found),
        analyse(Territory(zone_id=found.pk)),
        zone=found,
        sees_region=_sees_region(request.user),
    )


@login_required
def municipality(request, pk):
    _check_permission(request.user)
    found = get_object_or_404(Municipality.objects.select_related("zone"), pk=pk)
    if not _sees_municipality(request.user, found):
        raise Http404
    return _render(
        request,
        "monitoring/analysis_territory.html",
        found.name,
        analyse(Territory(municipality_id=found.pk)),
        zone=found.zone,
        municipality=found,
        sees_region=_sees_region(request.user),
        sees_zone=_sees_zone(request.user, found.zone_id),
    )
