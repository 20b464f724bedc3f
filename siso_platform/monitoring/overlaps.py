"""Double funding: the same beneficiary, the same need category, overlapping periods, two
different providers. Pure: it works on plain spans, fetched by `detection`.

Intervention periods are the dates an operator writes, the last day included, an empty end
meaning still running: 1-31 March and 31 March-30 April overlap on 31 March.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

FOREVER = datetime.date.max


@dataclass(frozen=True)
class Span:
    id: int
    beneficiary: tuple[str, int]  # ("person", 12) or ("household", 7)
    category: str
    item: str
    provider: int
    starts_on: datetime.date
    ends_on: datetime.date | None


def overlapping(a: Span, b: Span) -> bool:
    return a.starts_on <= (b.ends_on or FOREVER) and b.starts_on <= (a.ends_on or FOREVER)


def overlap_period(a: Span, b: Span) -> tuple[datetime.date, datetime.date | None]:
    ends = [day for day in (a.ends_on, b.ends_on) if day is not None]
    return max(a.starts_on, b.starts_on), min(ends) if ends else None


def find_overlaps(
    spans: Iterable[Span], complementary: set[frozenset[str]] = frozenset()
) -> list[tuple[Span, Span]]:
    """Pairs (lower id first) that fund one need twice; `complementary` holds pairs of item
    codes declared to go together. An intervention for a person and their household is a span
    for each: a pair found through both is reported once."""
    groups: dict[tuple, list[Span]] = defaultdict(list)
    for span in spans:
        groups[(span.beneficiary, span.category)].append(span)
    found = {}
    for group in groups.values():
        group.sort(key=lambda s: (s.starts_on, s.id))
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if b.starts_on > (a.ends_on or FOREVER):
                    break  # sorted by start: no later span can overlap `a`
                if a.provider == b.provider:
                    continue
                if frozenset((a.item, b.item)) in complementary:
                    continue
                pair = (a, b) if a.id < b.id else (b, a)
                found[(pair[0].id, pair[1].id)] = pair
    return [found[ids] for ids in sorted(found)]
