"""What every resource of the API shares: model permissions, auditing of personal reads and
the error shape documented in the schema."""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework import serializers
from rest_framework.permissions import BasePermission

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


def audit_read(request, obj, persons: Iterable, purpose: str) -> None:
    """One `view` event per person whose data the response shows."""
    concerned = sorted({getattr(person, "pk", person) for person in persons} - {None})
    if concerned:
        audit.record_for_persons(
            "view", actor=request.user, obj=obj, persons=concerned, purpose=f"API: {purpose}"
        )


class ApiErrorSerializer(serializers.Serializer):
    """The shape of every API error (api.errors)."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages keyed by field path; errors about no field are under "detail".',
    )


ERRORS = ApiErrorSerializer
