"""Downloads of the operators' lists: CSV for an Italian spreadsheet, or XLSX, each audited.

One module for every list that can be downloaded, so each writes the same file: the column
labels in the user's language (Italian), CSV separated by `;` with a byte-order mark (so that
Excel reads UTF-8) and Italian dates and decimals, or XLSX with real dates and numbers. Every
text cell passes through `spreadsheet_cells.neutralised` (no formula injection).

The rows come from the list's own scoped queryset, with the list's filters: an export never
holds more than the page would show. Each export writes one audit event (which list, which
filters, how many rows, the format) and, when the rows name persons, one event per person in a
single insert (`audit.log.record_for_persons`), as a page listing persons does.

The regional flat exports (reporting) and an import's rejected rows keep their own formats.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from siso_platform.audit import log as audit
from siso_platform.spreadsheet_cells import neutralised

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff"
SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """A column of a download: its label (translatable) and how a row gives its value."""

    label: Any
    value: Callable[[Any], Any]


def requested(request) -> str | None:
    """The format asked for with `?export=csv|xlsx`, or None for the page itself."""
    fmt = request.GET.get("export", "")
    return fmt if fmt in FORMATS else None


# --- cells --------------------------------------------------------------------------------


def _number(value, decimals: int | None = None) -> str:
    text = f"{value:.{decimals}f}" if decimals is not None else str(value)
    return text.replace(".", ",")


def csv_cell(value) -> str:
    """A value as an Italian spreadsheet reads it: 31/12/2026, 1234,50, sì/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return _number(value, 2)
    if isinstance(value, float):
        return _number(value)
    return str(neutralised(value))


def xlsx_cell(value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    return neutralised(value)


# --- files --------------------------------------------------------------------------------


def csv_bytes(columns: Sequence[Column], rows: Iterable) -> tuple[bytes, int]:
    """The CSV file and how many rows it holds."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([csv_cell(str(column.label)) for column in columns])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(column.value(row)) for column in columns])
        count += 1
    return (BOM + text.getvalue()).encode("utf-8"), count


def xlsx_bytes(columns: Sequence[Column], rows: Iterable, *, title: str) -> tuple[bytes, int]:
    """The XLSX file (one sheet, a bold header row, Italian date formats) and its row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "Dati")
    bold = Font(bold=True)
    heading = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralised(str(column.label)))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    count = 0
    for row in rows:
        cells = []
        for column in columns:
            value = xlsx_cell(column.value(row))
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime.datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), count


# --- the response -------------------------------------------------------------------------


def described_filters(data) -> dict:
    """The list's filters as the audit event keeps them (no page number, no format)."""
    return {
        key: value
        for key in sorted(data)
        if key not in ("page", "export") and (value := data.get(key)) not in ("", None)
    }


def response(
    request,
    fmt: str,
    *,
    name: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable,
    list_label: str,
    persons: Callable[[list], Iterable[int]] | None = None,
) -> HttpResponse:
    """The download of `rows`, audited. `persons(rows)` gives the ids of the persons the rows
    name, each of whom gets an export event."""
    rows = list(rows)
    if fmt == XLSX:
        body, count = xlsx_bytes(columns, rows, title=title)
    else:
        body, count = csv_bytes(columns, rows)
    detail = {
        "list": list_label,
        "filters": described_filters(request.GET),
        "rows": count,
        "format": fmt,
    }
    audit.record(
        "export", actor=request.user, obj=list_label, purpose=_("list export"), detail=detail
    )
    if persons is not None:
        audit.record_for_persons(
            "export",
            actor=request.user,
            obj=list_label,
            persons={pk for pk in persons(rows) if pk},
            purpose=_("list export"),
            detail={"list": list_label},
        )
    reply = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.localdate().strftime("%Y%m%d")
    reply["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}-{stamp}.{fmt}"
    )
    return reply
