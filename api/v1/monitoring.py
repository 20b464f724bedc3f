"""Alerts of the zone's inbox, benefit programmes, and eligibility checks of a household."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from siso_platform.casework import visibility
from siso_platform.monitoring import alerts, publishing
from siso_platform.monitoring.eligibility import check_household
from siso_platform.monitoring.models import Alert, EligibilityCheck, ProgrammeVersion

from .common import (
    ERRORS,
    AuditedList,
    AuditedReads,
    audit_read,
    household_members,
    requires,
    validation_error,
)


class AlertSerializer(serializers.ModelSerializer):
    zone = serializers.IntegerField(source="zone.number")
    assigned_to = serializers.CharField(
        source="assigned_to.get_username", allow_null=True, default=None
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "zone",
            "person",
            "household",
            "title",
            "detail",
            "severity",
            "status",
            "assigned_to",
            "resolution",
            "resolved_at",
            "created_at",
        ]


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(help_text="Why the alert is resolved.")


class AlertFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(method="only_open", label="Only alerts not resolved")

    class Meta:
        model = Alert
        fields = ["kind", "status", "severity", "person", "household", "open"]

    def only_open(self, queryset, name, value):
        return queryset.unresolved() if value else queryset


class AlertViewSet(AuditedReads, viewsets.ReadOnlyModelViewSet):
    """The alerts of your zones: double funding, unmet needs, latent needs."""

    permission_classes = [requires("monitoring.view_alert")]
    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    audit_purpose = _("alerts")

    def get_queryset(self):
        return alerts.visible(self.request.user).select_related("zone", "assigned_to")

    def retrieve(self, request, *args, **kwargs):
        alert = self.get_object()
        alerts.viewed(alert, by=request.user)  # the alert page's own audit event
        return Response(self.get_serializer(alert).data)

    @extend_schema(
        request=ResolveSerializer,
        responses={200: AlertSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[requires("monitoring.change_alert")])
    def resolve(self, request, pk=None):
        alert = self.get_object()
        incoming = ResolveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            alerts.resolve(alert, reason=incoming.validated_data["resolution"], by=request.user)
        except DjangoValidationError as error:
            raise validation_error(error) from None
        return Response(self.get_serializer(alert).data)


class ProgrammeSerializer(serializers.Serializer):
    slug = serializers.CharField(source="definition.slug")
    title = serializers.CharField()
    version = serializers.IntegerField(source="number")
    item = serializers.CharField(source="snapshot.item", help_text="The catalogue code funded.")
    zone = serializers.IntegerField(
        source="snapshot.zone", allow_null=True, help_text="null: a regional programme."
    )
    starts_on = serializers.DateField(source="snapshot.starts_on")
    ends_on = serializers.DateField(source="snapshot.ends_on", allow_null=True)
    amount = serializers.DecimalField(
        source="snapshot.amount",
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text="The benefit each household receives, in euro; null when none is stated.",
    )
    amount_period = serializers.ChoiceField(
        source="snapshot.amount_period",
        choices=["once", "month", "year"],
        allow_null=True,
        help_text="How often the amount is paid: once, month or year; null without an amount.",
    )
    rule = serializers.JSONField(help_text="The eligibility rule, in JSON Logic.")


class ProgrammeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The benefit programmes in effect today (the newest published version of each)."""

    serializer_class = ProgrammeSerializer
    pagination_class = None
    queryset = ProgrammeVersion.objects.none()  # the list is computed: see list()

    def list(self, request, *args, **kwargs):
        versions = publishing.programmes_in_effect(timezone.localdate())
        return Response(self.get_serializer(versions, many=True).data)


class EligibilityCheckSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.definition.slug")
    programme_title = serializers.CharField(source="programme.title")
    programme_version = serializers.IntegerField(source="programme.number")
    checked_by = serializers.CharField(
        source="checked_by.get_username", allow_null=True, default=None
    )

    class Meta:
        model = EligibilityCheck
        fields = [
            "id",
            "household",
            "programme",
            "programme_title",
            "programme_version",
            "on",
            "outcome",
            "receiving",
            "explanation",
            "missing",
            "checked_by",
            "checked_at",
        ]


class CheckRequestSerializer(serializers.Serializer):
    household = serializers.IntegerField()


class EligibilityCheckViewSet(
    AuditedList, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Check a household against every programme in effect in its zone, with the
    condition-by-condition explanation; list the checks made."""

    permission_classes = [requires("people.view_household", "casework.view_case")]
    serializer_class = EligibilityCheckSerializer
    filterset_fields = ["household", "outcome"]
    audit_purpose = _("eligibility checks")

    def get_queryset(self):
        households = visibility.households(self.request.user)
        return EligibilityCheck.objects.filter(household__in=households).select_related(
            "programme__definition", "checked_by"
        )

    def persons_of(self, checks) -> list[int]:
        return household_members({check.household_id for check in checks})

    @extend_schema(
        request=CheckRequestSerializer,
        responses={
            201: EligibilityCheckSerializer(many=True),
            400: ERRORS,
            404: OpenApiResponse(ERRORS, description="No such household among yours."),
        },
    )
    def create(self, request, *args, **kwargs):
        incoming = CheckRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        household = get_object_or_404(
            visibility.households(request.user), pk=incoming.validated_data["household"]
        )
        checks = check_household(household, by=request.user)
        audit_read(request, household, household_members([household]), _("eligibility check"))
        fresh = self.get_queryset().filter(pk__in=[check.pk for check in checks])
        return Response(self.get_serializer(fresh, many=True).data, status=status.HTTP_201_CREATED)
