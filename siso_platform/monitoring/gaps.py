"""Unmet needs: an open need with no running intervention of its category for too long.
Pure: it works on plain records, fetched by `detection`.

A need waits from its first day without support: the day it was noted, or the day after the
last day an intervention of its category covered the person, whichever is later. That day
counts as 0 days waited, so a need noted on a day and one whose intervention ended the day
before wait alike. Intervention periods include their last day. An alert is raised when the
days waited are more than the threshold (with 60: on the 61st day after that first day).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class OpenNeed:
    id: int
    person: int
    category: str
    noted_on: datetime.date


@dataclass(frozen=True)
class Cover:
    person: int
    category: str
    starts_on: datetime.date
    ends_on: datetime.date | None


@dataclass(frozen=True)
class Gap:
    need: OpenNeed
    since: datetime.date
    days: int


def find_gaps(
    needs: list[OpenNeed], covers: list[Cover], *, today: datetime.date, threshold_days: int
) -> list[Gap]:
    by_person: dict[tuple[int, str], list[Cover]] = {}
    for cover in covers:
        if cover.starts_on <= today:  # a planned start does not cover today
            by_person.setdefault((cover.person, cover.category), []).append(cover)
    gaps = []
    for need in needs:
        since = need.noted_on
        covered = False
        for cover in by_person.get((need.person, need.category), ()):
            if cover.ends_on is None or cover.ends_on >= today:
                covered = True
                break
            since = max(since, cover.ends_on + datetime.timedelta(days=1))
        if covered:
            continue
        waited = (today - since).days
        if waited > threshold_days:
            gaps.append(Gap(need, since, waited))
    return gaps
