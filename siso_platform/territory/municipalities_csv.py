"""Parse the municipalities CSV (pure: no ORM), with errors that name the row and column."""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

# Source: ../shared/data/umbria_municipalities.csv (ISTAT codes, 2011 census populations).
UMBRIA_CSV = Path(__file__).resolve().parent / "data" / "umbria_municipalities.csv"

COLUMNS = (
    "istat_code",
    "name",
    "province",
    "cadastral_code",
    "population_2011",
    "social_zone",
    "zone_lead_municipality",
)
_PATTERNS = {
    "istat_code": re.compile(r"^\d{6}$"),
    "province": re.compile(r"^[A-Z]{2}$"),
    "cadastral_code": re.compile(r"^[A-Z]\d{3}$"),
}


@dataclass(frozen=True)
class MunicipalityRow:
    istat_code: str
    name: str
    province: str
    cadastral_code: str
    population_2011: int
    zone_number: int
    zone_lead: str


class TerritoryFileError(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def parse_rows(lines: Iterable[str]) -> list[MunicipalityRow]:
    """Read every row; raise one error listing every bad row and column."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise TerritoryFileError([_("Missing columns: %s") % ", ".join(missing)])
    rows, errors = [], []
    for number, raw in enumerate(reader, start=2):  # line 1 is the header
        values = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        row_errors = [
            _("row %(row)d, column %(column)s: %(value)r is not valid")
            % {"row": number, "column": column, "value": values[column]}
            for column, pattern in _PATTERNS.items()
            if not pattern.match(values[column])
        ]
        for column in ("population_2011", "social_zone"):
            if not values[column].isdigit():
                row_errors.append(
                    _("row %(row)d, column %(column)s: %(value)r is not a whole number")
                    % {"row": number, "column": column, "value": values[column]}
                )
        for column in ("name", "zone_lead_municipality"):
            if not values[column]:
                row_errors.append(
                    _("row %(row)d, column %(column)s: required")
                    % {"row": number, "column": column}
                )
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            MunicipalityRow(
                istat_code=values["istat_code"],
                name=values["name"],
                province=values["province"],
                cadastral_code=values["cadastral_code"],
                population_2011=int(values["population_2011"]),
                zone_number=int(values["social_zone"]),
                zone_lead=values["zone_lead_municipality"],
            )
        )
    names = {row.name for row in rows}
    errors.extend(
        _("zone %(zone)d: lead municipality %(name)r is not in the file")
        % {"zone": row.zone_number, "name": row.zone_lead}
        for row in {r.zone_number: r for r in rows}.values()
        if row.zone_lead not in names
    )
    if errors:
        raise TerritoryFileError(errors)
    return rows


def read_file(path: Path = UMBRIA_CSV) -> list[MunicipalityRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        return parse_rows(handle)
