"""PDF prints: one way to make one (`render_pdf`), from a template that extends
`print/base.html` (the region's header, the printer, the date, "page X of Y").

WeasyPrint is imported when a print is made, not when the platform starts, so a machine
without Debian's pango still serves every other page. It reads only our own static files
(the print stylesheet, the design system's fonts): no network, no file outside them.
"""

import logging
import mimetypes
import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from siso_platform.accounts.models import Membership

# Relative and root-relative URLs of a print resolve against this origin; nothing else is read.
BASE_URL = "https://print.siso.invalid/"


@dataclass(frozen=True)
class Place:
    """Where the printed record belongs (or, without one, where the printer works)."""

    zone: str = ""
    office: str = ""


def static_path(url: str) -> str | None:
    """The file on disk a print's URL names, if it is one of our static files; else None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or parts.query:
        return None
    prefix = urlsplit(settings.STATIC_URL).path
    path = unquote(parts.path)
    if not path.startswith(prefix) or ".." in path.split("/"):
        return None
    name = path.removeprefix(prefix)
    try:  # collected (with hashed names in production), else the apps' own
        collected = staticfiles_storage.path(name)
    except (NotImplementedError, SuspiciousFileOperation):
        collected = None
    if collected and os.path.isfile(collected):
        return collected
    found = finders.find(name)
    return found if isinstance(found, str) else None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        """Serves our static files and refuses every other URL (WeasyPrint leaves the
        resource out and logs a warning)."""

        def fetch(self, url, headers=None):
            path = static_path(url)
            if path is None:
                raise ValueError("Prints read only the platform's static files.")
            with open(path, "rb") as handle:
                body = handle.read()
            mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    return StaticOnly()


def printer(user) -> str:
    """`Maria Rossi (assistente sociale, Comune di Perugia)`: who printed, in which role."""
    name = user.get_full_name() or user.get_username()
    memberships = Membership.objects.active().filter(user=user).select_related("organisation")
    roles = "; ".join(f"{m.get_role_display()}, {m.organisation.name}" for m in memberships)
    return f"{name} ({roles})" if roles else name


def printer_place(user) -> Place:
    membership = (
        Membership.objects.active()
        .filter(user=user)
        .select_related(
            "office__municipality__zone", "organisation__zone", "organisation__municipality__zone"
        )
        .order_by("pk")
        .first()
    )
    if membership is None:
        return Place()
    if membership.office is not None:
        return Place(str(membership.office.municipality.zone), membership.office.name)
    organisation = membership.organisation
    zone = organisation.zone or (
        organisation.municipality.zone if organisation.municipality else None
    )
    if zone is not None and organisation.zone_id == zone.pk:
        return Place(str(zone))  # the zone's own staff: its name once
    return Place(str(zone) if zone else "", organisation.name)


def page_counter() -> str:
    """`"pagina " counter(page) " di " counter(pages)`: the translated words around CSS's
    page counters, for the page's bottom margin."""
    counters = {"\x01": "counter(page)", "\x02": "counter(pages)"}
    words = _("page %(page)s of %(pages)s") % {"page": "\0\x01\0", "pages": "\0\x02\0"}
    parts = []
    for part in words.split("\0"):
        if part in counters:
            parts.append(counters[part])
        elif part:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'"{escaped}"')
    return " ".join(parts)


def pdf_bytes(template: str, context: dict, request) -> bytes:
    """The template rendered as a PDF, with the print header's context added."""
    # Its progress steps (per document, and its own stylesheets on import) are not worth a
    # log line each.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    import weasyprint  # here: the platform starts without pango

    context = {
        "printed_at": timezone.localtime(),
        "printed_by": printer(request.user),
        "page_counter": mark_safe(page_counter()),  # our own words, quoted for CSS
        "place": context.get("place") or printer_place(request.user),
        **{key: value for key, value in context.items() if key != "place"},
    }
    html = render_to_string(template, context, request=request)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher())
    return document.write_pdf()


def render_pdf(template: str, context: dict, request, *, filename: str) -> HttpResponse:
    """A PDF shown in the browser. `filename` names the print by ids: never a name or a tax
    code (it stays in downloads folders and the browser's history)."""
    try:
        content = pdf_bytes(template, context, request)
    except OSError:  # WeasyPrint found no pango: a Debian package is missing (docs/prints.md)
        logging.getLogger(__name__).exception("prints_unavailable")
        return HttpResponse(
            _(
                "Printing is not available on this server: "
                "ask its administrator to install the PDF libraries."
            ),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
