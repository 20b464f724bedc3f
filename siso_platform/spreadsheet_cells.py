"""Cells that a spreadsheet would read as a formula, written as plain text (CSV/XLSX injection).

A text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
Excel or LibreOffice when the file is opened (`=HYPERLINK(...)` sends data away, `@SUM(...)`
computes); a leading apostrophe makes it text. Every CSV and XLSX the project writes passes
its cells through `neutralised`; readers of files the project wrote (a rejected-rows file
imported again) pass them through `restored`, which removes exactly that apostrophe.

Pure functions, no Django models.
"""

from django.utils.functional import Promise

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MARK = "'"


def neutralised(value):
    """`value` as a cell: a text starting with a trigger gets a leading apostrophe; numbers,
    dates, booleans and None are returned as they are (a negative amount stays a number)."""
    if isinstance(value, Promise):  # a lazy translation is text
        value = str(value)
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return MARK + value
    return value


def restored(text: str) -> str:
    """The text of a cell read back: the apostrophe `neutralised` added is removed, any other
    apostrophe is kept (`'abc` stays `'abc`)."""
    if text.startswith(MARK) and text[1:].startswith(TRIGGERS):
        return text[1:]
    return text


def restored_row(cells: list[str]) -> list[str]:
    """`restored` on each cell of a row (the row itself when nothing changes)."""
    if not any(cell.startswith(MARK) for cell in cells):
        return cells
    return [restored(cell) for cell in cells]
