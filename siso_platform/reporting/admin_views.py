"""Wagtail admin pages of regional reporting: an aggregate table of the user's territory
(measure, breakdown, period, zone, municipality) with CSV and XLSX downloads, and the flat
export of interventions. Mounted under /admin/reporting/ by wagtail_hooks.

The table on screen holds aggregates only (no person; small cells suppressed) and writes no
audit event; every download writes one (see `exports`).
"""

from __future__ import annotations

import tempfile

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import AdminDateInput

from siso_platform import charts
from siso_platform.exports import CONTENT_TYPES, CSV, FORMATS, XLSX
from siso_platform.italian import euro, number

from . import exports, pseudonyms, queries
from .aggregates import ZONE
from .queries import DIMENSION_LABELS, MEASURES, PERSONS, Filters, Territory

SPOOL_BYTES = 8 * 1024 * 1024  # files bigger than this go to a temporary file on disk
CHART_ROWS = 20  # bars beyond these would be too thin to read; the table has them all


def file_response(write, *, fmt: str, filename: str) -> FileResponse:
    """A download of what `write(out)` writes to a binary file."""
    # The response closes the file once it is sent.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        write(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])


class _TerritoryForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("from"), required=False, widget=AdminDateInput)
    date_to = forms.DateField(
        label=gettext_lazy("to"),
        required=False,
        widget=AdminDateInput,
        help_text=gettext_lazy("Included."),
    )
    zone = forms.ModelChoiceField(queryset=None, label=gettext_lazy("social zone"), required=False)

    def __init__(self, *args, territory: Territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory = territory
        self.fields["zone"].queryset = territory.zones()
        if not territory.region and len(territory.zone_ids) == 1:
            self.fields["zone"].empty_label = None  # a zone's staff have nothing else to pick

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            zone=data.get("zone"),
            municipality=data.get("municipality"),
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            fields = {"from": "date_from", "to": "date_to"}
            for key, message in self.filters().problems(self.territory).items():
                self.add_error(fields.get(key, key), message)
        return cleaned


class ReportForm(_TerritoryForm):
    measure = forms.ChoiceField(
        label=gettext_lazy("measure"),
        choices=[(m.name, m.label) for m in MEASURES.values()],
        initial=PERSONS,
    )
    by = forms.MultipleChoiceField(
        label=gettext_lazy("break down by"),
        choices=list(DIMENSION_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Area and provider kind apply to interventions only."),
    )
    municipality = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("municipality"), required=False
    )
    field_order = ["measure", "by", "date_from", "date_to", "zone", "municipality"]

    def __init__(self, *args, territory: Territory, **kwargs):
        super().__init__(*args, territory=territory, **kwargs)
        self.fields["municipality"].queryset = territory.municipalities()

    def clean(self):
        cleaned = super().clean()
        measure = cleaned.get("measure")
        if measure:
            for problem in queries.dimension_problems(measure, cleaned.get("by") or []):
                self.add_error("by", problem)
        return cleaned


class FlatExportForm(_TerritoryForm):
    format = forms.ChoiceField(
        label=gettext_lazy("format"),
        choices=[(CSV, "CSV"), (XLSX, "XLSX")],
        initial=CSV,
    )


def _defaults() -> QueryDict:
    """The first table: persons by zone since the start of the year."""
    today = timezone.localdate()
    data = QueryDict(mutable=True)
    data["measure"] = PERSONS
    data.setlist("by", [ZONE])
    data["date_from"] = today.replace(month=1, day=1).isoformat()
    data["date_to"] = today.isoformat()
    return data


def _with(query: QueryDict, **changes) -> str:
    query = query.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


def index(request):
    territory = queries.aggregates_territory(request.user)
    data = request.GET if "measure" in request.GET else _defaults()
    form = ReportForm(data, territory=territory)
    report = None
    if form.is_valid():
        cleaned = form.cleaned_data
        report = queries.report(
            request.user, measure=cleaned["measure"], by=cleaned["by"], filters=form.filters()
        )
        fmt = request.GET.get("download")
        if fmt in FORMATS:
            return file_response(
                lambda out: exports.export_aggregates(request.user, report, fmt, out),
                fmt=fmt,
                filename=exports.file_name(f"report-{report.measure.name}", fmt, report.filters),
            )
    query = data.copy()
    query.pop("download", None)
    return TemplateResponse(
        request,
        "reporting/admin/index.html",
        {
            "form": form,
            "report": report,
            "header": [DIMENSION_LABELS[d] for d in report.by] if report else [],
            "rows": _display_rows(report) if report else [],
            "chart": _chart(report) if report else "",
            "csv_query": _with(query, download=CSV),
            "xlsx_query": _with(query, download=XLSX),
            "can_export": _may_export(request.user),
            "territory": territory,
        },
    )


def _display_rows(report) -> list[dict]:
    return [
        {
            "labels": [cell[f"{d}_label"] for d in report.by],
            "value": cell["value"],
            "suppressed": cell["suppressed"],
        }
        for cell in report.cells()
    ]


def _chart(report) -> str:
    """The table's figures as bars, the largest first (at most CHART_ROWS); suppressed cells
    are left out, as the table withholds them."""
    rows = sorted(
        (
            (" · ".join(row["labels"]), row["value"])
            for row in _display_rows(report)
            if not row["suppressed"] and row["value"]
        ),
        key=lambda row: row[1],
        reverse=True,
    )[:CHART_ROWS]
    if not rows:
        return ""
    fmt = euro if report.measure.figure == "amount" else number
    # built by `charts`, which escapes every label
    return mark_safe(charts.bar_chart(rows, title=str(report.measure.label), fmt=fmt, width=760))


def _may_export(user) -> bool:
    try:
        queries.export_territory(user)
    except PermissionDenied:
        return False
    return True


def interventions(request):
    territory = queries.export_territory(request.user)
    form = FlatExportForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        fmt = form.cleaned_data["format"]
        filters = form.filters()
        try:
            return file_response(
                lambda out: exports.export_interventions(
                    request.user, territory, filters, fmt, out
                ),
                fmt=fmt,
                filename=exports.file_name("interventions", fmt, filters),
            )
        except pseudonyms.KeyMissing as missing:
            form.add_error(None, str(missing))
    identified = exports.identified_export(territory)
    return TemplateResponse(
        request,
        "reporting/admin/interventions.html",
        {
            "form": form,
            "columns": exports.flat_columns(identified=identified),
            "identified": identified,
            "title": _("Export interventions"),
        },
    )


urlpatterns = [
    path("", index, name="index"),
    path("interventions/", interventions, name="interventions"),
]
