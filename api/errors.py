"""One JSON shape for every API error: {"errors": {"<field path>": ["message", ...]}}.

Errors that concern no field are under "detail".
"""

from django.db import IntegrityError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from siso_platform import integrity


def _flatten(data, prefix: str, out: dict) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            name = "detail" if key in ("detail", "non_field_errors") and not prefix else key
            _flatten(value, f"{prefix}.{name}" if prefix else str(name), out)
    elif isinstance(data, list) and data and all(isinstance(item, (dict, list)) for item in data):
        for index, item in enumerate(data):
            if item:
                _flatten(item, f"{prefix}[{index}]", out)
    else:
        messages = data if isinstance(data, list) else [data]
        out.setdefault(prefix or "detail", []).extend(str(message) for message in messages)


def error_body(data) -> dict:
    out: dict[str, list[str]] = {}
    _flatten(data, "", out)
    return {"errors": out}


def handler(exc, context):
    if isinstance(exc, IntegrityError):
        # A constraint the serializer did not check (or a race): the user's to correct.
        set_rollback()
        return Response(error_body(integrity.describe(exc)), status=400)
    response = exception_handler(exc, context)
    if response is not None:
        response.data = error_body(response.data)
    return response


@csrf_exempt  # a POST to an unknown API path is a 404, not a CSRF refusal
def not_found(request, *args, **kwargs):
    """Any other path under /api/: the same JSON error, not the site's HTML 404 page."""
    return JsonResponse(error_body({"detail": _("Not found.")}), status=404)
