"""Admin pages of a draft rule's dry run ("Prova sui dati"): choose a territory, follow the
background task, read the counts. Only the administrators of the definition's owner reach
them (the edit view's rule); another owner's definition is a 404. Counts only: no page here
names a household or a person.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from definitions.admin import OwnerPermissionPolicy
from siso_platform.audit import log as audit
from siso_platform.italian import euro, number
from siso_platform.territory.models import SocialZone

from . import dry_runs, publishing
from .explaining import fact_label
from .models import AmountPeriod, DryRun, Programme, RunStatus

REGION = "region"


def _definition(request, kind: str, pk: int):
    """The definition, if the user may edit it: no model permission is refused, another
    owner's definition is not found."""
    model = publishing.KINDS.get(kind)
    if model is None:
        raise Http404
    policy = OwnerPermissionPolicy(model)
    if not policy.user_has_permission(request.user, "change"):
        raise PermissionDenied
    return get_object_or_404(
        policy.instances_user_has_permission_for(request.user, "change"), pk=pk
    )


def zones_for(definition):
    """Where the draft may be tried: a zone's rule in its zone; the region's anywhere."""
    zone = getattr(definition.owner, "zone_id", None)
    zones = SocialZone.objects.order_by("number")
    return zones.filter(pk=zone) if zone else zones


class TerritoryForm(forms.Form):
    territory = forms.ChoiceField(label=gettext_lazy("Territory"))

    def __init__(self, *args, definition, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(zone.pk), str(zone)) for zone in zones_for(definition)]
        if getattr(definition.owner, "zone_id", None) is None:
            choices.insert(0, (REGION, _("The whole region")))
        self.fields["territory"].choices = choices

    def zone(self):
        chosen = self.cleaned_data["territory"]
        return None if chosen == REGION else SocialZone.objects.get(pk=chosen)


def _runs(definition):
    field = "programme" if isinstance(definition, Programme) else "indicator"
    return DryRun.objects.filter(**{field: definition}).select_related("zone", "started_by")


def _edit_url(kind, definition) -> str:
    return reverse(f"wagtailsnippets_monitoring_{kind}:edit", args=[definition.pk])


def dry_run(request, kind, pk):
    definition = _definition(request, kind, pk)
    form = TerritoryForm(request.POST or None, definition=definition)
    if request.method == "POST" and form.is_valid():
        run = dry_runs.start(definition, by=request.user, zone=form.zone())
        audit.record(
            "create",
            actor=request.user,
            obj=run,
            purpose=_("dry run of a draft rule"),
            detail={"kind": kind, "definition": definition.slug, "zone": run.zone_id},
        )
        return redirect("monitoring_admin:dry_run_result", kind=kind, pk=pk, run=run.pk)
    return TemplateResponse(
        request,
        "monitoring/admin/dry_run.html",
        {
            "definition": definition,
            "kind": kind,
            "form": form,
            "runs": _runs(definition)[:10],
            "edit_url": _edit_url(kind, definition),
        },
    )


def _run(request, kind, pk, run) -> tuple[object, DryRun]:
    definition = _definition(request, kind, pk)
    return definition, get_object_or_404(_runs(definition), pk=run)


def result(request, kind, pk, run):
    definition, found = _run(request, kind, pk, run)
    counts = found.counts or {}
    audit.record(
        "view",
        actor=request.user,
        obj=found,
        purpose=_("dry run of a draft rule"),
        detail={"kind": kind, "definition": definition.slug, "zone": found.zone_id},
    )
    return TemplateResponse(
        request,
        "monitoring/admin/dry_run_result.html",
        {
            "definition": definition,
            "kind": kind,
            "run": found,
            "counts": counts,
            "following": found.status in (RunStatus.QUEUED, RunStatus.RUNNING),
            "missing": [(fact_label(name), count) for name, count in dry_runs.most_missing(counts)],
            "is_programme": kind == "programme",
            "costs": _costs(found, counts) if kind == "programme" else [],
            "dry_run_url": reverse("monitoring_admin:dry_run", args=[kind, pk]),
            "edit_url": _edit_url(kind, definition),
        },
    )


def _households(cost: dry_runs.Cost, key: str) -> str:
    one = cost.households == 1  # Italian and English: the singular is for one only
    words = {
        ("eligible", True): _("%(count)s eligible household"),
        ("eligible", False): _("%(count)s eligible households"),
        ("receiving_nothing", True): _("%(count)s eligible household receiving nothing"),
        ("receiving_nothing", False): _("%(count)s eligible households receiving nothing"),
    }[key, one]
    return words % {"count": number(cost.households)}


def cost_sentence(cost: dry_runs.Cost, key: str) -> str:
    """How the cost was worked out, in words: "2 nuclei idonei times € 250,00 al mese times
    12 = € 6.000,00 l'anno", with the multiplication sign."""
    formula = {
        AmountPeriod.MONTH: _("%(households)s × %(amount)s per month × 12 = %(total)s a year"),  # noqa: RUF001
        AmountPeriod.YEAR: _("%(households)s × %(amount)s per year = %(total)s a year"),  # noqa: RUF001
        AmountPeriod.ONCE: _("%(households)s × %(amount)s one-off = %(total)s a year"),  # noqa: RUF001
    }[cost.period]
    return formula % {
        "households": _households(cost, key),
        "amount": euro(cost.amount),
        "total": euro(cost.yearly),
    }


def _costs(run: DryRun, counts: dict) -> list[tuple[str, str, str]]:
    """(key, yearly cost, how) for the eligible households and the gap to fund."""
    found = dry_runs.costs(counts, run.amount, run.amount_period) or {}
    return [(key, euro(cost.yearly), cost_sentence(cost, key)) for key, cost in found.items()]


def progress(request, kind, pk, run):
    found = _run(request, kind, pk, run)[1]
    return JsonResponse(
        {
            "status": found.status,
            "status_label": found.get_status_display(),
            "done": found.households_done,
            "total": found.households_total,
            "percent": found.progress,
            "following": found.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        }
    )
