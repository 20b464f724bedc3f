"""Third-sector bodies, their accreditations and activity reports (rendicontazione).

The phone app may send a report while offline and retry: a POST with an `Idempotency-Key`
header creates the report once; a retry gets the same report back (200, header
`Idempotent-Replayed: true`), and the same key with other content is refused (422) — the one
mechanism of every write of the API (`common.run_once`, `siso_platform.sync.idempotency`). A
report for a person whose assignment to the body ended meanwhile is refused with 409 and
the reason.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from siso_platform import private_files, uploads
from siso_platform.accounts import scoping
from siso_platform.casework import visibility as casework_visibility
from siso_platform.casework.models import Assignment
from siso_platform.territory.models import SocialZone
from siso_platform.thirdsector import actions
from siso_platform.thirdsector import visibility as reach
from siso_platform.thirdsector.models import (
    Accreditation,
    ActivityReport,
    ActivityType,
    ReportAttachment,
    ThirdSectorBody,
)

from .common import (
    ERRORS,
    IDEMPOTENCY_KEY,
    REPLAYED,
    AuditedReads,
    Conflict,
    audit_read,
    created_response,
    entered_via,
    idempotency_responses,
    requires,
    run_once,
    validation_error,
)

# Bodies


class AccreditationBriefSerializer(serializers.ModelSerializer):
    zones = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Accreditation
        fields = ["id", "zones", "areas", "valid_from", "valid_to"]


class BodySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name")
    tax_code = serializers.CharField(source="organisation.tax_code")
    accreditations = serializers.SerializerMethodField(help_text="Those in effect today.")

    class Meta:
        model = ThirdSectorBody
        fields = [
            "id",
            "name",
            "tax_code",
            "legal_form",
            "runts_number",
            "legal_seat",
            "email",
            "pec",
            "phone",
            "website",
            "accreditations",
        ]

    @extend_schema_field(AccreditationBriefSerializer(many=True))
    def get_accreditations(self, body) -> list[dict]:
        today = timezone.localdate()
        in_effect = [a for a in body.accreditations.all() if a.in_effect_on(today)]
        return AccreditationBriefSerializer(in_effect, many=True).data


class BodyFilter(django_filters.FilterSet):
    accredited_in = django_filters.NumberFilter(
        method="accredited", label="Zone number: bodies accredited there today"
    )

    class Meta:
        model = ThirdSectorBody
        fields = ["legal_form", "accredited_in"]

    def accredited(self, queryset, name, value):
        in_effect = Accreditation.objects.in_effect(timezone.localdate()).filter(
            zones__number=value
        )
        return queryset.filter(pk__in=in_effect.values("body"))


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    """The register of third-sector bodies and the accreditations they hold."""

    permission_classes = [requires("thirdsector.view_thirdsectorbody")]
    serializer_class = BodySerializer
    filterset_class = BodyFilter
    queryset = ThirdSectorBody.objects.select_related("organisation").prefetch_related(
        "accreditations__zones"
    )


# Accreditations


class AccreditationSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="body.organisation.name")
    zone = serializers.IntegerField(source="zone.number", help_text="The reviewing zone.")
    zones = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    in_effect = serializers.SerializerMethodField()

    class Meta:
        model = Accreditation
        fields = [
            "id",
            "body",
            "zone",
            "status",
            "requested_areas",
            "zones",
            "areas",
            "valid_from",
            "valid_to",
            "in_effect",
            "process",
            "applied_at",
            "decided_at",
            "decision_note",
            "revoked_at",
        ]

    def get_in_effect(self, accreditation) -> bool:
        return accreditation.in_effect_on(timezone.localdate())


class ApplicationSerializer(serializers.Serializer):
    zone = serializers.IntegerField(help_text="The number of the social zone applied to.")
    answers = serializers.DictField(
        help_text="The answers to the application questionnaire `domanda-accreditamento` "
        "(GET /api/v1/forms/ for its layout and JSON Schema)."
    )

    def validate_zone(self, number):
        zone = SocialZone.objects.filter(number=number).first()
        if zone is None:
            raise ValidationError(_("There is no social zone %(number)s.") % {"number": number})
        return zone


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the accreditation is revoked.")


class AccreditationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Apply for accreditation (a body's operator), follow the application, revoke one."""

    serializer_class = AccreditationSerializer
    filterset_fields = ["status"]

    def get_permissions(self):
        needed = {
            "create": "thirdsector.add_accreditation",
            "revoke": "thirdsector.change_accreditation",
        }.get(self.action, "thirdsector.view_accreditation")
        return [requires(needed)()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Accreditation.objects.none()
        return (
            reach.accreditations(self.request.user)
            .select_related("body__organisation", "zone")
            .prefetch_related("zones")
        )

    @extend_schema(
        request=ApplicationSerializer,
        responses={
            201: AccreditationSerializer,
            400: OpenApiResponse(ERRORS, description="Errors keyed `answers.<field>`."),
            403: ERRORS,
        },
    )
    def create(self, request, *args, **kwargs):
        incoming = ApplicationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        organisation = actions.body_organisations(request.user).first()
        if organisation is None:
            raise ValidationError({"detail": [_("You do not work for a third-sector body.")]})
        try:
            accreditation = actions.apply_for_accreditation(
                by=request.user,
                organisation=organisation,
                zone=incoming.validated_data["zone"],
                answers=incoming.validated_data["answers"],
            )
        except DjangoValidationError as error:
            raise validation_error(error) from None
        return Response(
            self.get_serializer(self.get_queryset().get(pk=accreditation.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=RevokeSerializer,
        responses={200: AccreditationSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """End an approved accreditation now: its operators lose the assigned persons."""
        accreditation = self.get_object()
        if not reach.may_revoke(request.user, accreditation):
            raise PermissionDenied(_("Only the reviewing zone or the region may revoke it."))
        incoming = RevokeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            accreditation = actions.revoke(
                accreditation, by=request.user, reason=incoming.validated_data["reason"]
            )
        except DjangoValidationError as error:
            raise validation_error(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=accreditation.pk)).data)


# Activity reports


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportAttachment
        fields = ["id", "name", "content_type", "size", "uploaded_at"]


# Only persons and interventions the caller reaches: anything else "does not exist".
class ReachablePerson(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return scoping.persons(self.context["request"].user)


class ReachableIntervention(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        user = self.context["request"].user
        return casework_visibility.interventions(user).select_related("item", "case")


class ActivityReportSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="body.organisation.name", read_only=True)
    person = ReachablePerson()
    intervention = ReachableIntervention()
    attachments = AttachmentSerializer(many=True, read_only=True)
    activity_type = serializers.ChoiceField(choices=ActivityType.choices)
    hours = serializers.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        model = ActivityReport
        fields = [
            "id",
            "body",
            "person",
            "intervention",
            "date",
            "activity_type",
            "hours",
            "notes",
            "status",
            "review_note",
            "process",
            "created_at",
            "accepted_at",
            "attachments",
        ]
        read_only_fields = ["status", "review_note", "process", "created_at", "accepted_at"]


class CorrectionSerializer(ActivityReportSerializer):
    person = serializers.PrimaryKeyRelatedField(read_only=True)
    intervention = serializers.PrimaryKeyRelatedField(read_only=True)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()  # PDF, images, sheets or text by content (docs/files.md)

    def validate_file(self, upload):
        try:
            upload.siso_kind = uploads.check(
                upload,
                kinds=uploads.ATTACHMENTS,
                limit_setting="SISO_UPLOAD_MAX_MB",
                field=_("file"),
            )
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from None
        return upload


MAX_REPORT_FILES = 10


class ActivityReportUploadSerializer(ActivityReportSerializer):
    """A report and its files in one request (multipart/form-data): what the app sends when a
    report written offline carries a photo, under the same Idempotency-Key."""

    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        write_only=True,
        max_length=MAX_REPORT_FILES,
        help_text="Photos or documents (PDF, images, sheets or text by content; each at most "
        "SISO_UPLOAD_MAX_MB): one `files` part each.",
    )

    class Meta(ActivityReportSerializer.Meta):
        fields = [*ActivityReportSerializer.Meta.fields, "files"]

    def validate_files(self, files):
        for upload in files:
            upload.siso_kind = AttachmentUploadSerializer().validate_file(upload).siso_kind
        return files


def _assignment_ended(user, data) -> Conflict | None:
    """A 409 when the person (or intervention) named is out of reach because the body's
    assignment of their case has ended: the body knew the person, so saying so leaks
    nothing; anything else stays a plain refusal of the field."""
    person, intervention = data.get("person"), data.get("intervention")
    bodies = actions.body_organisations(user)
    ended = Assignment.objects.filter(body__in=bodies, ends_on__lt=timezone.localdate())
    try:
        if intervention not in (None, ""):
            ended = ended.filter(case__interventions=int(intervention))
        elif person not in (None, ""):
            ended = ended.filter(case__person=int(person))
        else:
            return None
    except (TypeError, ValueError):
        return None
    last = ended.order_by("-ends_on").first()
    if last is None:
        return None
    return Conflict(
        _(
            "The assignment of this person to your body ended on %(date)s: the report "
            "cannot be sent. Keep it as a draft and ask the social worker."
        )
        % {"date": last.ends_on.strftime("%d/%m/%Y")}
    )


class ActivityReportViewSet(
    AuditedReads,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A body reports what it did; a social worker of the zone reviews it (procedure
    `revisione-rendicontazione`); a report sent back is corrected with PATCH."""

    serializer_class = ActivityReportSerializer
    filterset_fields = ["person", "intervention", "status", "date"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    audit_purpose = gettext_lazy("activity report")

    def get_permissions(self):
        needed = {
            "create": "thirdsector.add_activityreport",
            "partial_update": "thirdsector.change_activityreport",
            "attachments": "thirdsector.change_activityreport",
        }.get(self.action, "thirdsector.view_activityreport")
        return [requires(needed)()]

    def get_queryset(self):
        return (
            reach.reports(self.request.user)
            .select_related("body__organisation")
            .prefetch_related("attachments")
        )

    def get_serializer_class(self):
        return (
            CorrectionSerializer
            if self.action == "partial_update"
            else super().get_serializer_class()
        )

    def get_parsers(self):
        # A new report (POST on the list) comes as JSON, or as multipart with its files.
        method = getattr(self.request, "method", "")
        if method == "POST" and not getattr(self, "detail", False):
            return [JSONParser(), MultiPartParser()]
        return super().get_parsers()

    @extend_schema(
        request={
            "application/json": ActivityReportSerializer,
            "multipart/form-data": ActivityReportUploadSerializer,
        },
        parameters=[IDEMPOTENCY_KEY, REPLAYED],
        responses=idempotency_responses(
            ActivityReportSerializer,
            "report",
            {
                409: OpenApiResponse(
                    ERRORS,
                    description="The assignment of the person to your body ended: the reason "
                    "is under `detail`.",
                )
            },
        ),
    )
    def create(self, request, *args, **kwargs):
        incoming = ActivityReportUploadSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        if not incoming.is_valid():
            conflict = _assignment_ended(request.user, request.data)
            if conflict is not None and {"person", "intervention"} & set(incoming.errors):
                raise conflict
            raise ValidationError(incoming.errors)
        data = dict(incoming.validated_data)
        files = data.pop("files", [])
        organisation = actions.body_organisations(request.user).first()
        body = ThirdSectorBody.objects.filter(organisation=organisation).first()
        if body is None:
            raise ValidationError({"detail": [_("You do not work for a registered body.")]})

        def create():
            report, _created = actions.submit_report(
                by=request.user, body=body, entered_via=entered_via(request), **data
            )
            for upload in files:  # in the same transaction: the report and its files, or none
                actions.attach_file(report, upload, by=request.user, kind=upload.siso_kind)
            return report

        # The files are part of what was asked: a retry must carry the same ones.
        asked = dict(data, files=files) if files else data
        report, created = run_once(request, "activity-report", asked, create)
        row = self.get_queryset().filter(pk=report.pk).first()
        if row is None:  # a retry after the assignment ended: the report exists, unreadable
            raise _assignment_ended(request.user, request.data) or Conflict()
        return created_response(self.get_serializer(row).data, created)

    @extend_schema(
        request=CorrectionSerializer,
        responses={200: ActivityReportSerializer, 400: ERRORS, 404: ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        incoming = self.get_serializer(report, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        try:
            report = actions.amend_report(report, by=request.user, **incoming.validated_data)
        except DjangoValidationError as error:
            raise validation_error(error) from None
        return Response(
            ActivityReportSerializer(
                self.get_queryset().get(pk=report.pk), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, 400: ERRORS, 404: ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        """Attach a file (a signed time sheet, a photo of a receipt; at most 10 MB)."""
        report = self.get_object()
        incoming = AttachmentUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        upload = incoming.validated_data["file"]
        try:
            attachment = actions.attach_file(report, upload, by=request.user, kind=upload.siso_kind)
        except DjangoValidationError as error:
            raise validation_error(error) from None
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS})
    @action(detail=True, url_path=r"attachments/(?P<attachment_id>\d+)")
    def attachment(self, request, pk=None, attachment_id=None):
        """Download an attachment."""
        report = self.get_object()
        attachment = get_object_or_404(report.attachments, pk=attachment_id)
        audit_read(request, report, [report.person_id], _("attachment"))
        return private_files.download(
            attachment.file, filename=attachment.name, content_type=attachment.content_type
        )
