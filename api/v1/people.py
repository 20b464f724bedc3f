"""Persons and households, scoped like the operator pages, each read audited.

A third-sector body's operator reads a person only while one of the person's cases is
assigned to the body, and then only what the assignment needs: who the person is and how to
reach them, and that case's needs and interventions (no household, facts or questionnaires).
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from api.pagination import NewestFirstCursorPagination
from siso_platform.accounts import scoping
from siso_platform.casework import record as social_record
from siso_platform.casework import visibility
from siso_platform.casework.record_views import search_persons
from siso_platform.people import actions as people_actions
from siso_platform.people import attestations
from siso_platform.people import visibility as people_visibility
from siso_platform.people.models import Fact, Household, HouseholdMembership, Person
from siso_platform.people.rules import IseeKind

from .common import (
    ERRORS,
    SINCE,
    SYNC_CURSOR,
    AuditedReads,
    FollowedFilterSet,
    Synced,
    audit_read,
    household_members,
    requires,
    validation_error,
)


class MunicipalitySerializer(serializers.Serializer):
    istat_code = serializers.CharField()
    name = serializers.CharField()


# What a third-sector body's operator reads: who the person is and how to reach them.
BRIEF = [
    "id",
    "tax_code",
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "residence_municipality",
    "address",
    "phone",
]
# The rest of the record, for who reads it whole (absent for a body's operator).
WHOLE = [
    "provisional_tax_code",
    "birth_place_code",
    "birth_place",
    "citizenship",
    "email",
    "deceased_on",
    "household",
]


class CurrentHousehold(serializers.IntegerField):
    """The id of the person's current household (looked up once per page by the view)."""

    def get_attribute(self, person):
        households = self.context.get("households")
        if households is None:
            membership = HouseholdMembership.objects.current().filter(person=person).first()
            return membership.household_id if membership else None
        return households.get(person.pk)


class PersonSerializer(serializers.ModelSerializer):
    """A person; a third-sector body's operator gets only the BRIEF fields."""

    residence_municipality = MunicipalitySerializer(allow_null=True)
    # Not read-only, so that the schema may call them optional: the API never writes them.
    birth_place = serializers.CharField(required=False)
    household = CurrentHousehold(
        required=False, allow_null=True, help_text="The current household's id."
    )

    class Meta:
        model = Person
        fields = BRIEF + WHOLE
        extra_kwargs = {name: {"required": False} for name in WHOLE}

    def to_representation(self, person):
        data = super().to_representation(person)
        if self.context.get("brief"):
            for name in WHOLE:
                data.pop(name, None)
        return data


class PersonFilter(FollowedFilterSet):
    person_path = "pk"
    q = django_filters.CharFilter(
        method="search", label="Tax code, or words of the last and first names"
    )
    tax_code = django_filters.CharFilter(field_name="tax_code", lookup_expr="iexact")
    municipality = django_filters.CharFilter(
        field_name="residence_municipality__istat_code", label="ISTAT code of residence"
    )

    class Meta:
        model = Person
        fields = ["q", "tax_code", "municipality"]

    def search(self, queryset, name, value):
        return queryset & search_persons(self.request.user, value)


class EntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(
        choices=["access", "case_opened", "case_closed", "need", "intervention", "submission"]
    )
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="The record's page in the web application.")


class OpenCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    opened_on = serializers.DateField()
    office = serializers.CharField(source="office.name")
    social_worker = serializers.CharField(
        source="social_worker.get_full_name", allow_null=True, default=None
    )


class RunningInterventionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.CharField(source="item.code")
    name = serializers.CharField(source="item.name")
    provider = serializers.CharField(source="provider.name")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class MemberSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    last_name = serializers.CharField(source="person.last_name")
    first_name = serializers.CharField(source="person.first_name")
    birth_date = serializers.DateField(source="person.birth_date")
    relation = serializers.CharField()
    since = serializers.DateField(source="valid_from")


class FactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fact
        fields = ["kind", "key", "value", "valid_from", "valid_to", "source", "person", "household"]


class RecordSerializer(serializers.Serializer):
    whole = serializers.BooleanField(
        help_text="False when read through a body's assignment: only the assigned case."
    )
    entries = EntrySerializer(many=True, help_text="The history, newest first.")
    open_cases = OpenCaseSerializer(many=True)
    running_interventions = RunningInterventionSerializer(many=True)
    household = serializers.IntegerField(source="household.pk", allow_null=True, default=None)
    members = MemberSerializer(many=True)
    facts = FactSerializer(many=True, help_text="Current facts (ISEE, income, property, ...).")


# --- ISEE attestations and civil-invalidity verdicts (docs/casework.md) ----------------------


class IseeSerializer(serializers.Serializer):
    """An ISEE attestation as INPS issues it; `in_effect` and `general` are read-only."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=IseeKind.choices)
    value = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, help_text="The ISEE, in euro."
    )
    dsu_protocol = serializers.CharField(max_length=40)
    dsu_year = serializers.IntegerField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(help_text="The last day of validity (included).")
    in_effect = serializers.BooleanField(read_only=True, help_text="In effect today.")
    general = serializers.BooleanField(
        read_only=True, help_text="The ISEE the household's means test reads today."
    )
    source = serializers.CharField(read_only=True)
    household = serializers.IntegerField(read_only=True, allow_null=True)
    person = serializers.IntegerField(read_only=True, allow_null=True)

    @staticmethod
    def of(isee: attestations.Isee, general_pk, today) -> dict:
        value = isee.value
        return {
            "id": isee.fact.pk,
            "kind": isee.kind,
            "value": value.get("isee"),
            "dsu_protocol": value.get("dsu_protocol", ""),
            "dsu_year": value.get("dsu_year"),
            "issued_on": attestations.day_of(value.get("issued_on")) or isee.fact.valid_from,
            "valid_until": isee.valid_until,
            "in_effect": isee.current_on(today),
            "general": isee.fact.pk == general_pk,
            "source": isee.fact.source,
            "household": isee.fact.household_id,
            "person": isee.fact.person_id,
        }


class InvaliditySerializer(serializers.Serializer):
    """A civil-invalidity verdict; `in_effect` is read-only."""

    id = serializers.IntegerField(read_only=True)
    percent = serializers.IntegerField()
    accompanying_allowance = serializers.BooleanField(default=False)
    verdict_on = serializers.DateField()
    revision_on = serializers.DateField(required=False, allow_null=True, default=None)
    in_effect = serializers.BooleanField(read_only=True)
    source = serializers.CharField(read_only=True)

    @staticmethod
    def of(fact: Fact, today) -> dict:
        value = fact.value or {}
        return {
            "id": fact.pk,
            "percent": value.get("civil_invalidity_percent"),
            "accompanying_allowance": bool(value.get("accompanying_allowance")),
            "verdict_on": fact.valid_from,
            "revision_on": attestations.day_of(value.get("revision_on")),
            "in_effect": fact.valid_from <= today
            and (fact.valid_to is None or fact.valid_to > today),
            "source": fact.source,
        }


def _isee_list(subject) -> list[dict]:
    today = timezone.localdate()
    general = attestations.current_isee_fact(subject, on=today)
    return [
        IseeSerializer.of(isee, general.pk if general else None, today)
        for isee in attestations.isee_history(subject, on=today)
    ]


def _fact_permission(request) -> None:
    needed = people_visibility.RECORD if request.method == "POST" else people_visibility.READ
    if not request.user.has_perm(needed):
        raise PermissionDenied()


def _write(request, write):
    try:
        fact, created = write()
    except DjangoValidationError as error:
        raise validation_error(error) from error
    return fact, created


class ByNamePagination(NewestFirstCursorPagination):
    # Names are not unique: the id after them keeps a cursor's position exact.
    ordering = ("last_name", "first_name", "pk")


NOT_FOUND = OpenApiResponse(ERRORS, description="No such person among those you may see.")


@extend_schema_view(list=extend_schema(parameters=[SINCE, SYNC_CURSOR]))
class PersonViewSet(Synced, AuditedReads, viewsets.ReadOnlyModelViewSet):
    """Search persons (by tax code or name), read one, and read their social record."""

    permission_classes = [requires("people.view_person")]
    filterset_class = PersonFilter
    serializer_class = PersonSerializer
    pagination_class = ByNamePagination
    audit_purpose = _("person")

    def persons_of(self, persons) -> list:
        return list(persons)

    def get_queryset(self):
        return scoping.persons(self.request.user).select_related("residence_municipality")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["brief"] = visibility.through_assignments_only(self.request.user)
        return context

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        audit_read(request, "people.person", page, _("person search"))
        # the page's households in one query
        households = dict(
            HouseholdMembership.objects.current()
            .filter(person__in=page)
            .values_list("person_id", "household_id")
        )
        context = {**self.get_serializer_context(), "households": households}
        return self.get_paginated_response(
            self.get_serializer(page, many=True, context=context).data
        )

    @extend_schema(responses={200: PersonSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(responses={200: RecordSerializer, 404: NOT_FOUND})
    @action(detail=True)
    def record(self, request, pk=None):
        """The social record: history, open cases, running interventions, household, facts."""
        person = self.get_object()
        found = social_record.person_record(request.user, person, today=timezone.localdate())
        audit_read(request, person, [person], _("social record"))
        return Response(RecordSerializer(found).data)

    @extend_schema(
        methods=["GET"],
        responses={200: InvaliditySerializer(many=True), 404: NOT_FOUND},
        description="The person's civil-invalidity verdicts, newest first.",
    )
    @extend_schema(
        methods=["POST"],
        request=InvaliditySerializer,
        responses={
            201: InvaliditySerializer,
            200: InvaliditySerializer,
            400: ERRORS,
            404: NOT_FOUND,
        },
        description="Record a civil-invalidity verdict (the same one again answers 200).",
    )
    @action(detail=True, methods=["get", "post"], url_path="invalidity", pagination_class=None)
    def invalidity(self, request, pk=None):
        """The person's civil invalidity: read the verdicts, or record one."""
        _fact_permission(request)
        person = self.get_object()
        if not visibility.sees_whole_record(request.user, person):
            raise NotFound()
        today = timezone.localdate()
        if request.method == "POST":
            person = get_object_or_404(
                people_visibility.persons_to_record(request.user), pk=person.pk
            )
            given = InvaliditySerializer(data=request.data)
            given.is_valid(raise_exception=True)
            fact, created = _write(
                request,
                lambda: people_actions.record_invalidity(
                    person, by=request.user, **given.validated_data
                ),
            )
            return Response(
                InvaliditySerializer.of(fact, today),
                status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            )
        audit_read(request, person, [person], _("civil invalidity"))
        rows = [InvaliditySerializer.of(f, today) for f in attestations.invalidity_history(person)]
        return Response(InvaliditySerializer(rows, many=True).data)


class HouseholdSerializer(serializers.ModelSerializer):
    municipality = MunicipalitySerializer()
    members = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "code", "municipality", "address", "members"]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, household) -> list[dict]:
        return MemberSerializer(_current_members(household), many=True).data


def _current_members(household) -> list:
    """The household's current memberships, from those prefetched with it."""
    return [membership for membership in household.memberships.all() if membership.valid_to is None]


class HouseholdFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(
        field_name="municipality__istat_code", label="ISTAT code"
    )
    code = django_filters.CharFilter(field_name="code", label="Family sheet number")

    class Meta:
        model = Household
        fields = ["municipality", "code"]


class HouseholdViewSet(AuditedReads, viewsets.ReadOnlyModelViewSet):
    """Households and their current members (not for third-sector bodies)."""

    permission_classes = [requires("people.view_household")]
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    audit_purpose = _("household")

    def get_queryset(self):
        return (
            visibility.households(self.request.user)
            .select_related("municipality")
            .prefetch_related("memberships__person")
        )

    def persons_of(self, households) -> list[int]:
        return [m.person_id for household in households for m in _current_members(household)]

    @extend_schema(
        methods=["GET"],
        responses={200: IseeSerializer(many=True), 404: NOT_FOUND},
        description="The household's ISEE attestations, newest first.",
    )
    @extend_schema(
        methods=["POST"],
        request=IseeSerializer,
        responses={201: IseeSerializer, 200: IseeSerializer, 400: ERRORS, 404: NOT_FOUND},
        description="Record an ISEE attestation (the same one again answers 200, unchanged).",
    )
    @action(detail=True, methods=["get", "post"], url_path="isee", pagination_class=None)
    def isee(self, request, pk=None):
        """The household's ISEE: read them, or record one from the attestation."""
        _fact_permission(request)
        household = self.get_object()
        if request.method == "POST":
            household = get_object_or_404(
                people_visibility.households_to_record(request.user), pk=household.pk
            )
            given = IseeSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            fact, created = _write(
                request,
                lambda: people_actions.record_isee(
                    household, by=request.user, **given.validated_data
                ),
            )
            today = timezone.localdate()
            general = attestations.current_isee_fact(household, on=today)
            body = IseeSerializer.of(
                attestations.Isee(fact), general.pk if general else None, today
            )
            return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        audit_read(request, household, household_members([household]), _("household ISEE"))
        return Response(IseeSerializer(_isee_list(household), many=True).data)
