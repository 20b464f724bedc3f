"""Which uploaded files are accepted: by their content, never by their name, and up to a size.

One check for every upload path (the API's report attachments, the body's page, the
questionnaires' file fields, the imports, wagtail's documents through home/document_forms.py):
binary types are recognised by their signature (`filetype`); anything else must be text (UTF-8
or Windows-1252) without markup, so an HTML page, an SVG or an XML file is refused whatever it
is called. The limits are `SISO_UPLOAD_MAX_MB` (attachments, documents) and
`SISO_IMPORT_MAX_MB` (import files).

Pure functions first (`sniff`, `text_markup`), then `check` and the Django form fields that
use it. docs/files.md says the same for administrators.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HEAD_BYTES = 8192  # what filetype reads to recognise a binary type
CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    label: str  # what users read, e.g. "PDF"
    mime: str  # what a download is served as


PDF = Kind("PDF", "application/pdf")
PNG = Kind("PNG", "image/png")
JPEG = Kind("JPEG", "image/jpeg")
WEBP = Kind("WebP", "image/webp")
GIF = Kind("GIF", "image/gif")
XLSX = Kind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODS = Kind("ODS", "application/vnd.oasis.opendocument.spreadsheet")
DOCX = Kind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT = Kind("ODT", "application/vnd.oasis.opendocument.text")
TEXT = Kind("CSV", "text/plain")  # CSV and plain text look the same; both are served as text

BINARY = {kind.mime: kind for kind in (PDF, PNG, JPEG, WEBP, GIF, XLSX, ODS, DOCX, ODT)}
MIME_TYPES = {kind.mime for kind in (*BINARY.values(), TEXT)}

# What each upload path accepts.
ATTACHMENTS = (PDF, PNG, JPEG, WEBP, GIF, XLSX, ODS, TEXT)
IMPORTS = (TEXT,)  # the municipal files are CSV (imports/reading.py)
DOCUMENTS = (PDF, XLSX, ODS, DOCX, ODT, TEXT)  # the service charter's documents

# Tags a browser would act on, and XML's declaration: a text file holding one is refused.
_MARKUP = re.compile(
    r"<\s*(\?xml|!doctype|!\[cdata\[|svg|html|head|body|script|iframe|frame|frameset|object|"
    r"embed|applet|meta|link|style|base|img|image|a|form|input|math|template|video|audio|xsl)"
    r"[\s/>:]",
    re.IGNORECASE,
)
# bytes text files do not hold (old DOS exports may end with Ctrl-Z, \x1a: allowed)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")
_OVERLAP = 40  # a tag split between two chunks is still seen


def sniff(head: bytes) -> Kind | str | None:
    """The binary kind of a file from its first bytes; the name of a binary type it is not
    allowed to be (e.g. "ZIP"); or None when it has no binary signature (maybe text)."""
    guess = filetype.guess(head)
    if guess is None:
        return None
    return BINARY.get(guess.mime) or guess.extension.upper()


def text_markup(chunks: Callable[[], Iterable[bytes]] | list[bytes]) -> str | None:
    """Why a file that should be text is not acceptable ("HTML", "SVG", "XML" or "binary"),
    or None when it is plain text in UTF-8 or Windows-1252. `chunks` is the file's content,
    or a function that reads it again (a large file is read twice, never held whole)."""
    read = chunks if callable(chunks) else lambda: chunks
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        tail = ""
        try:
            for chunk in read():
                text = tail + decoder.decode(chunk)
                if _CONTROL.search(text):
                    return "binary"
                tags = {match.group(1).lower() for match in _MARKUP.finditer(text)}
                if tags:
                    return "SVG" if "svg" in tags else "XML" if tags <= {"?xml", "xsl"} else "HTML"
                tail = text[-_OVERLAP:]
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return None
    return "binary"


def _reader(upload) -> Callable[[], Iterator[bytes]]:
    def read():
        upload.seek(0)
        yield from upload.chunks(CHUNK_BYTES)
        upload.seek(0)

    return read


def limit_mb(setting: str) -> int:
    return int(getattr(settings, setting))


def accepted(kinds: Iterable[Kind]) -> str:
    """ "PDF, PNG or CSV", in the user's language."""
    return str(get_text_list([kind.label for kind in kinds]))


def check(upload, *, kinds: Iterable[Kind], limit_setting: str, field: str) -> Kind:
    """The kind of `upload` if it is one of `kinds` and within the limit named by the
    setting `limit_setting` (megabytes); otherwise a ValidationError naming `field`."""
    kinds = tuple(kinds)
    limit = limit_mb(limit_setting)
    if upload.size > limit * 1024 * 1024:
        raise ValidationError(
            _("%(field)s: the file is larger than %(limit)s MB.")
            % {"field": field, "limit": limit},
            code="file_too_large",
        )
    if not upload.size:
        raise ValidationError(_("%(field)s: the file is empty.") % {"field": field}, code="empty")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        problem = text_markup(_reader(upload))
        upload.seek(0)
        found = TEXT if problem is None else problem
    if found in kinds:
        return found
    if found in ("HTML", "SVG", "XML"):
        message = _(
            "%(field)s: the file contains %(found)s markup, which is not accepted; "
            "upload a file of type %(accepted)s."
        )
    else:
        message = _(
            "%(field)s: files of this type (%(found)s) are not accepted; "
            "upload a file of type %(accepted)s."
        )
    if found == "binary":
        found = _("unrecognised content")
    elif isinstance(found, Kind):
        found = found.label
    raise ValidationError(
        message % {"field": field, "found": found, "accepted": accepted(kinds)},
        code="file_type",
    )


class UploadField(forms.FileField):
    """A file field that accepts `kinds` up to the limit in the setting `limit_setting`;
    the kind found is left on the upload as `upload.siso_kind`."""

    def __init__(self, *args, kinds=ATTACHMENTS, limit_setting="SISO_UPLOAD_MAX_MB", **kwargs):
        self.kinds, self.limit_setting = tuple(kinds), limit_setting
        super().__init__(*args, **kwargs)
        if not self.help_text:
            self.help_text = gettext_lazy("%(accepted)s; at most %(limit)s MB.") % {
                "accepted": ", ".join(kind.label for kind in self.kinds),
                "limit": limit_mb(limit_setting),
            }

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "chunks"):
            upload.siso_kind = check(
                upload,
                kinds=self.kinds,
                limit_setting=self.limit_setting,
                field=str(self.label or _("file")),
            )
        return upload


class AttachmentField(UploadField):
    """An attachment or a questionnaire's document (the form engine's `FORMS_FILE_FIELD`)."""


class ImportFileField(UploadField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, kinds=IMPORTS, limit_setting="SISO_IMPORT_MAX_MB", **kwargs)
