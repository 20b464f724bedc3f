"""Regional reporting: aggregate tables (JSON, CSV or XLSX) and the flat export of
interventions (CSV or XLSX) for the national information system.

Only the region's and the zones' administrators and auditors (the flat export: the
administrators) are served, each over their own territory; anybody else gets 403. A zone's
export names its beneficiaries by tax code; the region's by a pseudonymous key only. The file
formats are chosen with `?format=csv|xlsx` or the Accept header. Errors are always JSON.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import (
    APIException,
    NotAcceptable,
    PermissionDenied,
    ValidationError,
)
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from siso_platform import exports as files
from siso_platform.reporting import aggregates, exports, pseudonyms, queries
from siso_platform.reporting.admin_views import file_response
from siso_platform.territory.models import Municipality, SocialZone

from .common import ERRORS, requires

XLSX_MEDIA_TYPE = files.CONTENT_TYPES[files.XLSX]


# Renderers: they only make the formats negotiable; the views write the files themselves.


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = files.CSV
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class XLSXRenderer(BaseRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = files.XLSX
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class FormatNegotiation(DefaultContentNegotiation):
    """`?format=` or Accept; a client that accepts none of the formats gets the first one,
    and an unknown `format` is a field error."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if wanted and wanted not in {renderer.format for renderer in renderers}:
            formats = ", ".join(renderer.format for renderer in renderers)
            raise ValidationError({"format": [_("Choose one of: %s.") % formats]})
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


class KeyNotConfigured(APIException):
    """The server cannot pseudonymise (a configuration fault, not the client's)."""

    status_code = 503


class _ReportingView(APIView):
    content_negotiation_class = FormatNegotiation

    def handle_exception(self, exc):
        if isinstance(exc, DjangoPermissionDenied):
            exc = PermissionDenied(str(exc) or None)
        # Errors are JSON whatever file was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


# Serializers: the query parameters (validated) and the answers (documented).


class _FiltersIn(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    zone = serializers.IntegerField(required=False, min_value=1)

    # The parameters `from` and `to` ("from" is a Python keyword); empty ones are left out.
    NAMES = {"from": "date_from", "to": "date_to"}

    def to_internal_value(self, data):
        renamed = {self.NAMES.get(key, key): value for key, value in data.items() if value != ""}
        try:
            return super().to_internal_value(renamed)
        except ValidationError as error:
            names = {field: parameter for parameter, field in self.NAMES.items()}
            raise ValidationError(
                {names.get(key, key): value for key, value in error.detail.items()}
            ) from None

    def validate_zone(self, number):
        zone = SocialZone.objects.filter(number=number).first()
        if zone is None:
            raise ValidationError(_("There is no zone %s.") % number)
        return zone

    def filters(self, territory: queries.Territory) -> queries.Filters:
        data = self.validated_data
        filters = queries.Filters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            zone=data.get("zone"),
            municipality=data.get("municipality"),
        )
        problems = filters.problems(territory)
        if problems:
            raise ValidationError({key: [message] for key, message in problems.items()})
        return filters


class AggregatesIn(_FiltersIn):
    measure = serializers.ChoiceField(choices=list(queries.MEASURES))
    by = serializers.CharField(required=False, allow_blank=True)
    municipality = serializers.CharField(required=False)

    def validate_by(self, value) -> list[str]:
        return [part.strip() for part in value.split(",") if part.strip()]

    def validate_municipality(self, code):
        municipality = Municipality.objects.filter(istat_code=code).first()
        if municipality is None:
            raise ValidationError(_("There is no municipality with the ISTAT code %s.") % code)
        return municipality

    def validate(self, data):
        problems = queries.dimension_problems(data["measure"], data.get("by", []))
        if problems:
            raise ValidationError({"by": problems})
        return data


class CellSerializer(serializers.Serializer):
    """One cell: per dimension of `by` its code and `<dimension>_label`, then the value."""

    zone = serializers.IntegerField(required=False, allow_null=True, help_text="Zone number.")
    zone_label = serializers.CharField(required=False)
    municipality = serializers.CharField(
        required=False, allow_null=True, help_text="ISTAT code of the municipality."
    )
    municipality_label = serializers.CharField(required=False)
    area = serializers.CharField(required=False, allow_null=True, help_text="Area of users.")
    area_label = serializers.CharField(required=False)
    provider_kind = serializers.CharField(required=False, allow_null=True)
    provider_kind_label = serializers.CharField(required=False)
    month = serializers.CharField(required=False, help_text="YYYY-MM.")
    month_label = serializers.CharField(required=False)
    age_band = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Age at the record's date: " + ", ".join(aggregates.AGE_BAND_CODES) + ".",
    )
    age_band_label = serializers.CharField(required=False)
    value = serializers.FloatField(
        allow_null=True,
        help_text="The measure (a count, or euro for `amounts`); null when suppressed.",
    )
    suppressed = serializers.BooleanField(
        help_text="True when the cell counts fewer than `threshold` distinct persons, or would "
        "let such a cell be worked out from a total."
    )


class AppliedFiltersSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.DateField(allow_null=True),
            "to": serializers.DateField(allow_null=True),
            "zone": serializers.IntegerField(allow_null=True, help_text="Zone number."),
            "municipality": serializers.CharField(allow_null=True, help_text="ISTAT code."),
        }


class AggregatesSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=list(queries.MEASURES))
    by = serializers.ListField(
        child=serializers.ChoiceField(choices=list(aggregates.DIMENSIONS), label="dimension")
    )
    threshold = serializers.IntegerField(
        help_text="The fewest distinct persons a cell may count and be shown."
    )
    filters = AppliedFiltersSerializer(help_text="The filters applied.")
    cells = CellSerializer(many=True)


_DATE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, included."),
    OpenApiParameter("zone", OpenApiTypes.INT, description="A zone number of your territory."),
]
_FILES = {
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
    (200, XLSX_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
}
_REFUSALS = {
    (400, "application/json"): OpenApiResponse(ERRORS, description="A parameter is wrong."),
    (403, "application/json"): OpenApiResponse(
        ERRORS, description="You may not run regional reports."
    ),
}


class AggregatesView(_ReportingView):
    permission_classes = [requires(queries.VIEW_PERMISSION)]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]

    @extend_schema(
        operation_id="reporting_aggregates",
        description="A table of your territory's figures broken down by the dimensions of "
        "`by`, as JSON or as a CSV or XLSX file. Cells counting fewer than `threshold` distinct "
        "persons, and the cells that would let them be worked out from a total, are "
        "suppressed. Audited.",
        parameters=[
            OpenApiParameter(
                "measure",
                OpenApiTypes.STR,
                required=True,
                enum=list(queries.MEASURES),
                description="accesses, cases opened, interventions started, their amounts "
                "(euro), or the distinct persons receiving them.",
            ),
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                description="Dimensions, comma-separated: "
                + ", ".join(aggregates.DIMENSIONS)
                + " (area and provider_kind for interventions, amounts and persons only).",
            ),
            *_DATE_PARAMETERS,
            OpenApiParameter(
                "municipality", OpenApiTypes.STR, description="ISTAT code of a municipality."
            ),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", files.CSV, files.XLSX],
                description="The answer's format (or use the Accept header).",
            ),
        ],
        responses={(200, "application/json"): AggregatesSerializer, **_FILES, **_REFUSALS},
    )
    def get(self, request):
        territory = queries.aggregates_territory(request.user)
        query = AggregatesIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = query.filters(territory)
        try:
            report = queries.report(
                request.user, measure=data["measure"], by=data.get("by", []), filters=filters
            )
        except ValueError as error:  # already checked above; kept as a safety net
            raise ValidationError({"detail": [str(error)]}) from None
        fmt = request.accepted_renderer.format
        if fmt in files.FORMATS:
            return file_response(
                lambda out: exports.export_aggregates(request.user, report, fmt, out),
                fmt=fmt,
                filename=exports.file_name(f"report-{report.measure.name}", fmt, filters),
            )
        cells = report.cells()
        exports.audit_aggregates(request.user, report, "json", len(cells))
        return Response(
            {
                "measure": report.measure.name,
                "by": list(report.by),
                "threshold": report.threshold,
                "filters": filters.described(),
                "cells": cells,
            }
        )


class InterventionsExportView(_ReportingView):
    permission_classes = [requires(queries.EXPORT_PERMISSION)]
    renderer_classes = [CSVRenderer, XLSXRenderer]

    @extend_schema(
        operation_id="reporting_interventions_export",
        description="One row per intervention in effect in the period: the flat format "
        "documented in docs/reporting.md. A zone administrator's export of their zones names "
        "each beneficiary by tax code and pseudonymous key; the region's export by the key "
        "only (no tax code, no name). Audited, with every person concerned.",
        parameters=[
            *_DATE_PARAMETERS,
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=[files.CSV, files.XLSX],
                description="The file's format (CSV if not given).",
            ),
        ],
        responses={
            **_FILES,
            **_REFUSALS,
            (503, "application/json"): OpenApiResponse(
                ERRORS, description="The server's pseudonymisation key is not configured."
            ),
        },
    )
    def get(self, request):
        territory = queries.export_territory(request.user)
        query = _FiltersIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.filters(territory)
        fmt = request.accepted_renderer.format
        try:
            return file_response(
                lambda out: exports.export_interventions(
                    request.user, territory, filters, fmt, out
                ),
                fmt=fmt,
                filename=exports.file_name("interventions", fmt, filters),
            )
        except pseudonyms.KeyMissing as missing:
            raise KeyNotConfigured(str(missing)) from None
