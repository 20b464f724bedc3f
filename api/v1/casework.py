"""Accesses, cases with their care plans, needs, interventions, the case diary and the
documents of a record, scoped by `casework.visibility` (a row out of reach answers 404), each
read audited.

The phone app writes here what it did in the field (docs/api.md): an access, a diary note, a
delivery of an intervention, a document. Each write goes through `casework.actions`, is made
once per `Idempotency-Key`, names its channel (`entered_via`: "app" for a device token) and
answers 409 with a reason when the record moved on meanwhile (a case closed, an intervention
ended). The lists the app syncs take `?since=<cursor>` and answer a `Sync-Cursor` header.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from siso_platform import uploads
from siso_platform.accounts import scoping
from siso_platform.casework import actions, visibility
from siso_platform.casework.entry_forms import offices_of, own_office
from siso_platform.casework.models import (
    Access,
    AccessOutcome,
    CarePlan,
    Case,
    Channel,
    Delivery,
    DiaryNote,
    DocumentKind,
    Goal,
    Intervention,
    Need,
    NoteKind,
    RecordDocument,
)

from .common import (
    ERRORS,
    IDEMPOTENCY_KEY,
    REPLAYED,
    SINCE,
    SYNC_CURSOR,
    AuditedReads,
    FollowedFilterSet,
    Synced,
    audit_read,
    created_response,
    entered_via,
    idempotency_responses,
    requires,
    run_once,
)


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
            "entered_via",
            "updated_at",
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
            "updated_at",
        ]

    @extend_schema_field(CarePlanSerializer(allow_null=True))
    def get_care_plan(self, case) -> dict | None:
        plan = getattr(case, "care_plan", None)
        return CarePlanSerializer(plan).data if plan else None


class NeedSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    status_label = serializers.CharField(source="get_status_display", read_only=True)

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
            "status_label",
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
            "entered_via",
            "updated_at",
        ]


class AccessInSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="A person you follow (else 404).")
    office = serializers.IntegerField(
        required=False, help_text="A citizen office of your zones; by default your own."
    )
    date = serializers.DateField(required=False, help_text="By default today.")
    channel = serializers.ChoiceField(
        choices=Channel.choices, help_text="How the person made contact."
    )
    reason = serializers.CharField()
    outcome = serializers.ChoiceField(choices=AccessOutcome.choices)
    referred_to = serializers.CharField(required=False, allow_blank=True, default="")


class DiaryNoteSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="case.person_id", read_only=True)
    written_by = serializers.CharField(source="written_by.get_full_name", read_only=True)

    class Meta:
        model = DiaryNote
        fields = [
            "id",
            "case",
            "person",
            "kind",
            "happened_on",
            "text",
            "corrects",
            "written_by",
            "written_at",
            "entered_via",
        ]


class DiaryNoteInSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text="A case of your zones (else 404).")
    kind = serializers.ChoiceField(choices=NoteKind.choices)
    happened_on = serializers.DateField(required=False, help_text="By default today.")
    text = serializers.CharField()
    corrects = serializers.IntegerField(
        required=False, allow_null=True, help_text="The id of your note this one corrects."
    )


class DeliveryInSerializer(serializers.Serializer):
    date = serializers.DateField()
    quantity = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        help_text="In the unit of the intervention: hours, or days (1 for a day).",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DeliverySerializer(serializers.ModelSerializer):
    delivered_quantity = serializers.DecimalField(
        source="intervention.delivered_quantity",
        max_digits=10,
        decimal_places=2,
        read_only=True,
        help_text="What the intervention has delivered so far, this delivery included.",
    )

    class Meta:
        model = Delivery
        fields = [
            "id",
            "intervention",
            "date",
            "quantity",
            "note",
            "recorded_at",
            "entered_via",
            "delivered_quantity",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordDocument
        fields = [
            "id",
            "person",
            "case",
            "title",
            "kind",
            "name",
            "content_type",
            "size",
            "uploaded_at",
            "entered_via",
        ]


class DocumentInSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="A person you follow (else 404).")
    case = serializers.IntegerField(
        required=False, allow_null=True, help_text="One of the person's cases in your zones."
    )
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField(help_text="A photo or a document (PDF, images; docs/files.md).")

    def validate_file(self, upload):
        try:
            upload.siso_kind = uploads.check(
                upload,
                kinds=uploads.ATTACHMENTS,
                limit_setting="SISO_UPLOAD_MAX_MB",
                field=gettext("file"),
            )
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from None
        return upload


def _reached(queryset, raw, field: str):
    """The row `raw` names among `queryset` (what the user may change), or 404: a record out
    of reach is as if it did not exist. Looked up before the other fields are checked, so
    that the answer never depends on whether the record exists elsewhere."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None  # the serializer names the field
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise NotFound(gettext("No such %(record)s among those you follow.") % {"record": field})
    return row


def _write_permission(action_name: str, writes: dict, default: str):
    return [requires(writes.get(action_name, default))()]


@extend_schema_view(list=extend_schema(parameters=[SINCE, SYNC_CURSOR]))
class AccessViewSet(Synced, AuditedReads, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Accesses (contacts at a citizen office) of the persons you reach; register one."""

    serializer_class = AccessSerializer
    filterset_fields = ["person", "outcome", "channel"]
    audit_purpose = _("accesses")

    def get_permissions(self):
        return _write_permission(
            self.action, {"create": "casework.add_access"}, "casework.view_access"
        )

    def get_queryset(self):
        return visibility.accesses(self.request.user).select_related("office")

    @extend_schema(
        request=AccessInSerializer,
        parameters=[IDEMPOTENCY_KEY, REPLAYED],
        responses=idempotency_responses(AccessSerializer, "access", {404: ERRORS}),
    )
    def create(self, request, *args, **kwargs):
        user = request.user
        person = _reached(
            scoping.persons(user, change=True), request.data.get("person"), gettext("person")
        )
        incoming = AccessInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data, person=person)
        office_id = data.pop("office", None)
        office = (
            offices_of(user).filter(pk=office_id).first()
            if office_id is not None
            else own_office(user)
        )
        if office is None:
            raise ValidationError({"office": [gettext("Choose a citizen office of your zones.")]})
        data["office"] = office

        def create():
            return actions.register_access(by=user, entered_via=entered_via(request), **data)

        access, created = run_once(request, "access", data, create)
        return created_response(AccessSerializer(access).data, created)


class CaseFilter(FollowedFilterSet):
    zone = django_filters.NumberFilter(field_name="zone__number", label="Zone number")

    class Meta:
        model = Case
        fields = ["person", "status", "zone"]


@extend_schema_view(list=extend_schema(parameters=[SINCE, SYNC_CURSOR]))
class CaseViewSet(Synced, AuditedReads, viewsets.ReadOnlyModelViewSet):
    """Cases (prese in carico) you reach, with their care plan: a body's operators, the cases
    assigned to their body."""

    permission_classes = [requires("casework.view_case")]
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    audit_purpose = _("cases")
    sync_fields = ("updated_at", "care_plan__updated_at")

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


class NeedFilter(FollowedFilterSet):
    class Meta:
        model = Need
        fields = ["person", "case", "status", "origin"]


class NeedViewSet(AuditedReads, viewsets.ReadOnlyModelViewSet):
    """Needs, expressed or detected, of the persons and cases you reach."""

    permission_classes = [requires("casework.view_need")]
    serializer_class = NeedSerializer
    filterset_class = NeedFilter
    audit_purpose = _("needs")

    def get_queryset(self):
        return visibility.needs(self.request.user).select_related("category")


class InterventionFilter(FollowedFilterSet):
    class Meta:
        model = Intervention
        fields = ["person", "household", "case", "status"]


@extend_schema_view(list=extend_schema(parameters=[SINCE, SYNC_CURSOR]))
class InterventionViewSet(Synced, AuditedReads, viewsets.ReadOnlyModelViewSet):
    """Interventions given to the persons (and households) you reach, with what was
    delivered so far; record a delivery (a home visit, hours of home care)."""

    serializer_class = InterventionSerializer
    filterset_class = InterventionFilter
    audit_purpose = _("interventions")

    def get_permissions(self):
        return _write_permission(
            self.action,
            {"deliveries": "casework.change_intervention"},
            "casework.view_intervention",
        )

    def get_queryset(self):
        return visibility.interventions(self.request.user).select_related(
            "item", "provider", "case"
        )

    def persons_of(self, rows) -> list:
        # a household's intervention concerns the case's person (the household's are listed
        # on the household's own reads)
        return [row.person_id or (row.case.person_id if row.case_id else None) for row in rows]

    @extend_schema(
        request=DeliveryInSerializer,
        parameters=[IDEMPOTENCY_KEY, REPLAYED],
        responses=idempotency_responses(
            DeliverySerializer,
            "delivery",
            {
                404: ERRORS,
                409: OpenApiResponse(
                    ERRORS,
                    description="The case was closed or the intervention ended or was "
                    "suspended meanwhile: the reason is under `detail`.",
                ),
            },
        ),
    )
    @action(detail=True, methods=["post"], serializer_class=DeliverySerializer)
    def deliveries(self, request, pk=None):
        """Record what the intervention delivered on a day: hours of home care, a home visit
        (in the unit of its catalogue item). It adds to `delivered_quantity`."""
        changeable = visibility.interventions(request.user).filter(
            case__in=visibility.cases(request.user, change=True)
        )
        intervention = _reached(changeable, pk, gettext("intervention"))
        if intervention is None:
            raise NotFound()
        incoming = DeliveryInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data

        def create():
            return actions.record_delivery(
                intervention, by=request.user, entered_via=entered_via(request), **data
            )

        delivery, created = run_once(
            request, "delivery", dict(data, intervention=intervention), create
        )
        delivery = Delivery.objects.select_related("intervention").get(pk=delivery.pk)
        return created_response(DeliverySerializer(delivery).data, created)


@extend_schema_view(list=extend_schema(parameters=[SINCE, SYNC_CURSOR]))
class DiaryNoteViewSet(
    Synced, AuditedReads, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The diaries of the cases whose whole record you read (never through a body's
    assignment); write a note, or correct one of yours with a new note (`corrects`)."""

    serializer_class = DiaryNoteSerializer
    filterset_fields = ["case", "kind"]
    audit_purpose = _("diary notes")
    sync_fields = ("written_at",)

    def get_permissions(self):
        return _write_permission(
            self.action, {"create": "casework.add_diarynote"}, "casework.view_diarynote"
        )

    def get_queryset(self):
        return visibility.diary_notes(self.request.user).select_related("case", "written_by")

    def persons_of(self, rows) -> list:
        return [row.case.person_id for row in rows]

    @extend_schema(
        request=DiaryNoteInSerializer,
        parameters=[IDEMPOTENCY_KEY, REPLAYED],
        responses=idempotency_responses(DiaryNoteSerializer, "note", {404: ERRORS}),
    )
    def create(self, request, *args, **kwargs):
        user = request.user
        case = _reached(
            visibility.cases(user, change=True), request.data.get("case"), gettext("case")
        )
        incoming = DiaryNoteInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data, case=case)
        if data.get("corrects") is not None:
            data["corrects"] = (
                self.get_queryset().filter(case=case, written_by=user, pk=data["corrects"]).first()
            )
            if data["corrects"] is None:
                raise ValidationError(
                    {"corrects": [gettext("Choose one of your notes on this case.")]}
                )

        def create():
            return actions.write_note(by=user, entered_via=entered_via(request), **data)

        note, created = run_once(request, "diary-note", data, create)
        note = DiaryNote.objects.select_related("case", "written_by").get(pk=note.pk)
        return created_response(DiaryNoteSerializer(note).data, created)


class DocumentViewSet(AuditedReads, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Documents on the records whose whole record you read (their description: the file
    is downloaded from the web pages); attach a photo or a document to a person or a case."""

    serializer_class = DocumentSerializer
    filterset_fields = ["person", "case", "kind"]
    audit_purpose = _("documents")
    parser_classes = [MultiPartParser]

    def get_permissions(self):
        return _write_permission(
            self.action,
            {"create": "casework.add_recorddocument"},
            "casework.view_recorddocument",
        )

    def get_queryset(self):
        return visibility.documents(self.request.user)

    @extend_schema(
        request={"multipart/form-data": DocumentInSerializer},
        parameters=[IDEMPOTENCY_KEY, REPLAYED],
        responses=idempotency_responses(DocumentSerializer, "document", {404: ERRORS}),
    )
    def create(self, request, *args, **kwargs):
        user = request.user
        person = _reached(
            scoping.persons(user, change=True), request.data.get("person"), gettext("person")
        )
        case = None
        if request.data.get("case") not in (None, ""):
            case = _reached(
                visibility.cases(user, change=True), request.data.get("case"), gettext("case")
            )
        incoming = DocumentInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        upload = data["file"]

        def create():
            return actions.attach_document(
                by=user,
                person=person,
                case=case,
                upload=upload,
                kind_found=upload.siso_kind,
                title=data["title"],
                kind=data["kind"],
                entered_via=entered_via(request),
            )

        document, created = run_once(
            request, "document", dict(data, person=person, case=case), create
        )
        return created_response(DocumentSerializer(document).data, created)
