"""A database integrity error told as the user's mistake: which fields, in which words.

Forms and serializers validate what they can; a constraint over a field a form does not show,
or two requests racing, still reach the database. Then the API's exception handler and
`IntegrityErrorMiddleware` answer 400 with `describe`'s messages, never a server error. The
messages name fields, never the values (a value may be someone's tax code).
"""

import re

from django.apps import apps
from django.db import IntegrityError
from django.template.response import TemplateResponse
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _

# SQLite's wording: "UNIQUE constraint failed: table.column, ..." or "... failed: index 'name'"
SQLITE_FAILED = re.compile(r"(UNIQUE|NOT NULL|CHECK) constraint failed: (.*)")
# PostgreSQL's detail: "Key (column, ...)=(values) already exists."
POSTGRES_KEY = re.compile(r"Key \(([^)]*)\)=")


def _model_of_table(table: str):
    return next((m for m in apps.get_models() if m._meta.db_table == table), None)


def _constraint(name: str):
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return model, list(getattr(constraint, "fields", ()))
    return None, []


def _fields_by_column(model, columns) -> list[str]:
    by_column = {field.column: field.name for field in model._meta.concrete_fields}
    return [by_column[column] for column in columns if column in by_column]


def _what_failed(error: IntegrityError) -> tuple[str, object, list[str]]:
    """(kind, model, field names): kind is "unique", "not_null" or "" when unknown."""
    diag = getattr(error.__cause__, "diag", None)
    if diag is not None:  # PostgreSQL
        sqlstate = getattr(error.__cause__, "sqlstate", "")
        model = _model_of_table(diag.table_name or "")
        if sqlstate == "23502" and model:  # not_null_violation
            return "not_null", model, _fields_by_column(model, [diag.column_name])
        if sqlstate == "23505":  # unique_violation
            key = POSTGRES_KEY.search(diag.message_detail or "")
            if model and key:
                columns = [column.strip() for column in key.group(1).split(",")]
                return "unique", model, _fields_by_column(model, columns)
            return "unique", *_constraint(diag.constraint_name or "")
        return "", *_constraint(diag.constraint_name or "")
    found = SQLITE_FAILED.match(str(error))
    if not found:
        return "", None, []
    kind, where = found.groups()
    if where.startswith("index "):
        return "unique", *_constraint(where.removeprefix("index ").strip("'\""))
    if kind == "CHECK":
        return "", *_constraint(where)
    columns = [item.strip().split(".", 1) for item in where.split(",")]
    model = _model_of_table(columns[0][0]) if columns and len(columns[0]) == 2 else None
    if model is None:
        return "", None, []
    names = _fields_by_column(model, [column for _table, column in columns])
    return ("unique" if kind == "UNIQUE" else "not_null"), model, names


def describe(error: IntegrityError) -> dict[str, list[str]]:
    """{field name or "detail": [message]}: what the user can correct."""
    kind, model, names = _what_failed(error)
    if model is not None and names:
        labels = [capfirst(model._meta.get_field(name).verbose_name) for name in names]
        if kind == "unique":
            # Django's own wording (translated by Django), as a unique form field gets it.
            message = _("%(model_name)s with this %(field_labels)s already exists.") % {
                "model_name": capfirst(model._meta.verbose_name),
                "field_labels": get_text_list(labels, _("and")),
            }
            return {names[0] if len(names) == 1 else "detail": [message]}
        if kind == "not_null":
            return {names[0]: [_("“%(field)s” cannot be empty.") % {"field": labels[0]}]}
    return {"detail": [_("This could not be saved: it conflicts with what is already recorded.")]}


def messages(error: IntegrityError) -> list[str]:
    return [message for found in describe(error).values() for message in found]


class IntegrityErrorMiddleware:
    """A web page whose save broke a database constraint answers 400 with the reason; the
    transaction the view opened has already been rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        return TemplateResponse(
            request,
            "integrity_error.html",  # home/templates
            {"problems": messages(exception)},
            status=400,
        ).render()
