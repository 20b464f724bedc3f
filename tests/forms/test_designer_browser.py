"""The questionnaire designer in a real browser: a regional administrator builds a questionnaire
with a conditional field and a computed value only by clicking (no JSON typed), previews it
with the wizard's JSON Logic, saves and publishes it; a refused save writes nothing."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext
from playwright.sync_api import expect
from wagtail.models import Revision

from forms.models import FormDefinition
from siso_platform.accounts.models import Role
from tests.browser import axe_violations

pytestmark = pytest.mark.xdist_group("test_designer_browser")


@pytest.fixture
def page(open_page, client, make_member):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    return open_page(client)


def start(page, title: str) -> FormDefinition:
    """From the questionnaires' list, "Nuovo questionario": only a title is typed."""
    page.goto(reverse("wagtailsnippets_forms_formdefinition:list"))
    page.locator(f'a[href="{reverse("forms_designer:new")}"]').first.click()
    page.locator("#id_title").fill(title)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#qd-steps .qd-step")).to_have_count(1)
    return FormDefinition.objects.get(title=title)


def panel(page):
    return page.locator("#qd-panel-body")


def label_selected(page, text: str) -> None:
    panel(page).locator('[data-prop="label"]').fill(text)


def add_to_group(group, kind: str) -> None:
    """A field of `kind`, added with the group's own button."""
    cards = group.locator(".qd-fields--group .qd-card")
    before = cards.count()
    group.locator(".qd-add select").select_option(kind)
    group.locator('[data-action="add-field"]').click()
    expect(cards).to_have_count(before + 1)


def test_a_press_held_while_the_canvas_redraws_is_not_lost(page):
    """The canvas redraws a moment after a label is typed; a press on a card's button that
    lasts across that moment (a slow tablet, a long tap) still adds the field."""
    page.set_viewport_size({"width": 1366, "height": 900})
    start(page, "Nucleo familiare")
    page.locator('#qd-kinds [data-kind="group"]').click()
    label_selected(page, "Componenti del nucleo")
    group = page.locator('#qd-steps .qd-card[data-key="componenti_del_nucleo"]')
    expect(group).to_have_count(1)  # redrawn with the label's key: nothing more is due
    group.locator(".qd-add select").select_option("text")
    button = group.locator('[data-action="add-field"]')
    button.scroll_into_view_if_needed()
    add = button.bounding_box()  # where the button is, and stays: the label typed is the same
    label_selected(page, "Componenti del nucleo")  # typed again: a redraw is due in 150 ms
    page.mouse.move(add["x"] + add["width"] / 2, add["y"] + add["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(400)  # the redraw's moment passes while the button is pressed
    page.mouse.up()
    expect(group.locator(".qd-fields--group .qd-card")).to_have_count(1)


def builder(page, name: str):
    return panel(page).locator(f'[data-logic="{name}"]')


def test_build_preview_save_and_publish_by_clicking(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    definition = start(page, "Spese per la casa")
    step = page.locator("#qd-steps .qd-step").first

    # 1. a choice field, from the palette, with two choices
    page.locator('#qd-kinds [data-kind="choice"]').click()
    label_selected(page, "Condizione abitativa")
    add_choice = panel(page).locator('[data-action="add-choice"]')
    add_choice.click()
    panel(page).locator('[data-prop="choice"]').nth(0).fill("Affitto")
    add_choice.click()
    panel(page).locator('[data-prop="choice"]').nth(1).fill("Proprietà")

    # 2. a number field dragged from the palette into the step, shown only for renters; the
    # canvas redraws shortly after typing (the preview with it): drag once it has
    expect(page.locator("#qd-preview-body")).to_contain_text("Proprietà")
    decimal = page.locator('#qd-kinds [data-kind="decimal"]')
    decimal.drag_to(step.locator(".qd-fields").first)
    try:
        expect(step.locator(".qd-card")).to_have_count(2, timeout=3000)
    except AssertionError:  # the drop landed on a list being redrawn (a loaded machine)
        decimal.drag_to(step.locator(".qd-fields").first)
    expect(step.locator(".qd-card")).to_have_count(2)
    label_selected(page, "Canone mensile")
    shown_if = builder(page, "visible_if")
    shown_if.locator('[data-ref="c:add"]').click()
    shown_if.locator('[data-ref="c.0:field"]').select_option("value|condizione_abitativa")
    shown_if.locator('[data-ref="c.0:value"]').select_option("affitto")

    # 3. a computed yearly rent, added with the step's own button (no dragging)
    step.locator(".qd-add select").last.select_option("decimal")
    step.locator('[data-action="add-field"]').last.click()
    expect(step.locator(".qd-card")).to_have_count(3)
    label_selected(page, "Canone annuo")
    computed = builder(page, "computed")
    computed.locator('[data-ref="v:kind"]').select_option("arith")
    computed.locator('[data-ref="vl:kind"]').select_option("field")
    computed.locator('[data-ref="vl:field"]').select_option("canone_mensile")
    computed.locator('[data-ref="v:arith"]').select_option("*")
    computed.locator('[data-ref="vr:kind"]').select_option("num")
    computed.locator('[data-ref="vr:num"]').fill("12")
    # the builder has taken the whole expression before another card is chosen (a loaded
    # machine may still be handling the typing)
    expect(computed.locator(".siso-cb__sentence")).to_contain_text("12")

    # 3b. the monthly rent is required only for renters: "Quando" and the builder again
    page.locator('#qd-steps .qd-card[data-key="canone_mensile"] .qd-card__select').click()
    panel(page).locator('[data-prop="required"][value="when"]').check()
    required_if = builder(page, "required_if")
    required_if.locator('[data-ref="c:add"]').click()
    required_if.locator('[data-ref="c.0:field"]').select_option("value|condizione_abitativa")
    required_if.locator('[data-ref="c.0:value"]').select_option("affitto")
    expect(required_if.locator(".siso-cb__sentence")).to_contain_text("Affitto")

    # 4. the preview runs the wizard's logic on the schema being edited
    preview = page.locator("#qd-preview-body")
    monthly = preview.locator('[data-preview="canone_mensile"]')
    expect(monthly).to_be_hidden()
    preview.get_by_label("Affitto").check()
    expect(monthly).to_be_visible()
    expect(monthly.locator('[data-required="canone_mensile"]')).not_to_be_empty()
    monthly.locator("input").fill("500")
    expect(preview.locator('[data-input="canone_annuo"]')).to_have_value("6000")
    preview.get_by_label("Proprietà").check()
    expect(monthly).to_be_hidden()
    expect(preview.locator('[data-input="canone_annuo"]')).to_have_value("")

    assert axe_violations(page) == []

    # 5. save, then publish
    revisions = Revision.objects.for_instance(definition).count()
    page.locator("#qd-save").click()
    expect(page.locator("#qd-status")).to_have_text(re.compile(r"\d\d:\d\d"))
    assert Revision.objects.for_instance(definition).count() == revisions + 1
    page.locator("#qd-publish").click()
    expect(page.locator("#qd-status")).to_have_text(re.compile(r"\b1\b"))
    expect(page.locator("#qd-errors")).to_be_hidden()

    fields = definition.versions.get().schema["steps"][0]["fields"]
    assert [f["key"] for f in fields] == ["condizione_abitativa", "canone_mensile", "canone_annuo"]
    assert [c["value"] for c in fields[0]["choices"]] == ["affitto", "proprieta"]
    assert [c["label"]["it"] for c in fields[0]["choices"]] == ["Affitto", "Proprietà"]
    renters = {"==": [{"var": "condizione_abitativa"}, "affitto"]}
    assert fields[1]["visible_if"] == renters
    assert fields[1]["required"] == renters
    assert fields[2]["computed"] == {"*": [{"var": "canone_mensile"}, 12]}
    assert fields[2]["kind"] == "decimal"


def test_phone_width_stacks_and_works_by_tapping(page):
    page.set_viewport_size({"width": 390, "height": 844})
    start(page, "Questionario dal telefono")
    palette = page.locator(".qd-palette").bounding_box()
    canvas = page.locator(".qd-canvas").bounding_box()
    side = page.locator(".qd-side").bounding_box()
    assert palette["y"] < canvas["y"] < side["y"]  # one column
    assert canvas["width"] <= 390
    page.locator('#qd-kinds [data-kind="text"]').click()
    label_selected(page, "Nome")
    page.locator('#qd-kinds [data-kind="text"]').click()
    label_selected(page, "Cognome")
    cards = page.locator("#qd-steps .qd-card")
    expect(cards.nth(1)).to_contain_text("Cognome")
    cards.nth(1).locator(".qd-card__actions button").first.click()  # "Sposta su"
    expect(cards.nth(0)).to_contain_text("Cognome")
    cards.nth(1).locator(".qd-card__select").click()  # its properties, below the steps
    expect(panel(page).locator('[data-prop="label"]')).to_be_focused()
    panel(page).locator(".qd-back").click()
    expect(cards.nth(1).locator(".qd-card__select")).to_be_focused()
    assert axe_violations(page) == []


def test_a_refused_save_writes_nothing_and_shows_the_message(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    definition = start(page, "Questionario con errori")
    page.locator('#qd-kinds [data-kind="text"]').click()
    label_selected(page, "Nome")
    page.locator('#qd-kinds [data-kind="text"]').click()
    label_selected(page, "Secondo nome")
    panel(page).locator("details.qd-advanced summary").click()
    panel(page).locator('[data-prop="key"]').fill("nome")  # the first field's key, again
    revisions = Revision.objects.for_instance(definition).count()
    definitions = FormDefinition.objects.count()

    page.locator("#qd-save").click()
    errors = page.locator("#qd-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("Secondo nome")
    expect(errors).to_contain_text("usata due volte")  # the publish check's Italian message
    beside = page.locator('#qd-steps .qd-card[data-key="nome"]').last.locator(".qd-error")
    expect(beside).to_contain_text("usata due volte")
    assert Revision.objects.for_instance(definition).count() == revisions
    assert FormDefinition.objects.count() == definitions
    assert axe_violations(page) == []


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_range_rule_and_repeatable_group_by_clicking_then_published(page, width, height):
    """A range set by typing its numbers, a validation rule built with the condition builder,
    a repeatable group previewed with one row and another added, all saved and published."""
    page.set_viewport_size({"width": width, "height": height})
    definition = start(page, f"Domanda di sostegno {width}")
    step = page.locator("#qd-steps .qd-step").first

    # 1. a range: start, end and increment typed; a wrong start is named next to the numbers
    page.locator('#qd-kinds [data-kind="range"]').click()
    label_selected(page, "Disagio percepito")
    problem = panel(page).locator('[data-problem="range"]')
    expect(problem).to_be_hidden()  # a new range starts valid
    panel(page).locator('[data-prop="start"]').fill("10")  # the end is 10 too: an empty range
    expect(problem).to_have_text(gettext("The start and the end must differ."))
    expect(panel(page).locator('[data-prop="start"]')).to_have_attribute("aria-invalid", "true")
    panel(page).locator('[data-prop="start"]').fill("1")
    panel(page).locator('[data-prop="end"]').fill("9")
    panel(page).locator('[data-prop="step"]').fill("0")
    expect(problem).to_have_text(gettext("The increment must be greater than zero."))
    panel(page).locator('[data-prop="step"]').fill("2")
    expect(problem).to_be_hidden()

    # 2. a validation rule, built by clicking: valid if the range is at least 3
    panel(page).locator('[data-action="add-rule"]').click()
    rule = panel(page).locator('[data-rule="0"]')
    condition = rule.locator('[data-logic="rule"]')
    condition.locator('[data-ref="c:add"]').click()
    condition.locator('[data-ref="c.0:field"]').select_option("value|disagio_percepito")
    condition.locator('[data-ref="c.0:cmp"]').select_option(">=")
    condition.locator('[data-ref="c.0:value"]').fill("3")
    expect(condition.locator(".siso-cb__sentence")).to_contain_text("Disagio percepito")
    rule.locator('[data-prop="rule-message"]').fill("Indicare almeno 3")

    # 3. a repeatable group with two fields, added with the group's own button
    page.locator('#qd-kinds [data-kind="group"]').click()
    label_selected(page, "Componenti del nucleo")
    group = step.locator('.qd-card[data-key="componenti_del_nucleo"]')
    add_to_group(group, "text")
    label_selected(page, "Nome")
    add_to_group(group, "integer")
    label_selected(page, "Età")
    expect(group.locator(".qd-fields--group .qd-card")).to_have_count(2)

    # 4. the preview: the range's slider, the group with one row, then "Aggiungi una riga"
    preview = page.locator("#qd-preview-body")
    slider = preview.locator('[data-input="disagio_percepito"]')
    expect(slider).to_have_attribute("min", "1")
    expect(slider).to_have_attribute("max", "9")
    expect(slider).to_have_attribute("step", "2")
    shown = preview.locator('[data-preview="componenti_del_nucleo"]')
    rows = shown.locator("[data-row]")
    expect(rows).to_have_count(1)
    expect(rows.first.locator('[data-input="nome"]')).to_be_visible()
    expect(rows.first.locator('[data-input="eta"]')).to_be_visible()
    shown.locator('[data-action="add-row"]').click()
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator('[data-input="nome"]')).to_be_focused()
    rows.nth(1).locator('[data-input="nome"]').fill("Anna")
    expect(rows.nth(1)).to_contain_text(gettext("Row %(number)s") % {"number": 2})

    assert axe_violations(page) == []

    # 5. save and publish: the version holds what was set
    page.locator("#qd-save").click()
    expect(page.locator("#qd-status")).to_have_text(re.compile(r"\d\d:\d\d"))
    page.locator("#qd-publish").click()
    expect(page.locator("#qd-status")).to_have_text(re.compile(r"\b1\b"))
    expect(page.locator("#qd-errors")).to_be_hidden()

    fields = definition.versions.get().schema["steps"][0]["fields"]
    assert [f["key"] for f in fields] == ["disagio_percepito", "componenti_del_nucleo"]
    scale = fields[0]
    assert scale["kind"] == "range"
    assert (scale["start"], scale["end"], scale["step"]) == (1, 9, 2)
    assert scale["validations"]["rules"] == [
        {
            "rule": {">=": [{"var": "disagio_percepito"}, 3]},
            "message": {"it": "Indicare almeno 3", "en": ""},
        }
    ]
    assert fields[1]["kind"] == "group"
    assert [(f["key"], f["kind"]) for f in fields[1]["fields"]] == [
        ("nome", "text"),
        ("eta", "integer"),
    ]


def test_every_kind_of_the_palette_is_added_saved_and_published(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    definition = start(page, "Tutti i tipi di campo")
    kinds = page.locator("#qd-kinds [data-kind]").evaluate_all(
        "(buttons) => buttons.map((b) => b.dataset.kind)"
    )
    kinds.remove("group")
    for kind in [*kinds, "group"]:  # the group last: what follows a group's field goes in it
        page.locator(f'#qd-kinds [data-kind="{kind}"]').click()
        if kind in ("choice", "multichoice", "rank"):
            panel(page).locator('[data-action="add-choice"]').click()
            panel(page).locator('[data-prop="choice"]').last.fill("Prima")
    group = page.locator('#qd-steps .qd-card[data-key="gruppo_ripetibile"]')
    group.locator(".qd-add select").select_option("text")
    group.locator('[data-action="add-field"]').click()
    page.locator("#qd-save").click()
    expect(page.locator("#qd-status")).to_have_text(re.compile(r"\d\d:\d\d"))
    page.locator("#qd-publish").click()
    expect(page.locator("#qd-status")).to_have_text(re.compile(r"\b1\b"))
    expect(page.locator("#qd-errors")).to_be_hidden()
    fields = definition.versions.get().schema["steps"][0]["fields"]
    assert [f["kind"] for f in fields] == [*kinds, "group"]


def test_a_cascading_select_and_other_are_set_by_clicking_and_previewed(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    definition = start(page, "Residenza e servizi")
    add_choice = panel(page).locator('[data-action="add-choice"]')

    page.locator('#qd-kinds [data-kind="choice"]').click()
    label_selected(page, "Provincia")
    for index, name in enumerate(["Perugia", "Terni"]):
        add_choice.click()
        panel(page).locator('[data-prop="choice"]').nth(index).fill(name)
    page.locator('#qd-kinds [data-kind="choice"]').click()
    label_selected(page, "Comune")
    for index, name in enumerate(["Assisi", "Narni"]):
        add_choice.click()
        panel(page).locator('[data-prop="choice"]').nth(index).fill(name)

    # the towns depend on the province: each says with which province it is offered
    panel(page).locator('[data-prop="choice_filter"]').select_option("provincia")
    parents = panel(page).locator('[data-prop="choice-parent"]')
    expect(parents).to_have_count(2)
    never = gettext("This choice is never offered: pick the answer it goes with.")
    expect(panel(page).get_by_text(never).first).to_be_visible()
    parents.nth(0).select_option("perugia")
    parents.nth(1).select_option("terni")
    expect(panel(page).get_by_text(never)).to_have_count(2)
    expect(panel(page).get_by_text(never).first).to_be_hidden()
    expect(panel(page).locator('[data-prop="or_other"]')).to_have_count(0)

    # a multiple choice with "Altro" and a box to write it in
    page.locator('#qd-kinds [data-kind="multichoice"]').click()
    label_selected(page, "Servizi richiesti")
    add_choice.click()
    panel(page).locator('[data-prop="choice"]').first.fill("Mensa")
    panel(page).locator('[data-prop="or_other"]').check()

    preview = page.locator("#qd-preview-body")
    towns = preview.locator('[data-preview="comune"]')
    preview.get_by_label("Perugia").check()
    expect(towns.get_by_label("Assisi")).to_be_visible()
    expect(towns.get_by_label("Narni")).to_be_hidden()
    preview.get_by_label("Terni").check()
    expect(towns.get_by_label("Assisi")).to_be_hidden()
    expect(towns.get_by_label("Narni")).to_be_visible()
    services = preview.locator('[data-preview="servizi_richiesti"]')
    other_text = services.locator('[data-input="servizi_richiesti_other"]')
    expect(other_text).to_be_hidden()
    services.get_by_label("Altro", exact=True).check()
    expect(other_text).to_be_visible()

    assert axe_violations(page) == []

    page.locator("#qd-save").click()
    expect(page.locator("#qd-status")).to_have_text(re.compile(r"\d\d:\d\d"))
    page.locator("#qd-publish").click()
    expect(page.locator("#qd-status")).to_have_text(re.compile(r"\b1\b"))
    fields = definition.versions.get().schema["steps"][0]["fields"]
    town = fields[1]
    assert town["choice_filter"] == {"==": [{"var": "choice.provincia"}, {"var": "provincia"}]}
    assert [c["columns"] for c in town["choices"]] == [
        {"provincia": "perugia"},
        {"provincia": "terni"},
    ]
    assert fields[2]["or_other"] is True
    assert [f["key"] for f in fields] == [
        "provincia",
        "comune",
        "servizi_richiesti",
        "servizi_richiesti_other",
    ]
