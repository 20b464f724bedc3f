"""A social worker sees the badge, opens the list and follows an item to the task, on a phone
and a desktop; the pages fit the screen and have no serious accessibility fault."""

import pytest
from django.urls import reverse

from tests.browser import axe_violations
from workflows import runtime

from ..workflows.conftest import end, task


@pytest.mark.parametrize("width", [390, 1366])
def test_the_badge_leads_to_the_list_and_the_item_to_the_task(
    open_page, client, notified, publish_steps, operator, social_worker, width
):
    version = publish_steps([task("check", "done", title="Verifica documenti"), end()])
    with notified():
        runtime.start(version, user=operator)
    (check,) = runtime.my_tasks(social_worker)
    client.force_login(social_worker)
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/casework/")

    badge = page.locator("header a.notifications-badge")
    assert badge.locator(".notifications-count").inner_text().startswith("1")
    badge.click()
    page.wait_for_url("**/notifiche/")
    fits = "() => document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits)
    assert axe_violations(page) == []

    page.get_by_role("link", name="New task assigned to you").click()
    page.wait_for_url(f"**{reverse('workflows:task', args=[check.pk])}")
    assert "Verifica documenti" in page.locator("main").inner_text()
    assert page.locator("header .notifications-count").count() == 0
