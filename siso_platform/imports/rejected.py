"""The rejected rows of a run as a file to fix and import again.

The file has the run's own columns and dialect (encoding, delimiter), so it imports with the
same profile; the errors are in extra columns whose names start with `_`, which the reader
skips. A cell a spreadsheet would run as a formula gets a leading apostrophe, which the reader
removes again (`spreadsheet_cells`).
"""

import csv
import io
from collections.abc import Iterator

from siso_platform.spreadsheet_cells import neutralised

from .models import ImportRun
from .reading import NOTE_PREFIX, Dialect, open_text


def _header(run: ImportRun, dialect: Dialect) -> list[str]:
    with run.file.open("rb") as binary:
        return next(csv.reader(open_text(binary, dialect), delimiter=dialect.delimiter), [])


def lines(run: ImportRun) -> Iterator[str]:
    """The file's text, a line at a time (for a streaming download)."""
    dialect = run.file_dialect
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    header = _header(run, dialect)
    writer.writerow(
        [neutralised(name) for name in header] + [f"{NOTE_PREFIX}row", f"{NOTE_PREFIX}errors"]
    )
    yield flush()
    for rejected in run.rejected_rows.order_by("row_number").iterator(chunk_size=2000):
        values = list(rejected.values) + [""] * (len(header) - len(rejected.values))
        cells = [*values[: len(header)], rejected.row_number, rejected.errors_text]
        writer.writerow([neutralised(cell) for cell in cells])
        yield flush()


def encoded(run: ImportRun) -> Iterator[bytes]:
    encoding = run.file_dialect.encoding
    for line in lines(run):
        yield line.encode(encoding, errors="replace")
