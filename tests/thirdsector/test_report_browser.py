"""Acceptance, in Chromium on a phone and a desktop: a body sends an activity report from the
web form; the reviewing social worker sees its hours and attachment on the task before
deciding. axe-core finds no serious or critical violation on either page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from siso_platform.thirdsector.models import ActivityReport
from tests.browser import axe_violations

from . import test_report_form

# The form tests' fixture: a body with a case assigned to it, its operator, the social worker.
reporting = test_report_form.reporting


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [390, 1366])
def test_a_body_reports_and_the_reviewer_sees_hours_and_attachment(
    open_page, client, reporting, width
):
    own = reporting["own"]
    client.force_login(reporting["body_operator"])
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("thirdsector:new_report"))
    assert axe_violations(page) == []
    assert _fits(page)
    page.get_by_label("Intervention").select_option(str(own.pk))
    page.get_by_label("Day of the activity").fill(datetime.date.today().strftime("%d/%m/%Y"))
    page.get_by_label("Hours").fill("3,5")
    page.locator("select[name=activity_type]").select_option("home_care")
    page.get_by_label("Notes").fill("Accompagnata alla visita")
    # as bytes: Chromium leaves the content of a file read from disk out of the request that
    # tests/browser.py hands to the test client
    signed = {"name": "foglio-firme.pdf", "mimeType": "application/pdf"}
    signed["buffer"] = test_report_form.PDF
    page.get_by_label("Attachments").set_input_files(files=[signed])
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url("**" + reverse("thirdsector:body"))
    report = ActivityReport.objects.get()
    task = report.process.task_set.get(flow_task_type="HUMAN")

    reviewer = Client()
    reviewer.force_login(reporting["social_worker"])
    page = open_page(reviewer, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("workflows:task", args=[task.pk]))
    page.get_by_role("button", name="Take it").click()
    page.wait_for_load_state()
    section = page.locator("section", has_text="foglio-firme.pdf")
    assert section.locator(".report-hours").inner_text() == "3,5"
    link = section.get_by_role("link", name="foglio-firme.pdf")
    assert link.get_attribute("href") == reverse(
        "thirdsector:attachment", args=[report.pk, report.attachments.get().pk]
    )
    assert page.get_by_role("button", name="Complete the task").is_visible()  # to decide
    assert axe_violations(page) == []
    assert _fits(page)
