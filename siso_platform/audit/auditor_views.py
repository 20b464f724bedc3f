"""The auditor's question, "who looked at this person?": find the person by tax code or name
(without reading the record), then read and download the person's trail in words. Every
lookup, page and download is itself audited. Only who may read the audit log gets here."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from siso_platform.exports import CONTENT_TYPES, XLSX
from siso_platform.people.models import Person

from . import describe, log, lookup, spreadsheets, times, trail

PER_PAGE = 25


def _auditor_only(request) -> None:
    if not request.user.has_perm("audit.view_auditevent"):
        raise PermissionDenied


def find_person(request):
    _auditor_only(request)
    form = lookup.LookupForm(request.GET or None)
    candidates, not_found = None, False
    if form.is_valid():
        data = form.cleaned_data
        if data["tax_code"]:
            person = lookup.by_tax_code(data["tax_code"])
            _record_lookup(request, [person.pk] if person else [], data["tax_code"])
            if person is not None:
                return redirect("audit:person_trail", pk=person.pk)
            not_found = True
        else:
            candidates = lookup.by_name(data["last_name"], data["first_name"])
            query = f"{data['last_name']} {data['first_name']}".strip()
            _record_lookup(request, [c.pk for c in candidates[: lookup.LIMIT]], query)
    context = {
        "form": form,
        "candidates": candidates[: lookup.LIMIT] if candidates is not None else None,
        "more": candidates is not None and len(candidates) > lookup.LIMIT,
        "not_found": not_found,
    }
    return render(request, "audit/find_person.html", context)


def _record_lookup(request, person_ids: list[int], query: str) -> None:
    purpose, detail = _("audit person lookup"), {"query": query, "found": len(person_ids)}
    if person_ids:
        log.record_for_persons(
            "view",
            actor=request.user,
            obj="people.person",
            persons=person_ids,
            purpose=purpose,
            detail=detail,
        )
    else:
        log.record("view", actor=request.user, obj="people.person", purpose=purpose, detail=detail)


def person_trail(request, pk):
    _auditor_only(request)
    person = Person.objects.select_related("residence_municipality").filter(pk=pk).first()
    events = trail.of_person(pk)
    if person is None and not events.exists():
        raise Http404
    now = timezone.now()
    data = {**trail.defaults(now), **request.GET.dict()}
    form = trail.TrailForm(data, actors=trail.actors(events))
    if not form.is_valid():
        # The page still names the person.
        log.record(
            "view", actor=request.user, obj="audit.auditevent", person=pk, purpose=_("audit trail")
        )
        return render(request, "audit/person_trail.html", _context(request, pk, person, form))
    chosen = trail.filtered(events, form.cleaned_data)
    filters = trail.described(form.cleaned_data)
    fmt = request.GET.get("export")
    if fmt in CONTENT_TYPES:
        return _download(request, pk, fmt, describe.rows(chosen), filters)
    page = Paginator(chosen, PER_PAGE).get_page(request.GET.get("page"))
    rows = describe.rows(page.object_list)  # before this page's own event is written
    log.record(
        "view",
        actor=request.user,
        obj="audit.auditevent",
        person=pk,
        purpose=_("audit trail"),
        detail={"filters": filters, "page": page.number},
    )
    context = _context(request, pk, person, form)
    context.update(page=page, rows=rows, count=page.paginator.count)
    return render(request, "audit/person_trail.html", context)


def _context(request, pk, person, form) -> dict:
    week_start, week_end = times.this_week(timezone.now())
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return {
        "pk": pk,
        "person": lookup.candidate(person) if person else None,
        "form": form,
        "query": query.urlencode(),
        "this_week": f"date_from={week_start.isoformat()}&date_to={week_end.isoformat()}",
        "exports_url": reverse("audit:index") + "?action=export",
    }


def _download(request, pk, fmt, rows, filters) -> HttpResponse:
    title = _("Audit trail")
    if fmt == XLSX:
        body = spreadsheets.xlsx_bytes(rows, title=title)
    else:
        body = spreadsheets.csv_bytes(rows)
    log.record(
        "export",
        actor=request.user,
        obj="audit.auditevent",
        person=pk,
        purpose=_("audit trail export"),
        detail={"filters": filters, "rows": len(rows), "format": fmt},
    )
    reply = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    stamp = times.today(timezone.now()).strftime("%Y%m%d")
    reply["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"registro-accessi-persona-{pk}-{stamp}.{fmt}"
    )
    return reply
