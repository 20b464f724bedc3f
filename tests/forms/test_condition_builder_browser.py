"""The condition builder in the questionnaire editor, in a real browser: conditions and computed
values are made by clicking, saved as JSON Logic, shown again as a sentence; a hand-written
expression the builder cannot show survives a save unchanged."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext
from playwright.sync_api import expect

from forms.publishing import current, import_definition
from siso_platform.accounts.models import Role
from tests.browser import axe_violations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SLOW = 30000  # ms: wagtail's editor is a heavy page, and the machine may be busy
# "rent between 0 and 2000": a three-argument comparison the builder has no words for
HAND_WRITTEN = {"<": [0, {"var": "rent"}, 2000]}


def _document() -> dict:
    def label(it, en):
        return {"it": it, "en": en}

    return {
        "format": "siso-form/1",
        "slug": "abitazione",
        "title": label("Abitazione", "Housing"),
        "schema": {
            "steps": [
                {
                    "key": "casa",
                    "title": label("Casa", "Home"),
                    "fields": [
                        {
                            "key": "tenure",
                            "kind": "choice",
                            "label": label("Condizione abitativa", "Tenure"),
                            "choices": [
                                {"value": "owned", "label": label("Proprietà", "Owned")},
                                {"value": "rented", "label": label("Affitto", "Rented")},
                            ],
                        },
                        {
                            "key": "rent",
                            "kind": "decimal",
                            "label": label("Canone mensile", "Rent"),
                        },
                        {
                            "key": "yearly_rent",
                            "kind": "decimal",
                            "label": label("Canone annuo", "Yearly rent"),
                        },
                        {
                            "key": "notes",
                            "kind": "text",
                            "label": label("Note", "Notes"),
                            "visible_if": HAND_WRITTEN,
                        },
                    ],
                }
            ]
        },
    }


@pytest.fixture
def definition(region_org):
    return import_definition(_document(), owner=region_org)


@pytest.fixture
def page(open_page, client, make_member, settings):
    # wagtail's autosave, racing the save button through the test's single-threaded server,
    # ends in "saved in another window"; the builder's input/change events do trigger it.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = open_page(client)
    page.set_default_timeout(SLOW)
    return page


def _edit_url(definition):
    return reverse("wagtailsnippets_forms_formdefinition:edit", args=[definition.pk])


def _builder(page, field_index, name):
    return page.locator(f'[data-logic-for="body-0-value-fields-{field_index}-value-{name}"]')


def _field_schema(definition, index):
    definition.refresh_from_db()  # its latest revision is the one the browser saved
    return current(definition).schema["steps"][0]["fields"][index]


def _save(page):
    page.locator("button.action-save").first.click()
    # the saved page comes back through a redirect: wait for its message
    expect(page.locator(".messages li.success")).to_be_visible(timeout=SLOW)


def _accessible_at_both_sizes(page):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], size


def test_a_condition_made_by_clicking_is_saved_as_json_logic_and_read_back(page, definition):
    page.set_viewport_size(DESKTOP)
    page.goto(_edit_url(definition))
    builder = _builder(page, 1, "visible_if")
    expect(page.locator('textarea[name="body-0-value-fields-1-value-visible_if"]')).to_be_hidden()
    builder.get_by_role("button", name=gettext("Add a condition")).click()
    builder.locator('[data-ref="c.0:field"]').select_option(label="Condizione abitativa")
    builder.locator('[data-ref="c.0:cmp"]').select_option(label=gettext("is equal to"))
    builder.locator('[data-ref="c.0:value"]').select_option(label="Affitto")
    sentence = f"{gettext('show if:')} Condizione abitativa {gettext('is equal to')} Affitto"
    expect(builder.locator(".siso-cb__sentence")).to_have_text(sentence)
    # keys only in the JSON: the user reads labels
    assert "tenure" not in builder.locator(".siso-cb__editor").inner_text()
    _accessible_at_both_sizes(page)

    _save(page)
    assert _field_schema(definition, 1)["visible_if"] == {"==": [{"var": "tenure"}, "rented"]}
    assert _field_schema(definition, 3)["visible_if"] == HAND_WRITTEN  # untouched

    page.goto(_edit_url(definition))
    again = _builder(page, 1, "visible_if").locator(".siso-cb__sentence")
    expect(again).to_have_text(sentence, timeout=SLOW)


def test_the_json_toggle_round_trips_both_ways(page, definition):
    page.goto(_edit_url(definition))
    builder = _builder(page, 1, "visible_if")
    textarea = page.locator('textarea[name="body-0-value-fields-1-value-visible_if"]')
    builder.get_by_role("button", name=gettext("Edit as JSON")).click()
    expect(textarea).to_be_visible()
    textarea.fill('{"in": [{"var": "tenure"}, ["owned", "rented"]]}')
    expect(builder.locator(".siso-cb__sentence")).to_have_text(
        f"{gettext('show if:')} Condizione abitativa {gettext('is one of')} Proprietà, Affitto"
    )
    # the vocabulary is the editor's own fields, read again as they change
    label = page.locator('input[name="body-0-value-fields-0-value-label_it"]')
    label.fill("Titolo di godimento")
    label.dispatch_event("change")
    expect(builder.locator(".siso-cb__sentence")).to_contain_text("Titolo di godimento")
    builder.get_by_label("Proprietà").uncheck()
    expect(textarea).to_have_value('{"in":[{"var":"tenure"},["rented"]]}')
    builder.locator('[data-ref="c.0:remove"]').click()
    expect(textarea).to_have_value("")  # no condition left: an empty box, not "null"
    textarea.fill('{"==": [{"var": "tenure"}')  # half typed: shown as such, nothing rewritten
    expect(builder.locator(".siso-cb__note")).to_be_visible()
    expect(textarea).to_have_value('{"==": [{"var": "tenure"}')


def test_a_computed_value_made_by_clicking_is_saved_and_computed_by_the_wizard(page, definition):
    page.set_viewport_size(PHONE)
    page.goto(_edit_url(definition))
    builder = _builder(page, 2, "computed")
    builder.locator('[data-ref="v:kind"]').select_option(value="arith")
    builder.locator('[data-ref="vl:kind"]').select_option(value="field")
    builder.locator('[data-ref="vl:field"]').select_option(label="Canone mensile")
    builder.locator('[data-ref="v:arith"]').select_option(value="*")
    builder.locator('[data-ref="vr:kind"]').select_option(value="num")
    builder.locator('[data-ref="vr:num"]').fill("dodici")  # words are no number
    expect(builder.locator(".siso-cb__error")).to_be_visible()
    builder.locator('[data-ref="vr:num"]').fill("12")
    expect(builder.locator(".siso-cb__error")).to_be_hidden()
    expect(builder.locator(".siso-cb__sentence")).to_have_text(
        f"{gettext('value =')} Canone mensile \u00d7 12"
    )
    _accessible_at_both_sizes(page)
    _save(page)
    assert _field_schema(definition, 2)["computed"] == {"*": [{"var": "rent"}, 12]}

    page.goto(reverse("forms_admin:try", args=[definition.pk]))
    page.get_by_label("Canone mensile").fill("500")
    expect(page.get_by_label("Canone annuo")).to_have_value("6000", timeout=SLOW)


def test_a_hand_written_expression_is_shown_read_only_and_survives_a_save(page, definition):
    page.goto(_edit_url(definition))
    builder = _builder(page, 3, "visible_if")
    expect(builder.locator(".siso-cb__note")).to_have_text(
        gettext(
            "This expression was written by hand and the builder cannot show it: it is kept "
            "exactly as it is. To change it, use “Edit as JSON”."
        )
    )
    expect(builder.locator("pre")).to_contain_text('"rent"')
    _save(page)
    assert _field_schema(definition, 3)["visible_if"] == HAND_WRITTEN
