"""One JSON shape for every API error: {"errors": {"<field path>": ["message", ...]}}.

Errors that concern no field are under "detail".
"""

from rest_framework.views import exception_handler


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
    response = exception_handler(exc, context)
    if response is not None:
        response.data = error_body(response.data)
    return response
