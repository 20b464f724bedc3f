"""docs/monitoring.md documents the household fact sheet exactly as rules can read it.

Regenerate the table with:
.venv/bin/python manage.py shell -c \
    'from tests.monitoring.test_docs import regenerate; regenerate()'
"""

import re
from pathlib import Path

from django.utils import translation

from siso_platform.monitoring.fact_sheet import FIELDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "monitoring.md"
MARKS = ("<!-- fact-sheet -->", "<!-- /fact-sheet -->")


def table() -> str:
    with translation.override("en"):
        rows = [f"| `{f['name']}` | {f['type']} | {f['meaning']} |" for f in FIELDS]
    return "\n".join([MARKS[0], "| name | type | meaning |", "|---|---|---|", *rows, MARKS[1]])


def documented(text: str) -> str:
    found = re.search(re.escape(MARKS[0]) + ".*?" + re.escape(MARKS[1]), text, re.S)
    return found.group(0) if found else ""


def test_the_fact_sheet_is_documented_as_rules_read_it():
    assert documented(DOC.read_text()) == table(), (
        "docs/monitoring.md is stale: regenerate it (see this module's docstring)"
    )


def regenerate() -> None:
    text = DOC.read_text()
    DOC.write_text(text.replace(documented(text), table()))
