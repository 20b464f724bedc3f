"""Persons and households, scoped like the operator pages, each read audited.

A third-sector body's operator reads a person only while one of the person's cases is
assigned to the body, and then only what the assignment needs: who the person is and how to
reach them, and that case's needs and interventions (no household, facts or questionnaires).
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.pagination import NewestFirstCursorPagination
from siso_platform.accounts import scoping
from siso_platform.casework import record as social_record
from siso_platform.casework import visibility
from siso_platform.casework.record_views import search_persons
from siso_platform.people.models import Fact, Household, HouseholdMembership, Person

from .common import ERRORS, AuditedReads, audit_read, requires


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


class PersonFilter(django_filters.FilterSet):
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


class ByNamePagination(NewestFirstCursorPagination):
    # Names are not unique: the id after them keeps a cursor's position exact.
    ordering = ("last_name", "first_name", "pk")


NOT_FOUND = OpenApiResponse(ERRORS, description="No such person among those you may see.")


class PersonViewSet(AuditedReads, viewsets.ReadOnlyModelViewSet):
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
