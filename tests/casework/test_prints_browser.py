"""A social worker prints a case's care plan from the case page, on a phone and a desktop: the
link gives a PDF whose text, read back with pdftotext, holds the plan's goals."""

import os
import shutil
import subprocess

import pytest
from django.urls import reverse

from tests.browser import axe_violations

from . import test_plan

social_worker = test_plan.social_worker
planned_case = test_plan.planned_case


@pytest.mark.skipif(
    not shutil.which("pdftotext") and not os.environ.get("SISO_REQUIRE_PRINTS"),
    reason="needs poppler-utils (CI sets SISO_REQUIRE_PRINTS: there a missing one fails)",
)
@pytest.mark.parametrize("width", [390, 1366])
def test_a_social_worker_prints_the_care_plan_from_the_case_page(
    open_page, client, social_worker, planned_case, width, tmp_path
):
    client.force_login(social_worker)
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("casework:case", args=[planned_case.pk]))
    link = page.get_by_role("link", name="Print the care plan as PDF")
    link.scroll_into_view_if_needed()
    assert link.is_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert axe_violations(page) == []

    url = reverse("casework:print_care_plan", args=[planned_case.pk])
    assert link.get_attribute("href") == url
    with page.expect_response(f"**{url}") as reply:  # Chromium opens it in its PDF viewer
        link.click()
    response = reply.value
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert f"caso-{planned_case.pk}" in response.headers["content-disposition"]
    # The viewer hands Playwright its own page as the body: the link's bytes, fetched anew.
    body = page.evaluate(
        """async (url) => {
            const reply = await fetch(url);
            return Array.from(new Uint8Array(await reply.arrayBuffer()));
        }""",
        url,
    )
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(bytes(body))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Trovare un lavoro" in text
    assert "Regolarizzare l'affitto" in text
