"""docs/reporting.md documents the flat export's columns exactly as the code writes them.

Regenerate the table with:
.venv/bin/python manage.py shell -c \
    'from tests.reporting.test_docs import regenerate; regenerate()'
"""

import re
from pathlib import Path

from django.utils import translation

from siso_platform.reporting.exports import FLAT_COLUMNS

DOC = Path(__file__).resolve().parents[2] / "docs" / "reporting.md"
MARKS = ("<!-- flat-format -->", "<!-- /flat-format -->")


def table() -> str:
    with translation.override("en"):
        rows = [f"| `{c.name}` | {c.meaning} | {c.type} | `{c.example}` |" for c in FLAT_COLUMNS]
    header = ["| column | meaning | type | example |", "|---|---|---|---|"]
    return "\n".join([MARKS[0], *header, *rows, MARKS[1]])


def documented(text: str) -> str:
    found = re.search(re.escape(MARKS[0]) + ".*?" + re.escape(MARKS[1]), text, re.S)
    return found.group(0) if found else ""


def test_the_flat_format_is_documented_as_exported():
    assert documented(DOC.read_text()) == table(), (
        "docs/reporting.md is stale: regenerate it (see this module's docstring)"
    )


def regenerate() -> None:
    text = DOC.read_text()
    DOC.write_text(text.replace(documented(text), table()))
