"""docs/imports.md documents each canonical format exactly as the parser reads it.

Regenerate the tables with: .venv/bin/python -m tests.imports.test_docs
"""

import io
import re
from pathlib import Path

from django.utils import translation

from siso_platform.imports.formats import FORMATS, SourceFormat
from siso_platform.imports.reading import Dialect, converter, open_rows

DOC = Path(__file__).resolve().parents[2] / "docs" / "imports.md"


def table(fmt: SourceFormat) -> str:
    with translation.override("en"):
        lines = [
            f"<!-- format:{fmt.name} -->",
            "| column | type | required | meaning |",
            "|---|---|---|---|",
        ]
        for c in fmt.columns:
            kind = f"{c.kind}: {', '.join(c.choices)}" if c.choices else c.kind
            lines.append(f"| `{c.name}` | {kind} | {'yes' if c.required else ''} | {c.help} |")
        lines += [
            "",
            "```csv",
            ",".join(fmt.names),
            ",".join(c.example for c in fmt.columns),
            "```",
            f"<!-- /format:{fmt.name} -->",
        ]
    return "\n".join(lines)


def documented(text: str, name: str) -> str:
    found = re.search(rf"<!-- format:{name} -->.*?<!-- /format:{name} -->", text, re.S)
    return found.group(0) if found else ""


def test_every_format_is_documented_as_it_is_read():
    text = DOC.read_text()
    for fmt in FORMATS.values():
        assert documented(text, fmt.name) == table(fmt), (
            f"docs/imports.md is stale for {fmt.name}: run python -m tests.imports.test_docs"
        )


def test_every_example_row_is_a_valid_row():
    for fmt in FORMATS.values():
        text = io.StringIO(table(fmt).split("```csv\n")[1].split("```")[0])
        header, rows = open_rows(text, fmt, Dialect())
        row = converter(fmt, Dialect(), header)(next(rows))
        assert row.errors == [], fmt.name


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siso_platform.settings.test")
    django.setup()
    text = DOC.read_text()
    for fmt in FORMATS.values():
        old = documented(text, fmt.name)
        text = text.replace(old, table(fmt)) if old else text + "\n" + table(fmt) + "\n"
    DOC.write_text(text)
