"""JSON from outside (request bodies, uploaded files, text typed in a form), read strictly.

Python's json module keeps the last of two equal keys (the other value is silently lost) and
fails with a RecursionError, a server error, on deeply nested input. `loads` refuses both, and
malformed text, with one exception that names where the problem is. It lives in the definition
core, the lowest layer that reads JSON, so that the API and every domain package share it.
"""

import json

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DEPTH = 32


class Refused(ValueError):
    """Unreadable JSON; `path` is where (dotted keys and [indexes]), "" for the whole text."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(message)
        self.message = message
        self.path = path


class _Duplicates(dict):
    """An object in which a key was given twice; `duplicate` is the first such key."""

    duplicate = ""


def _object(pairs):
    document = dict(pairs)
    if len(document) == len(pairs):
        return document
    seen = set()
    marked = _Duplicates(document)
    marked.duplicate = next(key for key, _value in pairs if key in seen or seen.add(key))
    return marked


class _NotJSON(ValueError):
    pass


def _no_constant(word: str):
    raise _NotJSON(word)  # NaN and Infinity, which Python accepts and JSON does not


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _check(document, max_depth: int) -> None:
    """Walk the document once (no recursion): the first duplicate key or too deep a level."""
    stack = [(document, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        if depth > max_depth:
            raise Refused(_("Nested more than %(depth)d levels deep.") % {"depth": max_depth}, path)
        if isinstance(value, _Duplicates):
            raise Refused(
                _("The key “%(key)s” is given more than once.") % {"key": value.duplicate},
                _join(path, value.duplicate),
            )
        stack.extend((item, _join(path, key), depth + 1) for key, item in items)


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH):
    """The document in `text`, or Refused: not JSON, a key given twice, nested too deeply."""
    try:
        document = json.loads(text, object_pairs_hook=_object, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise Refused(
            _("This is not valid JSON (line %(line)d, column %(column)d: %(problem)s).")
            % {"line": error.lineno, "column": error.colno, "problem": error.msg}
        ) from None
    except _NotJSON as error:
        raise Refused(_("“%(word)s” is not a JSON value.") % {"word": error.args[0]}) from None
    except UnicodeDecodeError:
        raise Refused(_("This is not text in UTF-8.")) from None
    except RecursionError:
        raise Refused(_("Nested more than %(depth)d levels deep.") % {"depth": max_depth}) from None
    _check(document, max_depth)  # so no marked object is left in what is returned
    return document


class JSONFormField(django_forms.JSONField):
    """Django's JSON form field reading strictly (registered for every JSONField of the admin's
    forms in forms/wagtail_hooks.py): a key given twice or too deep a nesting is a message on
    the field, and the text typed comes back as it was."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not self.disabled:
            try:
                loads(value)
            except Refused as refused:
                raise ValidationError(refused.message, code="invalid") from None
        return super().to_python(value)

    def bound_data(self, data, initial):
        if isinstance(data, str) and not self.disabled:
            try:
                loads(data)
            except Refused:
                return django_forms.fields.InvalidJSONInput(data)
        return super().bound_data(data, initial)
