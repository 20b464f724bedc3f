"""The trail as a download: CSV for an Italian Excel (`;`, UTF-8 with a byte-order mark) or
XLSX, with Italian headers and the times as the page shows them. Every text cell passes
through `spreadsheet_cells.neutralised` (no formula injection)."""

import csv
import io

from django.utils.translation import gettext as _

from siso_platform.exports import BOM, SEPARATOR
from siso_platform.spreadsheet_cells import neutralised

from . import times
from .describe import Row


def headers() -> list[str]:
    return [
        _("Date and time"),
        _("Who"),
        _("Role and organisation"),
        _("Action"),
        _("Object"),
        _("Purpose"),
    ]


def _texts(row: Row) -> list[str]:
    return [row.actor, row.role, row.action, row.object, row.purpose]


def csv_bytes(rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow(headers())
    for row in rows:
        writer.writerow([row.when, *(neutralised(text) for text in _texts(row))])
    return (BOM + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[Row], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    heading = []
    for label in headers():
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        # A real date, shown in Rome time with the page's format.
        when = WriteOnlyCell(sheet, value=_naive_rome(row))
        when.number_format = times.XLSX_FORMAT
        sheet.append([when, *(neutralised(text) for text in _texts(row))])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _naive_rome(row: Row):
    # Whole seconds, as the page shows them; a spreadsheet keeps no time zone.
    return times.in_rome(row.event.timestamp).replace(tzinfo=None, microsecond=0)
