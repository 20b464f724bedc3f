"""What every resource of the API shares: model permissions, auditing of personal reads and
the error shape documented in the schema."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from siso_platform.audit import log as audit
from siso_platform.sync import cursor, idempotency
from siso_platform.sync.channels import EnteredVia


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


# --- writes from the app: the channel, exactly once, conflicts ------------------------------


def entered_via(request) -> str:
    """ "app" for a request signed with a device token (the phone app), "web" otherwise."""
    from api.authentication import DeviceTokenAuthentication

    authenticator = getattr(request, "successful_authenticator", None)
    return (
        EnteredVia.APP if isinstance(authenticator, DeviceTokenAuthentication) else EnteredVia.WEB
    )


class UnprocessableEntity(APIException):
    status_code = 422
    default_code = "idempotency_key_reused"


class Conflict(APIException):
    """The record changed since the app saw it (a case closed, an intervention ended, a task
    completed by someone else): the item stays in the app's outbox as a draft."""

    status_code = 409
    default_code = "conflict"


class Gone(APIException):
    status_code = 410
    default_code = "gone"


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A unique key per item the app makes (a UUID, at most 100 characters): a "
    "retry with the same key and the same content returns what the first request created "
    "(200, header `Idempotent-Replayed: true`) instead of creating it again; the same key with "
    "other content is refused (422).",
)
REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200],
    description='"true" when the answer is a retry\'s: nothing new was created.',
)


def idempotency_responses(serializer, what: str, more: dict | None = None) -> dict:
    """The answers of an idempotent create, for the schema."""
    return {
        201: serializer,
        200: OpenApiResponse(serializer, description=f"A retry: the {what} already created."),
        400: OpenApiResponse(ERRORS, description="Refused: the messages name the fields."),
        403: ERRORS,
        422: OpenApiResponse(ERRORS, description="The key was used for another request."),
        **(more or {}),
    }


def run_once(request, endpoint: str, data: dict, create: Callable):
    """(record, created): `create()` once per `Idempotency-Key` of the user (sync.idempotency).

    Refusals of the domain become 400 naming the field; a `StateConflict` (the record moved on
    meanwhile) becomes 409 with its reason."""
    from siso_platform.casework.actions import StateConflict

    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        raise ValidationError({"Idempotency-Key": [_("The key is longer than 100 characters.")]})
    try:
        return idempotency.run_once(
            user=request.user,
            key=key or None,
            endpoint=endpoint,
            digest=idempotency.fingerprint(endpoint, data),
            create=create,
        )
    except idempotency.KeyReused:
        raise UnprocessableEntity(
            _("This Idempotency-Key was already used for a different request.")
        ) from None
    except StateConflict as error:
        raise Conflict(" ".join(error.messages)) from None
    except DjangoValidationError as error:
        raise validation_error(error) from None


def created_response(data, created: bool) -> Response:
    if created:
        return Response(data, status=status.HTTP_201_CREATED)
    return Response(data, headers={"Idempotent-Replayed": "true"})


# --- the app's sync: `?since=<cursor>` --------------------------------------------------------


SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.STR,
    description="The `Sync-Cursor` header of an earlier answer of this list: only the rows "
    "changed after it. Keep the cursor of the first page of a sync; rows changed in the minute "
    "before it may come again (upsert them by id).",
)
SYNC_CURSOR = OpenApiParameter(
    "Sync-Cursor",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200],
    description="Pass it as `since` at the next sync to get only what changed.",
)


class ScopeIdsSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The ids of every row the list returns now (its filters applied, `since` "
        "and pagination not), in ascending order.",
    )


class SyncedSchema(AutoSchema):
    """The list's filters are documented on its `ids/` too: it takes the same."""

    def get_filter_backends(self):
        if getattr(self.view, "action", None) == "scope_ids":
            return getattr(self.view, "filter_backends", [])
        return super().get_filter_backends()


class Synced:
    """A list the app syncs: `?since=<cursor>` keeps the rows whose `sync_fields` (any of
    them) changed after the cursor; every answer carries its own cursor in `Sync-Cursor`.

    `ids/` answers the ids of the rows the list returns now, with the same scope and filters:
    what the app's copy may still hold. A row gone from it (an assignment ended, a case moved
    to another office, a record deleted) is deleted on the device; a row in it that the app
    lacks entered the scope without changing, and the app fetches the list whole. It shows
    only ids of rows the user may read anyway, and no data of them: it is not audited per
    person (the reads of the rows themselves are)."""

    sync_fields: tuple[str, ...] = ("updated_at",)
    schema = SyncedSchema()

    @extend_schema(
        summary="The ids of the list's rows now",
        responses={200: ScopeIdsSerializer, 400: ERRORS},
    )
    @action(detail=False, url_path="ids", pagination_class=None)
    def scope_ids(self, request, *args, **kwargs):
        """The ids of every row this list returns to you now (its filters apply; `since` and
        pages do not): after a sync with `since`, the app deletes the rows it keeps that are
        not among them (they left your scope)."""
        queryset = self.filter_queryset(self.get_queryset())
        ids = sorted(set(queryset.order_by().values_list("pk", flat=True)))
        return Response({"ids": ids})

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        since = self.request.query_params.get("since") if self.action == "list" else None
        if since:
            try:
                moment = cursor.read(since)
            except cursor.InvalidCursor:
                raise ValidationError(
                    {"since": [_("This cursor is not valid: sync again without it.")]}
                ) from None
            changed = Q()
            for field in self.sync_fields:
                changed |= Q(**{f"{field}__gt": moment})
            queryset = queryset.filter(changed).distinct()
        return queryset

    def initial(self, request, *args, **kwargs):
        self.sync_cursor = cursor.issue()  # before reading: what changes meanwhile comes next
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "action", None) == "list" and response.status_code == 200:
            response["Sync-Cursor"] = self.sync_cursor
        return response


# --- the persons the user follows: `?mine=true` ------------------------------------------------


class FollowedFilterSet(django_filters.FilterSet):
    """A list's filters with `mine`: only the rows of the persons the user follows (the web's
    "my persons", casework.visibility.followed_persons), the field app's working set."""

    mine = django_filters.BooleanFilter(
        method="followed",
        label="With true: only the rows of the persons you follow (of the open cases you are "
        "responsible for, whose access you recorded lately, whom your agenda has you meet, "
        "of the tasks you work on or may take; a body's operator: every person entrusted to "
        "the body).",
    )
    person_path = "person"  # how a row reaches its person

    def followed(self, queryset, name, value):
        if not value:
            return queryset
        from siso_platform.casework.visibility import followed_persons

        persons = followed_persons(self.request.user).values("pk")
        return queryset.filter(**{f"{self.person_path}__in": persons})
