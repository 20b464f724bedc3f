"""Where uploaded files are kept and how they are handed out (docs/files.md).

Every upload (import files, activity-report attachments, questionnaire documents, wagtail's
documents and original images) goes to the default storage, `PrivateStorage`: a folder under
`SISO_PRIVATE_ROOT` that no web server serves and that gives no file a URL. A file leaves it
only through a view that has found its record in the user's scope and audited the read, as
an attachment with a content type from the allow-list (`download`).
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.functional import cached_property

from .uploads import MIME_TYPES

FALLBACK_CONTENT_TYPE = "application/octet-stream"


class PrivateStorage(FileSystemStorage):
    """Files under `SISO_PRIVATE_ROOT`, never under MEDIA_ROOT, and without a URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.SISO_PRIVATE_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "SISO_PRIVATE_ROOT":  # tests point it at a temporary folder
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        # wagtail and Django treat NotImplementedError as "this storage has no URL"
        raise NotImplementedError("Private files have no URL: serve them through a view.")


def safe_content_type(content_type: str) -> str:
    """The type a download is served as: one of the accepted types, else plain bytes."""
    content_type = (content_type or "").split(";", 1)[0].strip().lower()
    return content_type if content_type in MIME_TYPES else FALLBACK_CONTENT_TYPE


def download(file, *, filename: str, content_type: str = "") -> FileResponse:
    """A stored file as a download: never shown inline, never sniffed, never cached.

    The caller has already found the file's record in the user's scope and audited the read.
    """
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=safe_content_type(content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened by mistake in the browser, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
