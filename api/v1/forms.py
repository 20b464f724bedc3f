"""Published questionnaires for the phone app, and submissions validated by the form engine."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from forms.host import host
from forms.json_schema import json_schema
from forms.models import FormVersion, Submission
from forms.submitting import submit


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


class SubmissionSerializer(serializers.ModelSerializer):
    form = serializers.CharField(source="version.definition.slug")
    version = serializers.IntegerField(source="version.number")
    person = serializers.IntegerField(source="subject_id")

    class Meta:
        model = Submission
        fields = ["uuid", "form", "version", "person", "answers", "channel", "submitted_at"]


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


class SubmissionCreate(APIView):
    @extend_schema(
        request=SubmissionInSerializer,
        responses={
            201: SubmissionSerializer,
            400: inline_serializer(
                "Errors", {"errors": serializers.DictField(child=serializers.ListField())}
            ),
        },
    )
    def post(self, request, slug, number):
        if not request.user.has_perm("forms.add_submission"):
            raise PermissionDenied
        version = _version(slug, number)
        incoming = SubmissionInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        subject = (
            host()
            .subjects_for(request.user, change=True)
            .filter(pk=incoming.validated_data["person"])
            .first()
        )
        if subject is None:
            raise ValidationError({"person": [_("No such person among those you follow.")]})
        try:
            submission = submit(
                version,
                subject,
                incoming.validated_data["answers"],
                user=request.user,
                channel=Submission.Channel.API,
            )
        except DjangoValidationError as error:
            raise ValidationError({"answers": error.message_dict}) from None
        return Response(SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)
