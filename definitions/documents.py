"""A definition shared as a file: one JSON document, checked before anything is read from it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import strict_json


class ImportRefused(ValueError):
    """The file cannot be imported; the message says why, in the user's language."""


def read(content: str | bytes, *, format: str, not_this: str, required: tuple[str, ...]) -> dict:
    """The document in `content`, of `format` and with the `required` keys, or ImportRefused.

    `not_this`: the message for another file, with a %s for the format expected.
    """
    try:
        document = strict_json.loads(content)
    except strict_json.Refused as error:
        raise ImportRefused(_("The file is not valid JSON: %s") % error.message) from None
    if not isinstance(document, dict) or document.get("format") != format:
        raise ImportRefused(not_this % format)
    for key in required:
        if key not in document:
            raise ImportRefused(_("The file has no “%s”.") % key)
    return document
