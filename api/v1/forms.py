"""Published questionnaires for the phone app, and submissions validated by the form engine.

A submission is made once per `Idempotency-Key` (docs/api.md); answers to a questionnaire
withdrawn since the app cached it are refused with 410 and the reason. Answers to file and
image questions come as multipart, one part per file named by the answer's path, checked as
the web wizard checks them.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.pagination import NewestFirstCursorPagination
from forms import registry
from forms.host import host
from forms.json_schema import json_schema
from forms.models import FormVersion, Submission
from forms.submitting import submit

from .common import (
    ERRORS,
    IDEMPOTENCY_KEY,
    REPLAYED,
    FollowedFilterSet,
    Gone,
    audit_read,
    created_response,
    entered_via,
    idempotency_responses,
    requires,
    run_once,
)
from .uploads import (
    AnswersWithFilesSerializer,
    checked_uploads,
    is_multipart,
    kept_files,
    multipart_answers,
    with_files,
)


class FormSummarySerializer(serializers.Serializer):
    slug = serializers.CharField(source="definition.slug")
    title = serializers.CharField(source="definition.title")
    version = serializers.IntegerField(source="number")
    published_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, version) -> str:
        return reverse(
            "api-v1:form-version",
            args=[version.definition.slug, version.number],
            request=self.context["request"],
        )


class FormVersionSerializer(FormSummarySerializer):
    json_schema = serializers.SerializerMethodField(
        help_text="JSON Schema (2020-12) of the cleaned answers."
    )
    layout = serializers.JSONField(
        source="schema",
        help_text="The canonical schema: steps, fields, labels and JSON Logic (docs/forms.md).",
    )

    def get_json_schema(self, version) -> dict:
        return json_schema(version.schema, language=self.context["request"].LANGUAGE_CODE)


class SubmissionInSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="The id of the person the answers are about.")
    answers = serializers.DictField(help_text="Answers keyed by field key.")


class SubmissionUploadSerializer(AnswersWithFilesSerializer):
    person = serializers.IntegerField(help_text="The id of the person the answers are about.")


def _incoming(request) -> dict:
    """`person` and `answers`, from JSON or from multipart (the answers as JSON text)."""
    data = request.data
    if is_multipart(request):
        data = {"person": request.data.get("person"), "answers": multipart_answers(request)}
    incoming = SubmissionInSerializer(data=data)
    incoming.is_valid(raise_exception=True)
    return incoming.validated_data


class SubmissionSerializer(serializers.ModelSerializer):
    form = serializers.CharField(source="version.definition.slug")
    version = serializers.IntegerField(source="version.number")
    person = serializers.IntegerField(source="subject_id")

    class Meta:
        model = Submission
        fields = [
            "uuid",
            "form",
            "version",
            "person",
            "answers",
            "channel",
            "entered_via",
            "submitted_at",
        ]


class FormList(APIView):
    @extend_schema(responses=FormSummarySerializer(many=True))
    def get(self, request):
        versions = FormVersion.objects.newest_published()
        return Response(
            FormSummarySerializer(versions, many=True, context={"request": request}).data
        )


def _version(slug: str, number: int) -> FormVersion:
    return get_object_or_404(
        FormVersion.objects.select_related("definition"),
        definition__slug=slug,
        number=number,
    )


class FormVersionDetail(APIView):
    @extend_schema(responses=FormVersionSerializer)
    def get(self, request, slug, number):
        version = _version(slug, number)
        return Response(FormVersionSerializer(version, context={"request": request}).data)


class PrefillSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="pk", help_text="The id of the person.")
    values = serializers.DictField(
        help_text="The person's values by prefill source (a field's `prefill`), only for the "
        "sources the published questionnaires use; a source with no value is left out."
    )


class PrefillPagination(NewestFirstCursorPagination):
    ordering = "pk"


def _prefill_sources() -> list:
    """The person's sources the newest published versions read (a procedure's case is the
    task's business: those are resolved on the web)."""
    names = set()
    for version in FormVersion.objects.newest_published():
        for step in version.compiled.steps:
            names.update(item.spec.get("prefill") for item in step.fields)
    return [
        source
        for name, source in sorted(registry.prefill_sources.items())
        if name in names and source.needs == registry.SUBJECT
    ]


class PrefillFilter(FollowedFilterSet):
    person_path = "pk"


class PrefillList(generics.ListAPIView):
    """What the published questionnaires are prefilled with, for each person the user may fill
    them about: the web wizard's own sources (`forms/views.py start_draft`), so the app prefills
    offline what the web prefills. Each person's read is audited."""

    permission_classes = [requires("forms.add_submission")]
    serializer_class = PrefillSerializer
    pagination_class = PrefillPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = PrefillFilter  # `mine`: the field app's working set

    def get_queryset(self):
        return host().subjects_for(self.request.user, change=True)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        sources = _prefill_sources()
        for person in page:
            person.values = {}
            for source in sources:
                value = source.resolve(person)
                if value not in (None, "", []):
                    person.values[source.name] = value
        audit_read(
            request,
            "forms.prefill",
            [person for person in page if person.values],
            _("questionnaire prefilled"),
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class SubmissionCreate(APIView):
    permission_classes = [requires("forms.add_submission")]

    @extend_schema(
        request={
            "application/json": SubmissionInSerializer,
            "multipart/form-data": SubmissionUploadSerializer,
        },
        parameters=[IDEMPOTENCY_KEY, REPLAYED],
        responses=idempotency_responses(
            SubmissionSerializer,
            "submission",
            {
                400: inline_serializer(
                    "Errors", {"errors": serializers.DictField(child=serializers.ListField())}
                ),
                404: ERRORS,
                410: OpenApiResponse(
                    ERRORS,
                    description="The questionnaire was withdrawn: the reason is under `detail`.",
                ),
            },
        ),
    )
    def post(self, request, slug, number):
        version = _version(slug, number)
        incoming = _incoming(request)
        subject = (
            host().subjects_for(request.user, change=True).filter(pk=incoming["person"]).first()
        )
        if subject is None:
            raise ValidationError({"person": [_("No such person among those you follow.")]})
        answers = incoming["answers"]
        uploads = checked_uploads(request, version)

        def create():
            # checked here, after a retry's replay: answers already taken stay taken
            if not version.definition.live:
                raise Gone(
                    _(
                        "The questionnaire “%(title)s” was withdrawn after you opened it: it "
                        "takes no more answers. Keep them as a draft and fill the current one."
                    )
                    % {"title": version.definition.title}
                )
            with kept_files(uploads, answers, subject.pk) as given:
                try:
                    return submit(
                        version,
                        subject,
                        given,
                        user=request.user,
                        channel=Submission.Channel.API,
                        entered_via=entered_via(request),
                    )
                except DjangoValidationError as error:
                    raise ValidationError({"answers": error.message_dict}) from None

        asked = with_files({"version": version, "person": subject, "answers": answers}, uploads)
        submission, created = run_once(request, "form-submission", asked, create)
        return created_response(SubmissionSerializer(submission).data, created)
