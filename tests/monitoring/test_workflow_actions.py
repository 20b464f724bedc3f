"""Monitoring's automatic steps, as a procedure's action step calls them."""

from types import SimpleNamespace

import pytest

from siso_platform.monitoring import workflow_actions
from siso_platform.monitoring.models import Alert, AlertKind, EligibilityCheck
from tests.conftest import zone
from workflows.registry import ActionStep, actions

pytestmark = pytest.mark.django_db


def step(person, *, by=None, process_pk=1, **params):
    return ActionStep(
        process=SimpleNamespace(pk=process_pk, data={}),
        context={"subject": person.pk, "zone": zone(2).pk},
        vars={},
        answers={},
        params=params,
        by=by,
    )


def test_both_actions_are_offered_to_procedure_designers():
    assert {"run_eligibility_check", "open_alert"} <= set(actions)


def test_the_eligibility_check_sets_variables_for_a_decision(seeded, household, social_worker):
    home = household(2)
    person = home.member(40)
    home.isee(3000)

    result = workflow_actions.run_eligibility_check(
        step(person, by=social_worker, programme="sostegno-al-reddito")
    )

    assert result == {
        "eligibility": "eligible",
        "eligibility_missing": [],
        "eligibility_receiving": False,
    }
    check = EligibilityCheck.objects.get()
    assert check.checked_by == social_worker and check.household == home.household


def test_an_unknown_programme_stops_the_step_with_its_name(seeded, household):
    person = household(2).member(40)
    with pytest.raises(workflow_actions.StepRefused, match="nessuno"):
        workflow_actions.run_eligibility_check(step(person, programme="nessuno"))


def test_open_alert_raises_one_alert_per_process_and_title(household, social_worker):
    person = household(2).member(40)
    first = workflow_actions.open_alert(step(person, by=social_worker, title="Verificare ISEE"))
    again = workflow_actions.open_alert(step(person, by=social_worker, title="Verificare ISEE"))

    alert = Alert.objects.get()
    assert first == again == {"alert": alert.pk}
    assert (alert.kind, alert.zone, alert.person) == (AlertKind.REVIEW, zone(2), person)
