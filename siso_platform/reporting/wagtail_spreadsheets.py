"""Wagtail's own spreadsheet downloads (every listing with `list_export`, the reports such as
site history, form submissions) written without formulas.

Wagtail writes CSV cells verbatim: a page title or a catalogue name `=HYPERLINK(...)` would run
in the reader's spreadsheet. Its one hook for a cell's value, `preprocess_field_value`, is
wrapped once at start-up so that every such download passes through the project's
`neutralised`, as the project's own files do.
"""

from functools import wraps

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from siso_platform.spreadsheet_cells import neutralised


def install() -> None:
    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "neutralises", False):
        return

    @wraps(original)
    def preprocess_field_value(self, field, value, export_format):
        return neutralised(original(self, field, value, export_format))

    preprocess_field_value.neutralises = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
