"""Accesses, cases with their care plans, needs and interventions: read-only, scoped by
`casework.visibility` (a row out of reach answers 404), each read audited.

Records change through procedures (tasks), questionnaires and the operator pages, which all
go through `casework.actions`; the phone app reads here and works its tasks.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from siso_platform.casework import visibility
from siso_platform.casework.models import Access, CarePlan, Case, Goal, Intervention, Need

from .common import ERRORS, AuditedReads, audit_read, requires


class AccessSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.name")

    class Meta:
        model = Access
        fields = [
            "id",
            "person",
            "office",
            "date",
            "channel",
            "reason",
            "outcome",
            "referred_to",
            "intake",
            "recorded_at",
        ]


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ["description", "due_on", "status"]


class CarePlanSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True)

    class Meta:
        model = CarePlan
        fields = ["summary", "agreed_on", "review_on", "updated_at", "goals"]


class CaseSerializer(serializers.ModelSerializer):
    zone = serializers.IntegerField(source="zone.number")
    office = serializers.CharField(source="office.name")
    social_worker = serializers.CharField(
        source="social_worker.get_full_name", allow_null=True, default=None
    )
    care_plan = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "person",
            "household",
            "zone",
            "office",
            "social_worker",
            "status",
            "opened_on",
            "closed_on",
            "closing_outcome",
            "care_plan",
        ]

    @extend_schema_field(CarePlanSerializer(allow_null=True))
    def get_care_plan(self, case) -> dict | None:
        plan = getattr(case, "care_plan", None)
        return CarePlanSerializer(plan).data if plan else None


class NeedSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")

    class Meta:
        model = Need
        fields = [
            "id",
            "person",
            "household",
            "case",
            "category",
            "category_name",
            "origin",
            "status",
            "noted_on",
            "closed_on",
            "notes",
            "detected_by",
        ]


class InterventionSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", help_text="The catalogue code.")
    item_name = serializers.CharField(source="item.name")
    unit = serializers.CharField(source="item.unit")
    provider = serializers.CharField(source="provider.name")
    provider_kind = serializers.CharField(source="provider.kind")

    class Meta:
        model = Intervention
        fields = [
            "id",
            "case",
            "person",
            "household",
            "need",
            "item",
            "item_name",
            "unit",
            "provider",
            "provider_kind",
            "starts_on",
            "ends_on",
            "amount",
            "quantity",
            "user_share",
            "health_share",
            "means_test_waived",
            "delivered_quantity",
            "status",
            "source",
        ]


class AccessViewSet(AuditedReads, viewsets.ReadOnlyModelViewSet):
    """Accesses (contacts at a citizen office) of the persons you reach."""

    permission_classes = [requires("casework.view_access")]
    serializer_class = AccessSerializer
    filterset_fields = ["person", "outcome", "channel"]
    audit_purpose = _("accesses")

    def get_queryset(self):
        return visibility.accesses(self.request.user).select_related("office")


class CaseFilter(django_filters.FilterSet):
    zone = django_filters.NumberFilter(field_name="zone__number", label="Zone number")

    class Meta:
        model = Case
        fields = ["person", "status", "zone"]


class CaseViewSet(AuditedReads, viewsets.ReadOnlyModelViewSet):
    """Cases (prese in carico) you reach, with their care plan: a body's operators, the cases
    assigned to their body."""

    permission_classes = [requires("casework.view_case")]
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    audit_purpose = _("cases")

    def get_queryset(self):
        return (
            visibility.cases(self.request.user)
            .select_related("zone", "office", "social_worker", "care_plan")
            .prefetch_related("care_plan__goals")
        )

    @extend_schema(responses={200: CarePlanSerializer, 404: ERRORS})
    @action(detail=True, url_path="care-plan", serializer_class=CarePlanSerializer)
    def care_plan(self, request, pk=None):
        """The case's personalised plan (progetto personalizzato) with its goals."""
        case = self.get_object()
        plan = getattr(case, "care_plan", None)
        if plan is None:
            raise NotFound()
        audit_read(request, plan, [case.person_id], _("care plan"))
        return Response(CarePlanSerializer(plan).data)


class NeedViewSet(AuditedReads, viewsets.ReadOnlyModelViewSet):
    """Needs, expressed or detected, of the persons and cases you reach."""

    permission_classes = [requires("casework.view_need")]
    serializer_class = NeedSerializer
    filterset_fields = ["person", "case", "status", "origin"]
    audit_purpose = _("needs")

    def get_queryset(self):
        return visibility.needs(self.request.user).select_related("category")


class InterventionViewSet(AuditedReads, viewsets.ReadOnlyModelViewSet):
    """Interventions given to the persons (and households) you reach, with what was
    delivered so far."""

    permission_classes = [requires("casework.view_intervention")]
    serializer_class = InterventionSerializer
    filterset_fields = ["person", "household", "case", "status"]
    audit_purpose = _("interventions")

    def get_queryset(self):
        return visibility.interventions(self.request.user).select_related(
            "item", "provider", "case"
        )

    def persons_of(self, rows) -> list:
        # a household's intervention concerns the case's person (the household's are listed
        # on the household's own reads)
        return [row.person_id or (row.case.person_id if row.case_id else None) for row in rows]
