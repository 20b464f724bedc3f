"""What every resource of the API shares: model permissions, auditing of personal reads and
the error shape documented in the schema."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from siso_platform.audit import log as audit


def requires(*perms: str) -> type[BasePermission]:
    """A permission class: the user holds every one of `perms` (the role's model permissions).

    Which rows they then reach is the scoping module's business: a row out of scope is 404.
    """

    class HasPermissions(BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated) and (
                request.user.has_perms(perms)
            )

    HasPermissions.__name__ = f"Requires({', '.join(perms)})"
    return HasPermissions


def audit_read(request, obj, persons: Iterable, purpose) -> None:
    """One `view` event per person whose data the response shows; the purpose is the web
    page's own, the channel is in the detail."""
    concerned = sorted({getattr(person, "pk", person) for person in persons} - {None})
    if concerned:
        audit.record_for_persons(
            "view",
            actor=request.user,
            obj=obj,
            persons=concerned,
            purpose=str(purpose),
            detail={"channel": "api"},
        )


class AuditedList:
    """`list` of a viewset's scoped rows, audited: one event per person the page shows
    (`persons_of`), for `audit_purpose`."""

    audit_purpose = ""

    def persons_of(self, rows) -> list:
        return [row.person_id for row in rows]

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        label = queryset.model._meta.label_lower
        audit_read(request, label, self.persons_of(page), self.audit_purpose)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class AuditedReads(AuditedList):
    """`list` and `retrieve`, both audited."""

    def retrieve(self, request, *args, **kwargs):
        row = self.get_object()
        audit_read(request, row, self.persons_of([row]), self.audit_purpose)
        return Response(self.get_serializer(row).data)


def household_members(households) -> list[int]:
    """The current members of households (instances or ids): whom their reads concern."""
    from siso_platform.people.models import HouseholdMembership

    return list(
        HouseholdMembership.objects.current()
        .filter(household__in=households)
        .values_list("person_id", flat=True)
    )


def validation_error(error: DjangoValidationError) -> ValidationError:
    """A domain refusal (keyed by field, or not) as the API's 400."""
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class ApiErrorSerializer(serializers.Serializer):
    """The shape of every API error (api.errors)."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages keyed by field path; errors about no field are under "detail".',
    )


ERRORS = ApiErrorSerializer
