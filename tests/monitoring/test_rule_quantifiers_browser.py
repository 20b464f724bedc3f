"""Conditions over the fact sheet's lists in the rule editor, in a real browser, as the regional
administrator: "almeno un componente tale che: età ≥ 65" and "numero di componenti ≥ 2" built
by clicking and saved as JSON Logic; the seeded indicator that reads the rental contracts
through `some` reads as a sentence with its parts editable, not as read-only JSON. At phone
and desktop widths, no accessibility violation."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from siso_platform.accounts.models import Role
from siso_platform.monitoring.models import Indicator
from tests.browser import axe_violations

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("rule_quantifiers_browser")]

COUNT_MEMBERS = {"reduce": [{"var": "members"}, {"+": [{"var": "accumulator"}, 1]}, 0]}
RULE = {
    "and": [
        {"some": [{"var": "members"}, {">=": [{"var": "age"}, 65]}]},
        {">=": [COUNT_MEMBERS, 2]},
    ]
}
WIDTHS = [390, 1366]
SEEDS = Path(__file__).resolve().parents[2] / "siso_platform" / "monitoring" / "seeds"


def sentence(page) -> str:
    return page.locator(".siso-cb__sentence").first.inner_text()


def builder_fits(page) -> bool:
    """Every menu, box and button of the builder is on screen (none pushed off a phone's)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.siso-cb select, .siso-cb input, .siso-cb button')]
          .every((el) => el.getBoundingClientRect().right <= window.innerWidth)"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_region_builds_a_condition_over_the_members_by_clicking(
    open_page, client, make_member, region_org, width
):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = open_page(client, locale="en-GB")  # until the lead merges the Italian
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("wagtailsnippets_monitoring_indicator:add"))
    page.locator("#id_title").fill("Anziano in famiglia numerosa")
    page.locator("#id_owner").focus()  # leaving the title writes the slug
    expect(page.locator("#id_slug")).to_have_value("anziano-in-famiglia-numerosa")
    page.locator("#id_owner").select_option(str(region_org.pk))
    page.locator("#id_need_category").select_option(index=1)
    page.locator("#id_message").fill("Un anziano vive con altri: verificare il carico di cura.")

    page.locator('[data-ref="c:add"]').click()
    page.locator('[data-ref="c.0:field"]').select_option("some|members")
    # inside, the menu offers the member's own fields, not the household's
    inner = page.locator('[data-ref="c.0.q.0:field"]')
    assert inner.locator("option[value='value|age']").count() == 1
    assert inner.locator("option[value='value|isee']").count() == 0
    inner.select_option("value|age")
    page.locator('[data-ref="c.0.q.0:cmp"]').select_option(">=")
    page.locator('[data-ref="c.0.q.0:value"]').fill("65")
    page.locator('[data-ref="c:add"]').click()
    page.locator('[data-ref="c.1:field"]').select_option("count|members")
    page.locator('[data-ref="c.1:cmp"]').select_option(">=")
    page.locator('[data-ref="c.1:value"]').fill("2")
    said = sentence(page)
    assert "at least one household member such that: Age is at least 65" in said
    assert "number of household members is at least 2" in said
    assert page.locator("textarea[data-logic-builder='condition']").is_hidden()  # no JSON
    assert builder_fits(page)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/edit/*/")
    draft = Indicator.objects.get(slug="anziano-in-famiglia-numerosa")
    assert draft.get_latest_revision_as_object().rule == RULE
    # read back: the same sentence, every part editable
    assert "at least one household member such that: Age is at least 65" in sentence(page)
    assert page.locator(".siso-cb__raw").count() == 0
    assert page.locator('[data-ref="c.0.q.0:value"]').input_value() == "65"
    # wagtail's "saved" message fades in: axe reads its colours once it has
    page.wait_for_function(
        """() => document.getAnimations()
          .every((a) => !(a instanceof CSSTransition) || a.playState !== 'running')"""
    )
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_seeded_rules_over_lists_read_as_sentences(
    open_page, client, make_member, seeded, width
):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})
    quantified = [
        indicator
        for indicator in Indicator.objects.order_by("slug")
        if any(f'"{op}":' in json.dumps(indicator.rule) for op in ("some", "all", "none"))
    ]
    assert [indicator.slug for indicator in quantified] == ["morosita-e-contratto-in-scadenza"]
    for indicator in quantified:
        page.goto(reverse("wagtailsnippets_monitoring_indicator:edit", args=[indicator.pk]))
        said = sentence(page)
        assert "at least one rental contract such that:" in said
        assert "Days to the contract's end is between 0 and 90 days" in said
        assert page.locator(".siso-cb__raw").count() == 0
        days = page.locator('[data-ref="c.1.q.1:field"]')
        assert days.input_value() == "value|days_to_end"
        assert page.locator('[data-ref="c.1.q.1:high"]').input_value() == "90"
        assert builder_fits(page)
        assert axe_violations(page) == []
        # shown, not rewritten: saving without a change keeps the seeded rule as it was
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_url("**/edit/*/")
        seed = json.loads((SEEDS / f"indicator-{indicator.slug}.json").read_text())
        indicator.refresh_from_db()
        assert indicator.get_latest_revision_as_object().rule == seed["rule"]
