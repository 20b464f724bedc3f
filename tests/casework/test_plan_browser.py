"""The plan step in a real browser, on a phone and a desktop: it opens with the case's plan
(goals, their dates and status, the review date) to edit, not an empty questionnaire."""

import pytest
from django.urls import reverse

from . import test_plan

# The plan tests' fixtures: a social worker of zone 2 and a case with a plan of two goals.
social_worker = test_plan.social_worker
planned_case = test_plan.planned_case


@pytest.mark.parametrize("width", [390, 1366])
def test_the_plan_step_shows_the_case_goals_to_edit(
    open_page, client, operator, social_worker, planned_case, width
):
    task = test_plan.plan_task(operator, social_worker, planned_case)
    client.force_login(social_worker)
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("workflows:task", args=[task.pk]))
    page.get_by_role("button", name="Fill in the questionnaire").click()
    page.wait_for_url("**/forms/**")

    goal = page.locator('input[name="progetto-goals__0__goal"]')
    assert goal.input_value() == "Trovare un lavoro"
    assert goal.is_visible()
    second = page.locator('input[name="progetto-goals__1__goal"]')
    assert second.input_value() == "Regolarizzare l'affitto"
    assert page.locator('input[name="progetto-goals__1__status"][value="reached"]').is_checked()
    assert page.locator('input[name="progetto-goals__0__due_on"]').input_value() != ""
    assert page.locator('textarea[name="progetto-summary"]').input_value() == (
        "Recuperare l'autonomia economica"
    )
    # Nothing wider than the screen: the goals fit a phone.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
