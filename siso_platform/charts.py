"""Small charts drawn on the server as inline SVG: no script, nothing loaded from elsewhere.

Each function returns markup to insert as is (the caller marks it safe); labels are escaped
here. The chart is an image with a title for screen readers; the page shows the same figures
in a table beside it.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

from siso_platform.italian import number

Number = int | float | Decimal
Rows = Sequence[tuple[str, Number]]

INK, BAR, GRID = "#1f1f1f", "#0b5394", "#c4c7c5"
FONT = 'font-family="system-ui, sans-serif" font-size="13"'


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _open(title: str, width: int, height: int) -> str:
    # Inline SVG in HTML needs no namespace; leaving it out keeps the page free of URLs.
    title = escape(title)
    return (
        f'<svg role="img" aria-label="{title}" viewBox="0 0 {width} {height}" width="{width}" '
        f'class="chart" {FONT}><title>{title}</title>'
    )


def bar_chart(
    rows: Rows, *, title: str, fmt: Callable[[Number], str] = number, width: int = 640
) -> str:
    """Horizontal bars, one per (label, value), the value printed after the bar."""
    label_width, value_width, row_height = 210, 90, 28
    bar_space = width - label_width - value_width
    top = max((value for _, value in rows), default=0) or 1
    height = max(len(rows), 1) * row_height + 8
    parts = [_open(title, width, height)]
    for index, (label, value) in enumerate(rows):
        y = 4 + index * row_height
        length = round(bar_space * float(value) / float(top))
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" fill="{INK}">'
            f"{escape(_shorten(str(label), 30))}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row_height - 8}" '
            f'fill="{BAR}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 18}" fill="{INK}">'
            f"{escape(fmt(value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    rows: Rows, *, title: str, fmt: Callable[[Number], str] = number, width: int = 640
) -> str:
    """Vertical columns, one per (month label, value), the value printed above each."""
    height, bottom, head = 220, 30, 22
    plot = height - bottom - head
    slot = width / max(len(rows), 1)
    top = max((value for _, value in rows), default=0) or 1
    base = height - bottom
    parts = [
        _open(title, width, height),
        f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="{GRID}"/>',
    ]
    for index, (label, value) in enumerate(rows):
        middle = slot * index + slot / 2
        column = round(plot * float(value) / float(top))
        parts.append(
            f'<rect x="{middle - slot * 0.35:.1f}" y="{base - column}" '
            f'width="{slot * 0.7:.1f}" height="{column}" fill="{BAR}"/>'
            f'<text x="{middle:.1f}" y="{base - column - 5}" text-anchor="middle" '
            f'fill="{INK}">{escape(fmt(value))}</text>'
            f'<text x="{middle:.1f}" y="{height - 10}" text-anchor="middle" fill="{INK}">'
            f"{escape(str(label))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
