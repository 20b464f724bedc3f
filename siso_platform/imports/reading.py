"""Read a municipal CSV file row by row and turn each row into canonical typed values.

Pure functions, no ORM: a `Dialect` says how a municipality writes its file (encoding,
delimiter, date and number formats, its column names and codes); `open_rows` streams the
rows, and `converter` builds, once per file, the function that checks and converts a row,
naming the file's own column in every error.
"""

import codecs
import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from siso_platform.people import tax_code as tc
from siso_platform.spreadsheet_cells import restored, restored_row

from .formats import Column, Kind, SourceFormat

DATE_FORMATS = {
    "%Y-%m-%d": "yyyy-mm-dd",
    "%d/%m/%Y": "dd/mm/yyyy",
    "%d-%m-%Y": "dd-mm-yyyy",
    "%d.%m.%Y": "dd.mm.yyyy",
    "%Y%m%d": "yyyymmdd",
}
ENCODINGS = ("utf-8", "windows-1252", "iso-8859-1")
DELIMITERS = (",", ";", "\t", "|")
# Columns whose name starts with this are notes, not data: the rejected-rows file adds its
# errors this way and still imports as it is.
NOTE_PREFIX = "_"


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# 12.345,67 / 12345,67 / 1.234.567: an amount written the Italian way.
_ITALIAN_AMOUNT = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+")
_ALIAS_NOISE = re.compile(r"[^0-9a-z]")


class FileProblem(ValueError):
    """The file as a whole cannot be read: nothing of it is imported."""


@dataclass(frozen=True)
class Dialect:
    encoding: str = "utf-8"
    delimiter: str = ","
    date_format: str = "%Y-%m-%d"
    decimal_separator: str = "."
    thousands_separator: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)  # canonical name -> file header
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # file -> canonical

    def to_json(self) -> dict:
        return {
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "date_format": self.date_format,
            "decimal_separator": self.decimal_separator,
            "thousands_separator": self.thousands_separator,
            "columns": dict(self.columns),
            "values": {name: dict(codes) for name, codes in self.values.items()},
        }

    @classmethod
    def from_json(cls, data: dict | None) -> "Dialect":
        return cls(**(data or {}))


@dataclass(frozen=True)
class Header:
    names: tuple[str, ...]  # as written in the file
    positions: dict[str, int]  # canonical name -> position in the row
    ignored: tuple[str, ...]  # file columns that map to nothing


@dataclass
class Row:
    number: int  # the line number a spreadsheet shows (the header is line 1)
    raw: list[str]
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file column, message)


def open_text(binary, dialect: Dialect) -> io.TextIOWrapper:
    codecs.lookup(dialect.encoding)  # an unknown encoding is the profile's fault: say so now
    encoding = "utf-8-sig" if dialect.encoding.replace("_", "-").lower() == "utf-8" else None
    return io.TextIOWrapper(binary, encoding=encoding or dialect.encoding, newline="")


def read_header(reader, fmt: SourceFormat, dialect: Dialect) -> Header:
    try:
        names = tuple(restored(h).strip() for h in next(reader))
    except StopIteration:
        raise FileProblem(_("The file is empty: it has no header row.")) from None
    where = {name: i for i, name in reversed(list(enumerate(names)))}
    positions, missing = {}, []
    for column in fmt.columns:
        header = dialect.columns.get(column.name) or column.name
        if header in where:
            positions[column.name] = where[header]
        elif column.required:
            missing.append(header)
    if missing:
        raise FileProblem(
            _(
                "Required columns are missing: %(missing)s. The file has: %(found)s. "
                "Check the delimiter and the mapping profile."
            )
            % {"missing": ", ".join(missing), "found": ", ".join(names) or "-"}
        )
    used = set(positions.values())
    ignored = tuple(
        n for i, n in enumerate(names) if i not in used and not n.startswith(NOTE_PREFIX)
    )
    return Header(names, positions, ignored)


def open_rows(text, fmt: SourceFormat, dialect: Dialect) -> tuple[Header, Iterator[Row]]:
    """The header, and an iterator over the data rows (blank lines skipped).

    A cell that a rejected-rows file wrote with a protective apostrophe (`'=…`, `'-…`) is
    read without it, so that the fixed file imports its original values."""
    reader = csv.reader(text, delimiter=dialect.delimiter)
    header = read_header(reader, fmt, dialect)

    def rows():
        for raw in reader:
            if any(cell.strip() for cell in raw):
                yield Row(reader.line_num, restored_row(raw))

    return header, rows()


# --------------------------------------------------------------------------- conversion


def _date_parser(date_format: str) -> Callable[[str], datetime.date]:
    if date_format == "%Y-%m-%d":
        return datetime.date.fromisoformat
    if date_format in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        separator = date_format[2]

        def day_first(text: str) -> datetime.date:
            day, month, year = text.split(separator)
            if len(year) != 4:
                raise ValueError(text)
            return datetime.date(int(year), int(month), int(day))

        return day_first
    return lambda text: datetime.datetime.strptime(text, date_format).date()


def _number_parser(dialect: Dialect) -> Callable[[str], float]:
    thousands, decimal = dialect.thousands_separator, dialect.decimal_separator

    def parse(text: str) -> float:
        if thousands:
            text = text.replace(thousands, "")
        if decimal != ".":
            if "." in text:  # "1.234,5" without a declared thousands separator: ambiguous
                raise ValueError(text)
            text = text.replace(decimal, ".")
        if not _NUMBER.fullmatch(text):  # float() would also take "1e3", "1_000", "inf"
            raise ValueError(text)
        return float(text)

    return parse


def _italian_amount_parser(dialect: Dialect) -> Callable[[str], Decimal]:
    """An exact amount in the file's own format or written the Italian way (12.345,67)."""
    parse_number = _number_parser(dialect)

    def parse(text: str) -> Decimal:
        compact = text.replace(" ", "").replace("\u00a0", "")
        if dialect.thousands_separator != "," and _ITALIAN_AMOUNT.fullmatch(compact):
            compact = compact.replace(".", "").replace(",", ".")
        else:
            parse_number(compact)  # the file's own format, or ValueError
            if dialect.thousands_separator:
                compact = compact.replace(dialect.thousands_separator, "")
            compact = compact.replace(dialect.decimal_separator, ".")
        try:
            return Decimal(compact)
        except InvalidOperation:
            raise ValueError(text) from None

    return parse


def _alias_key(text: str) -> str:
    key = _ALIAS_NOISE.sub("", text.lower())
    return key[4:] if key.startswith("isee") and len(key) > 4 else key


def _field_converter(column: Column, dialect: Dialect) -> Callable[[str], object]:
    """A function from the cell's text to its value, raising ValueError(message)."""
    if column.kind == Kind.TAX_CODE:

        def tax_code(text: str) -> str:
            code = tc.normalize(text)
            if tc.is_valid(code):
                return code
            try:
                tc.decode(code)
            except tc.TaxCodeError as error:
                raise ValueError(str(error.message)) from None
            raise ValueError(_("This is not a valid tax code."))

        return tax_code
    if column.kind == Kind.DATE:
        parse_date = _date_parser(dialect.date_format)
        shown = DATE_FORMATS.get(dialect.date_format, dialect.date_format)

        def date(text: str) -> datetime.date:
            try:
                value = parse_date(text)
            except ValueError:
                raise ValueError(
                    _("“%(value)s” is not a date in the format %(format)s.")
                    % {"value": text, "format": shown}
                ) from None
            if not 1900 <= value.year <= 2100:
                raise ValueError(_("The year %(year)s is out of range.") % {"year": value.year})
            return value

        return date
    if column.kind == Kind.DECIMAL and column.italian_amount:
        parse_amount = _italian_amount_parser(dialect)

        def amount(text: str) -> Decimal:
            try:
                value = parse_amount(text)
            except ValueError:
                raise ValueError(
                    _("“%(value)s” is not an amount in euro (e.g. 12345.67 or 12.345,67).")
                    % {"value": text}
                ) from None
            if value < 0:
                raise ValueError(_("The amount cannot be negative."))
            return value

        return amount
    if column.kind == Kind.DECIMAL:
        parse_number = _number_parser(dialect)

        def decimal(text: str) -> float:
            try:
                value = parse_number(text)
            except ValueError:
                raise ValueError(
                    _("“%(value)s” is not a number (decimal separator “%(separator)s”).")
                    % {"value": text, "separator": dialect.decimal_separator}
                ) from None
            if value < 0:
                raise ValueError(_("The amount cannot be negative."))
            return round(value, 2)

        return decimal
    if column.kind == Kind.INTEGER:

        def integer(text: str) -> int:
            try:
                value = int(text)
            except ValueError:
                raise ValueError(
                    _("“%(value)s” is not a whole number.") % {"value": text}
                ) from None
            if not 1900 <= value <= 2100:
                raise ValueError(_("The year %(year)s is out of range.") % {"year": value})
            return value

        return integer
    if column.kind == Kind.CHOICE:
        allowed = {choice.lower(): choice for choice in column.choices}
        spelled = {_alias_key(c): c for c in column.choices} if column.aliases else {}
        spelled.update(column.aliases)

        def choice(text: str) -> str:
            try:
                return allowed[text.lower()]
            except KeyError:
                if _alias_key(text) in spelled:
                    return spelled[_alias_key(text)]
                raise ValueError(
                    _("“%(value)s” is not one of: %(choices)s.")
                    % {"value": text, "choices": ", ".join(column.choices)}
                ) from None

        return choice

    def text_value(text: str) -> str:
        if len(text) > column.max_length:
            raise ValueError(
                _("The text is longer than %(max)d characters.") % {"max": column.max_length}
            )
        return text

    return text_value


def refused_code(text: str, codes: Mapping[str, str]) -> str:
    """A code the file's mapping profile does not know, against the codes it does."""
    return _("“%(value)s” is not among the accepted values (%(choices)s).") % {
        "value": text,
        "choices": ", ".join(codes),
    }


def converter(fmt: SourceFormat, dialect: Dialect, header: Header) -> Callable[[Row], Row]:
    """Build the function that fills `row.values` and `row.errors` for this file."""
    plan = []
    for column in fmt.columns:
        position = header.positions.get(column.name)
        shown = header.names[position] if position is not None else column.name
        plan.append(
            (
                column.name,
                position,
                shown,
                column.required,
                dialect.values.get(column.name) or {},
                _field_converter(column, dialect),
                column.kind == Kind.CHOICE,
            )
        )

    def convert(row: Row) -> Row:
        raw, values, errors = row.raw, row.values, row.errors
        width = len(raw)
        for name, position, shown, required, codes, to_value, is_choice in plan:
            text = raw[position].strip() if position is not None and position < width else ""
            if codes and text in codes:
                text = codes[text]
            if not text:
                if required:
                    errors.append((shown, _("A value is required.")))
                values[name] = None
                continue
            try:
                values[name] = to_value(text)
            except ValueError as error:
                # A file with its own codes is told its own codes, not ours.
                message = refused_code(text, codes) if is_choice and codes else str(error)
                errors.append((shown, message))
                values[name] = None
        return row

    return convert
