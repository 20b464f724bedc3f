"""Files of the regional reports: aggregate tables as CSV or XLSX, and the flat export of
interventions modelled on the national social-benefits information system (SIUSS, the
"Casellario dell'assistenza": one row per benefit given to a person).

The flat export is identified only for a zone's own interventions (the zone holds the data):
its rows carry the beneficiary's tax code and pseudonymous key. The region's export carries
the key alone (`pseudonyms`), never a tax code or a name.

Every export writes one audit event (what, filters, format, rows); the flat export, which is
about persons, also writes one event per person concerned. Files are UTF-8 CSV with a header
row, commas, dates as YYYY-MM-DD and decimals with a point, or XLSX with one sheet of data
and one describing the export; a text cell a spreadsheet would run as a formula is written
with a leading apostrophe (`spreadsheet_cells`). The flat format is documented in
docs/reporting.md.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siso_platform.audit import log as audit
from siso_platform.exports import XLSX
from siso_platform.spreadsheet_cells import neutralised

from . import pseudonyms
from .queries import Filters, Report, Territory, flat_interventions

AGGREGATES_OBJECT = "reporting.aggregates"
FLAT_OBJECT = "reporting.interventions"


# --- writing tables ------------------------------------------------------------------------


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence], out: IO[bytes]) -> int:
    """Write a header and rows to the binary file `out`; the number of rows written."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow([neutralised(name) for name in header])
    count = 0
    for row in rows:
        writer.writerow([_csv_text(neutralised(value)) for value in row])
        count += 1
    text.flush()
    text.detach()  # leave `out` open for the caller
    return count


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return neutralised(value)


def write_xlsx(
    header: Sequence[str],
    rows: Iterable[Sequence],
    out: IO[bytes],
    *,
    title: str,
    about: Sequence[tuple[str, str]] = (),
) -> int:
    """Write a sheet `title` with the header and rows (and a sheet describing the export)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    heading = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=neutralised(name))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    count = 0
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
        count += 1
    if about:
        notes = workbook.create_sheet(_("About")[:31])
        for key, value in about:
            notes.append([neutralised(str(key)), neutralised(str(value))])
    workbook.save(out)
    return count


def write(fmt: str, header, rows, out: IO[bytes], *, title: str, about=()) -> int:
    if fmt == XLSX:
        return write_xlsx(header, rows, out, title=title, about=about)
    return write_csv(header, rows, out)


def file_name(stem: str, fmt: str, filters: Filters) -> str:
    parts = [stem]
    described = filters.described()
    if described["zone"]:
        parts.append(f"zona{described['zone']}")
    if described["municipality"]:
        parts.append(described["municipality"])
    if described["from"] or described["to"]:
        parts.append(f"{described['from'] or ''}_{described['to'] or ''}")
    parts.append(timezone.localdate().strftime("%Y%m%d"))
    return "-".join(parts) + f".{fmt}"


def _about(filters: Filters, **extra) -> list[tuple[str, str]]:
    described = filters.described()
    rows = [
        (_("Exported on"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (_("From"), described["from"] or ""),
        (_("To"), described["to"] or ""),
        (_("Zone"), described["zone"] or ""),
        (_("Municipality"), described["municipality"] or ""),
    ]
    return rows + [(key, value) for key, value in extra.items()]


# --- aggregate tables ----------------------------------------------------------------------


def table_header(report: Report) -> list[str]:
    header = []
    for dimension in report.by:
        header += [dimension, f"{dimension}_label"]
    return [*header, report.measure.name, "suppressed"]


def table_rows(report: Report) -> Iterable[list]:
    for cell in report.cells():
        row = []
        for dimension in report.by:
            row += [cell[dimension], cell[f"{dimension}_label"]]
        yield [*row, cell["value"], cell["suppressed"]]


def audit_aggregates(user, report: Report, fmt: str, rows: int) -> None:
    audit.record(
        "export",
        actor=user,
        obj=AGGREGATES_OBJECT,
        purpose=_("regional report"),
        detail={
            "measure": report.measure.name,
            "by": list(report.by),
            "filters": report.filters.described(),
            "format": fmt,
            "rows": rows,
            "suppressed": report.table.suppressed,
            "threshold": report.threshold,
        },
    )


def export_aggregates(user, report: Report, fmt: str, out: IO[bytes]) -> int:
    """Write the report's table to `out` as CSV or XLSX, audited; the number of rows."""
    about = _about(
        report.filters,
        **{
            _("Measure"): f"{report.measure.name} ({report.measure.label})",
            _("Broken down by"): ", ".join(report.by),
            _("Suppression threshold (persons)"): report.threshold,
            _("Suppressed cells"): report.table.suppressed,
        },
    )
    count = write(
        fmt, table_header(report), table_rows(report), out, title=_("Report"), about=about
    )
    audit_aggregates(user, report, fmt, count)
    return count


# --- the flat export of interventions ------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    type: str
    example: str
    value: Callable[[dict], object]
    identifying: bool = False  # only in a zone's export of its own interventions


def _beneficiary_type(row: dict) -> str:
    if row["person_id"] and row["household_id"]:
        return "both"
    return "person" if row["person_id"] or not row["household_id"] else "household"


FLAT_COLUMNS = (
    Column(
        "intervention_id",
        gettext_lazy(
            "The intervention's identifier in SISO, to correct or cancel a row sent earlier."
        ),
        "integer",
        "1842",
        lambda r: r["pk"],
    ),
    Column(
        "beneficiary_key",
        gettext_lazy(
            "The beneficiary's pseudonymous key: the same for the same person in every zone's "
            "and the region's export, and it cannot be turned back into the person without the "
            "server's secret. The beneficiary is the person, else the case's person, else the "
            "head of the household on the first day; empty if none is known."
        ),
        "text (64 hex digits)",
        "3f1c…e9a0",
        lambda r: r["key"],
    ),
    Column(
        "beneficiary_tax_code",
        gettext_lazy(
            "The beneficiary's tax code (codice fiscale; 11 digits for a provisional code); "
            "empty if none is known. Only in a zone's export of its own interventions, never "
            "in the region's."
        ),
        "text (16 or 11)",
        "RSSMRA80A01G478Z",
        lambda r: r["tax_code"],
        identifying=True,
    ),
    Column(
        "beneficiary_sex",
        gettext_lazy("The beneficiary's sex: M or F."),
        "M or F",
        "F",
        lambda r: r["sex"],
    ),
    Column(
        "beneficiary_birth_year",
        gettext_lazy("The beneficiary's year of birth."),
        "integer (4)",
        "1948",
        lambda r: r["birth_year"],
    ),
    Column(
        "residence_municipality",
        gettext_lazy(
            "ISTAT code of the beneficiary's municipality of residence; empty if unknown."
        ),
        "text (6 digits)",
        "054039",
        lambda r: r["residence"],
    ),
    Column(
        "zone",
        gettext_lazy(
            "Number of the social zone the intervention counts in: its case's zone, else the "
            "zone of the beneficiary's residence."
        ),
        "integer",
        "2",
        lambda r: r["zone"],
    ),
    Column(
        "benefit_code",
        gettext_lazy(
            "Code of the benefit in the regional catalogue (structured like the CISIS national "
            "nomenclature)."
        ),
        "text",
        "E1.01",
        lambda r: r["item__code"],
    ),
    Column(
        "benefit_name",
        gettext_lazy("Name of the benefit in the catalogue."),
        "text",
        "Contributo economico",
        lambda r: r["item__name"],
    ),
    Column(
        "benefit_kind",
        gettext_lazy(
            "Kind of benefit: professional, home, day_centre, residential, cash, voucher."
        ),
        "code",
        "cash",
        lambda r: r["item__kind"],
    ),
    Column(
        "area",
        gettext_lazy(
            "Area of users: families_minors, disability, addictions, elderly, immigrants, "
            "poverty, multi_user."
        ),
        "code",
        "poverty",
        lambda r: r["item__area"],
    ),
    Column(
        "beneficiary_type",
        gettext_lazy("Who receives it: person, household, or both."),
        "code",
        "person",
        _beneficiary_type,
    ),
    Column(
        "status",
        gettext_lazy("Status of the intervention: active, suspended or ended."),
        "code",
        "active",
        lambda r: r["status"],
    ),
    Column(
        "start_date",
        gettext_lazy("First day of the benefit."),
        "date (YYYY-MM-DD)",
        "2025-03-01",
        lambda r: r["starts_on"],
    ),
    Column(
        "end_date",
        gettext_lazy("Last day of the benefit (included); empty while open."),
        "date (YYYY-MM-DD)",
        "2025-12-31",
        lambda r: r["ends_on"],
    ),
    Column(
        "amount",
        gettext_lazy("Amount in euro; empty when none was recorded."),
        "decimal (2 places)",
        "1200.00",
        lambda r: r["amount"],
    ),
    Column(
        "quantity",
        gettext_lazy("Quantity in the unit, for benefits counted in hours or days."),
        "decimal (2 places)",
        "40.00",
        lambda r: r["quantity"],
    ),
    Column(
        "unit",
        gettext_lazy("Unit of the benefit: euro, hours or days."),
        "code",
        "hours",
        lambda r: r["item__unit"],
    ),
    Column(
        "provider_name",
        gettext_lazy("Name of the organisation that gives the benefit."),
        "text",
        "Comune di Perugia",
        lambda r: r["provider__name"],
    ),
    Column(
        "provider_tax_code",
        gettext_lazy("The provider's tax code or VAT number; empty if not recorded."),
        "text (11 or 16)",
        "00163570542",
        lambda r: r["provider__tax_code"],
    ),
    Column(
        "provider_kind",
        gettext_lazy(
            "Kind of provider: region, social_zone, municipality, third_sector_body, "
            "other_public_body."
        ),
        "code",
        "municipality",
        lambda r: r["provider__kind"],
    ),
)
FLAT_FORMAT = "siso-interventions/2"


def flat_columns(*, identified: bool) -> tuple[Column, ...]:
    """The columns of a zone's identified export, or of the region's pseudonymised one."""
    return tuple(c for c in FLAT_COLUMNS if identified or not c.identifying)


def identified_export(territory: Territory) -> bool:
    """Whether the export names persons: only a zone's staff exporting their own zones'
    interventions; the region (and a superuser, who reports as the region) gets keys."""
    return not territory.region and not territory.empty


FLAT_HEADER = [column.name for column in flat_columns(identified=True)]
PSEUDONYMISED_HEADER = [column.name for column in flat_columns(identified=False)]


def export_interventions(user, territory: Territory, filters: Filters, fmt: str, out) -> int:
    """Write the flat export of the territory's interventions to `out`, audited: one event
    for the export and one per person concerned. The number of rows.

    Raises pseudonyms.KeyMissing, before writing anything, when the key's secret is not
    configured."""
    identified = identified_export(territory)
    columns = flat_columns(identified=identified)
    key = pseudonyms.keyer()
    persons: set[int] = set()

    def rows():
        for record in flat_interventions(territory, filters):
            if record["beneficiary"] is not None:
                persons.add(record["beneficiary"])
            record["key"] = key(record["tax_code"])
            yield [column.value(record) for column in columns]

    count = write(
        fmt,
        [column.name for column in columns],
        rows(),
        out,
        title=_("Interventions"),
        about=_about(
            filters,
            **{
                _("Format"): FLAT_FORMAT,
                _("Beneficiaries"): _("identified") if identified else _("pseudonymised"),
            },
        ),
    )
    purpose = _("flat export of interventions")
    detail = {
        "filters": filters.described(),
        "format": fmt,
        "rows": count,
        "pseudonymised": not identified,
    }
    audit.record(
        "export",
        actor=user,
        obj=FLAT_OBJECT,
        purpose=purpose,
        detail={**detail, "persons": len(persons)},
    )
    audit.record_for_persons(
        "export",
        actor=user,
        obj=FLAT_OBJECT,
        persons=sorted(persons),
        purpose=purpose,
        detail=detail,
    )
    return count
