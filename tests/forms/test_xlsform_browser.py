"""The XLSForm widgets in a real browser at a phone's width (390 px) and a desktop's: range,
rank, cascading select, "or other" and geopoint work live and pass axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import axe_violations

from .test_xlsform_features import features  # noqa: F401 (fixture)


@pytest.fixture
def draft_url(client, operator, features, person_in_zone):  # noqa: F811
    client.force_login(operator)
    person = person_in_zone(2)
    response = client.post(
        reverse("forms:start", args=["caratteristiche"]), {"tax_code": person.tax_code}
    )
    return response["Location"]


@pytest.mark.parametrize("size", [(390, 844), (1366, 900)])
def test_the_xlsform_widgets_work_live(open_page, client, draft_url, size):
    page = open_page(client)
    # The test origin is plain http, where browsers refuse geolocation: the device's answer is
    # given by a stand-in with the Geolocation API's shape.
    page.add_init_script(
        """Object.defineProperty(navigator, "geolocation", {value: {getCurrentPosition:
        function (ok) { ok({coords: {latitude: 43.1107, longitude: 12.3908, altitude: null,
        accuracy: 15}}); }}});"""
    )
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(draft_url)

    # range: unanswered until moved, then the number shows beside it
    slider = page.locator('[data-key="pain"] input[type="range"]')
    answer = page.locator('[data-key="pain"] [data-range-value]')
    expect(answer).to_have_value("")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(answer).to_have_value("3")
    expect(page.locator('[data-key="pain"] output')).to_have_text("3")

    # rank: untouched it is no answer (docs.getodk.org/form-question-types/#rank-widget);
    # moving the first choice down ranks it, and the page ticks "I accept this order"
    order = page.locator('[data-key="priorities"] input[type="hidden"]')
    accepted = page.locator('[data-key="priorities"] [data-ranked]')
    assert order.evaluate_all("xs => xs.map(x => x.value)") == ["health", "work", "home"]
    expect(accepted).not_to_be_checked()
    page.locator('[data-key="priorities"] li').first.locator('[data-move="1"]').click()
    assert order.evaluate_all("xs => xs.map(x => x.value)") == ["work", "health", "home"]
    expect(accepted).to_be_checked()

    # cascading select: the municipalities of the province picked
    narni, assisi = page.get_by_label("Narni"), page.get_by_label("Assisi")
    page.get_by_label("Perugia").check()
    expect(narni).to_be_hidden()
    expect(assisi).to_be_visible()
    page.get_by_label("Terni").check()
    expect(assisi).to_be_hidden()
    expect(narni).to_be_visible()

    # or_other: the text box shows with "Altro"
    other = page.locator('[data-key="need_other"]')
    expect(other).to_be_hidden()
    page.get_by_role("radio", name="Altro", exact=True).check()
    expect(other).to_be_visible()

    # geopoint: the device's position fills latitude and longitude
    page.locator("[data-geolocate]").click()
    expect(page.locator('[data-key="where"] [data-geo="lat"]')).to_have_value("43,1107")
    expect(page.locator('[data-key="where"] [data-geo="lon"]')).to_have_value("12,3908")

    assert axe_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= size[0]  # nothing wider than the screen
