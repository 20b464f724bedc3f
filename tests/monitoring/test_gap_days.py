"""Unmet needs: the days waited count from the first day without support (docs/monitoring.md).

That day counts 0: the day a need is noted, or the day after its intervention's last day.
With 60 days configured, the alert comes on the 61st day after it, never the 60th.
"""

import datetime

import pytest

from siso_platform.monitoring import detection, gaps
from siso_platform.monitoring.models import Alert, AlertKind, MonitoringSettings

from .conftest import give, note_need

DAY = datetime.timedelta(days=1)
LAST_COVERED = datetime.date(2026, 1, 31)  # an intervention's last day, covered
FIRST_UNCOVERED = LAST_COVERED + DAY


def _gaps(today, *, ends_on=LAST_COVERED, noted_on=datetime.date(2025, 6, 1)):
    need = gaps.OpenNeed(1, 7, "care", noted_on)
    cover = gaps.Cover(7, "care", datetime.date(2025, 7, 1), ends_on)
    return gaps.find_gaps([need], [cover], today=today, threshold_days=60)


def test_the_last_covered_day_and_the_day_after_wait_nothing():
    assert _gaps(LAST_COVERED) == []
    assert _gaps(FIRST_UNCOVERED) == []


def test_the_days_count_from_the_day_after_the_last_covered_day():
    day_60 = FIRST_UNCOVERED + 60 * DAY
    assert day_60 == datetime.date(2026, 4, 2)  # the example in docs/monitoring.md
    assert _gaps(day_60) == []  # 60 days waited: not more than 60
    [gap] = _gaps(day_60 + DAY)
    assert (gap.since, gap.days) == (FIRST_UNCOVERED, 61)


def test_a_need_noted_waits_from_that_very_day():
    noted = datetime.date(2026, 3, 1)
    assert _gaps(noted + 60 * DAY, noted_on=noted, ends_on=None) == []  # still covered
    need = gaps.OpenNeed(1, 7, "care", noted)
    assert gaps.find_gaps([need], [], today=noted + 60 * DAY, threshold_days=60) == []
    [gap] = gaps.find_gaps([need], [], today=noted + 61 * DAY, threshold_days=60)
    assert (gap.since, gap.days) == (noted, 61)


@pytest.mark.django_db
def test_the_alert_comes_on_the_61st_day_after_the_intervention_ended(household, provider):
    settings = MonitoringSettings.load()
    settings.gap_days = 60
    settings.save()
    person = household().member(50)
    note_need(person, "care", noted_on=datetime.date(2025, 1, 1))
    give(
        "B1.01",
        provider["municipality"],
        person=person,
        starts_on=datetime.date(2025, 1, 10),
        ends_on=LAST_COVERED,
        status="ended",
    )

    assert detection.detect_gaps([person.pk], today=FIRST_UNCOVERED + 60 * DAY) == 0
    assert detection.detect_gaps([person.pk], today=FIRST_UNCOVERED + 61 * DAY) == 1
    (alert,) = Alert.objects.filter(kind=AlertKind.GAP)
    assert alert.detail["since"] == FIRST_UNCOVERED.isoformat()
    assert alert.detail["days"] == 61
