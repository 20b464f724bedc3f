"""Municipal data imports, read-only: a run's status and progress, and its report of
rejected rows (row, column, reason). Uploading stays in the admin, where a data steward sees
the mapping and the preview."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action

from api.pagination import NewestFirstCursorPagination
from siso_platform.audit import log as audit
from siso_platform.imports.models import ImportRun, RejectedRow
from siso_platform.imports.scoping import runs_for

from .common import ERRORS, requires


class ImportRunSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.istat_code")
    municipality_name = serializers.CharField(source="municipality.name")
    profile = serializers.CharField(source="profile.name", allow_null=True, default=None)
    interrupted = serializers.BooleanField(
        help_text="Running, but its worker stopped: resume or roll back in the admin."
    )

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "source",
            "municipality",
            "municipality_name",
            "profile",
            "file_name",
            "file_size",
            "reference_date",
            "status",
            "interrupted",
            "created_at",
            "started_at",
            "finished_at",
            "rows_read",
            "rows_inserted",
            "rows_updated",
            "rows_unchanged",
            "rows_rejected",
            "rows_held",
            "error",
            "warnings",
        ]


class RejectedRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = RejectedRow
        fields = ["row_number", "values", "errors"]


class InFileOrder(NewestFirstCursorPagination):
    ordering = "pk"  # rows are stored in the file's order


class ImportRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Import runs of the municipalities of your territory."""

    permission_classes = [requires("imports.view_importrun")]
    serializer_class = ImportRunSerializer
    filterset_fields = ["source", "status"]

    def get_queryset(self):
        return runs_for(self.request.user).select_related("municipality", "profile")

    @extend_schema(responses={200: RejectedRowSerializer(many=True), 404: ERRORS})
    @action(detail=True, serializer_class=RejectedRowSerializer, pagination_class=InFileOrder)
    def rejected(self, request, pk=None):
        """The rows the run refused, each with its column and reason."""
        run = self.get_object()
        page = self.paginate_queryset(run.rejected_rows.all())
        # the rows are the municipality's file as it was: personal data of unknown persons
        audit.record(
            "view",
            actor=request.user,
            obj=run,
            purpose=_("rejected rows"),
            detail={"channel": "api"},
        )
        return self.get_paginated_response(RejectedRowSerializer(page, many=True).data)
