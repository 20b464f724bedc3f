"""A screening of a zone, run as a task: progress, its three lists, alerts and comparison."""

import datetime

import pytest

from siso_platform.accounts.models import Role
from siso_platform.monitoring import screening
from siso_platform.monitoring.models import (
    Alert,
    AlertKind,
    ProgrammeVersion,
    ResultList,
    ScreeningRun,
)
from tests.conftest import zone

from .conftest import ON, give

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenarios(household, provider, seeded):
    """Zone 2: one household on each list of the seeded income-support programme (ISEE up to
    6,000 euro), one elderly person alone (an indicator matches); zone 5: an eligible household
    outside the screening."""
    version = ProgrammeVersion.objects.get(definition__slug="sostegno-al-reddito")
    eligible = household(2)
    eligible.member(40, income=("2025", {"employment": 9000}))
    eligible.isee(3500)
    review = household(2)
    person = review.member(40, income=("2025", {"employment": 9000}))
    review.isee(18000)
    give("E1.01", provider["municipality"], person=person, starts_on=datetime.date(2026, 1, 1))
    covered = household(2)
    person = covered.member(40, income=("2025", {"employment": 9000}))
    covered.isee(2000)
    give("E1.01", provider["municipality"], person=person, starts_on=datetime.date(2026, 1, 1))
    undetermined = household(2)
    undetermined.member(40, income=("2025", {"employment": 9000}))
    alone = household(2)
    alone.member(85, income=("2025", {"pension": 8000}))
    alone.isee(9000)
    elsewhere = household(5)
    elsewhere.member(40)
    elsewhere.isee(1000)
    return {
        "version": version,
        "eligible": eligible,
        "review": review,
        "covered": covered,
        "undetermined": undetermined,
        "alone": alone,
    }


def listed(run, kind, version=None):
    results = run.results.filter(on_list=kind)
    if version is not None:
        results = results.filter(programme=version)
    return set(results.values_list("household_id", flat=True))


def test_a_zone_screening_runs_as_a_task_and_fills_the_three_lists(
    scenarios, make_member, django_capture_on_commit_callbacks
):
    worker = make_member(Role.SOCIAL_WORKER, zone_number=2)
    with django_capture_on_commit_callbacks(execute=True):
        run = screening.start(by=worker, zone=zone(2), on=ON)
    run.refresh_from_db()

    assert run.status == "done"
    assert run.households_done == run.households_total == 5
    assert run.progress == 100
    version = scenarios["version"]
    assert listed(run, ResultList.LATENT, version) == {scenarios["eligible"].household.pk}
    assert listed(run, ResultList.REVIEW, version) == {scenarios["review"].household.pk}
    assert listed(run, ResultList.UNDETERMINED, version) == {scenarios["undetermined"].household.pk}
    undetermined = run.results.get(on_list=ResultList.UNDETERMINED, programme=version)
    assert undetermined.missing == ["isee"]
    counts = run.counts[f"programme:{version.pk}"]
    assert (counts["screened"], counts["eligible"], counts["covered"]) == (5, 2, 1)
    # the elderly person alone: an indicator matched and an alert for zone 2's inbox
    assert scenarios["alone"].household.pk in listed(run, ResultList.MATCH)
    alert = Alert.objects.get(kind=AlertKind.LATENT_NEED, household=scenarios["alone"].household)
    assert alert.zone == zone(2)
    assert alert.detail["indicator"] == "anziano-solo-senza-assistenza"


def test_progress_is_saved_chunk_by_chunk(scenarios, monkeypatch):
    run = ScreeningRun.objects.create(zone=zone(2), on=ON)
    seen = []
    sheets = screening.fact_sheet.sheets

    def spy(ids, **kwargs):
        seen.append(ScreeningRun.objects.get(pk=run.pk).households_done)
        return sheets(ids, **kwargs)

    monkeypatch.setattr(screening.fact_sheet, "sheets", spy)
    screening.execute(run, chunk=2)
    assert seen == [0, 2, 4]
    assert ScreeningRun.objects.get(pk=run.pk).households_done == 5


def test_a_second_screening_is_compared_with_the_first(scenarios, provider):
    first = screening.execute(ScreeningRun.objects.create(zone=zone(2), on=ON))
    # the eligible household now receives the benefit; the undetermined one declares an ISEE
    give("E1.01", provider["municipality"], person=scenarios["eligible"].members[0], starts_on=ON)
    scenarios["undetermined"].isee(4000)
    second = screening.execute(ScreeningRun.objects.create(zone=zone(2), on=ON))

    assert screening.previous(second) == first
    changes = screening.compare(second, first)
    assert changes[ResultList.LATENT] == {"entered": 1, "left": 1}
    assert changes[ResultList.UNDETERMINED] == {"entered": 0, "left": 1}
    assert Alert.objects.filter(kind=AlertKind.LATENT_NEED).count() == 1  # not raised twice


def test_the_screen_command_screens_a_municipality(scenarios):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "screen", municipality=scenarios["eligible"].municipality.istat_code, on=ON, stdout=out
    )
    run = ScreeningRun.objects.get()
    assert run.municipality == scenarios["eligible"].municipality and run.households_done == 5
    assert "5" in out.getvalue()
