"""The procedure designer without a mouse (WCAG 2.1.1): a regional administrator builds a
procedure of three tasks and a decision with the keyboard only — Tab, Shift+Tab, Enter, Space
and the arrow keys through `page.keyboard` — from the list of the diagram's elements and the
side panel, saves and publishes it; the published version has those steps and the decision.
Nothing is clicked and the page is only read with `evaluate`, never changed through it."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from siso_platform.accounts.models import Role
from tests.browser import axe_violations
from workflows.bpmn import deadline_id
from workflows.models import WorkflowDefinition

from .conftest import make_definition
from .test_designer import STEPS

PANEL = "#designer-panel"
LIST = "#designer-elements"


@pytest.fixture
def admin_client(client, make_member):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    return client


def focused(page, locator) -> bool:
    return locator.evaluate("node => node === document.activeElement")


def tab_to(page, locator, *, backwards=False, limit=150):
    """Press Tab (or Shift+Tab) until `locator` has the focus: it is reachable by keyboard."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if focused(page, locator):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} is not reached with {key}")


def choose(page, control, value, limit=60):
    """A select's option chosen with the arrow keys (the select has the focus)."""
    assert focused(page, control)
    page.keyboard.press("Home")
    for _ in range(limit):
        if control.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} is not an option of {control}")


def panel_field(page, name):
    return page.locator(f'{PANEL} [name="{name}"]')


def current(page) -> str:
    """The key of the element selected, as the list marks it."""
    return page.locator(f"{LIST} [aria-current=true]").get_attribute("data-element-id")


def listed(page) -> list[str]:
    return page.eval_on_selector_all(
        f"{LIST} button[data-element-id]", "nodes => nodes.map(n => n.dataset.elementId)"
    )


def pick(page, key):
    """Select `key` from the list: Shift+Tab to the list's one stop, arrows to it, Enter."""
    stop = page.locator(f'{LIST} button[tabindex="0"]')
    tab_to(page, stop, backwards=True)
    keys = listed(page)
    at = keys.index(stop.get_attribute("data-element-id"))
    to = keys.index(key)
    for _ in range(abs(to - at)):
        page.keyboard.press("ArrowDown" if to > at else "ArrowUp")
    assert focused(page, page.locator(f'{LIST} button[data-element-id="{key}"]'))
    page.keyboard.press("Enter")
    assert current(page) == key
    expect(page.locator(f"{PANEL} .siso-designer__kind")).to_be_visible()


def append(page, what, name=None):
    """From the selected element's panel, add a step after it; its key. The focus is then in
    the new step's name, typed there."""
    before = current(page)
    tab_to(page, page.locator(f'{PANEL} [data-designer-append="{what}"]'))
    page.keyboard.press("Enter")
    added = current(page)
    assert added and added != before and added in listed(page)
    assert focused(page, panel_field(page, "name"))
    if name:
        page.keyboard.type(name)
        page.keyboard.press("Tab")
        expect(page.locator(f'{LIST} button[data-element-id="{added}"]')).to_contain_text(name)
    return added


def set_role(page, role):
    tab_to(page, panel_field(page, "role"))
    choose(page, panel_field(page, "role"), role)


@pytest.mark.parametrize("width", [390, 1366])
def test_a_procedure_with_a_decision_is_built_with_the_keyboard_only(
    open_page, admin_client, width
):
    page = open_page(admin_client)
    page.set_viewport_size({"width": width, "height": 900})
    title = f"Contributo da tastiera {width}"

    # A new procedure: its name, then Enter.
    page.goto(reverse("workflows_admin:designer_new"))
    tab_to(page, page.locator("#id_title"))
    page.keyboard.type(title)
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-designer-ready]", state="attached")
    definition = WorkflowDefinition.objects.get(title=title)

    # The palette's entries are buttons; the list holds the start.
    palette = page.locator('.djs-palette button.entry[data-action="siso.create.user"]')
    expect(palette).to_have_count(1)
    (start,) = listed(page)
    tab_to(page, page.locator(f'{LIST} button[data-element-id="{start}"]'))
    page.keyboard.press("Enter")
    expect(page.locator(f"{PANEL} .siso-designer__kind")).to_have_text(
        gettext("Start of the procedure")
    )

    # start → check (a role, 5 working days) → decision → grant | more → end
    check = append(page, "user", "Istruttoria della domanda")
    set_role(page, "social_worker")
    tab_to(page, panel_field(page, "deadline-amount"))
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    choose(page, panel_field(page, "deadline-unit"), "working_days")
    page.keyboard.press("Tab")
    expect(page.locator(f'.djs-shape[data-element-id="{deadline_id(check)}"]')).to_be_attached()

    decision = append(page, "exclusive", "Esito")
    grant = append(page, "user", "Concessione")
    set_role(page, "zone_admin")
    pick(page, decision)
    more = append(page, "user", "Integrazioni")
    set_role(page, "social_worker")
    pick(page, grant)
    end = append(page, "end", "Fine")
    # the arrow from the second task to the end: "Connect to…"
    pick(page, more)
    tab_to(page, panel_field(page, "connect_to"))
    choose(page, panel_field(page, "connect_to"), end)
    page.keyboard.press("Tab")
    assert focused(page, page.locator(f"{PANEL} [data-designer-connect]"))
    page.keyboard.press("Enter")
    expect(page.locator("#designer-status")).to_contain_text("Fine")
    arrow = page.locator(f"{PANEL} button[data-flow-id]")
    expect(arrow).to_have_count(1)
    assert focused(page, arrow)  # the new arrow, ready to be followed

    # The list follows the flow.
    assert listed(page) == [start, check, decision, grant, more, end]

    # The decision's arrows: "approved" to the grant, otherwise more documents.
    pick(page, decision)
    to_grant = page.locator(f"{PANEL} button[data-flow-id]", has_text="Concessione")
    tab_to(page, to_grant)
    page.keyboard.press("Enter")
    expect(page.locator(f"{PANEL} .siso-designer__kind")).to_have_text(gettext("Arrow"))
    builder = page.locator(f"{PANEL} .siso-designer__condition")
    tab_to(page, builder.locator('[data-ref="c:add"]'))
    page.keyboard.press("Enter")
    field = builder.locator('[data-ref="c.0:field"]')
    tab_to(page, field)
    choose(page, field, f"value|{check}.approved")
    value = builder.locator('[data-ref="c.0:value"]')
    tab_to(page, value)
    choose(page, value, "true")
    page.keyboard.press("Tab")
    tab_to(page, page.locator(f"{PANEL} [data-designer-back]"))
    page.keyboard.press("Enter")
    assert current(page) == decision
    to_more = page.locator(f"{PANEL} button[data-flow-id]", has_text="Integrazioni")
    tab_to(page, to_more)
    page.keyboard.press("Enter")
    tab_to(page, panel_field(page, "otherwise"))
    page.keyboard.press("Space")
    expect(panel_field(page, "otherwise")).to_be_checked()

    assert axe_violations(page) == []

    # Saved, then published, from the toolbar above.
    tab_to(page, page.locator("[data-designer-save]"), backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator("#designer-status")).to_have_text(gettext("Draft saved."))
    page.keyboard.press("Tab")
    assert focused(page, page.locator("[data-designer-publish]"))
    page.keyboard.press("Enter")
    expect(page.locator("#designer-status")).to_contain_text("1")

    definition.refresh_from_db()
    assert definition.live
    graph = definition.versions.get().graph
    steps = {step["key"]: step for step in graph["steps"]}
    assert [steps[key]["kind"] for key in (check, decision, grant, more, end)] == [
        "task", "decision", "task", "task", "end",
    ]  # fmt: skip
    assert steps[check]["title"]["it"] == "Istruttoria della domanda"
    assert steps[check]["assignee"] == {"rule": "role", "role": "social_worker", "within": "zone"}
    assert steps[check]["deadline"]["duration"] == "P5D"
    assert steps[check]["deadline"]["working_days"] is True
    assert steps[check]["next"] == decision
    (branch,) = steps[decision]["branches"]
    assert branch["next"] == grant
    assert branch["when"] == {"==": [{"var": f"{check}.approved"}, True]}
    assert steps[decision]["default"] == more
    assert steps[grant]["next"] == end and steps[more]["next"] == end
    assert steps[grant]["assignee"]["role"] == "zone_admin"
    assert axe_violations(page) == []


def test_the_palette_adds_and_the_panel_removes_with_the_keyboard(open_page, admin_client):
    definition = make_definition(STEPS, slug="domanda", title="Domanda")
    page = open_page(admin_client)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(reverse("workflows_admin:designer", args=[definition.pk]))
    page.wait_for_selector("body[data-designer-ready]", state="attached")
    before = listed(page)

    # The wait's palette button, with Enter, puts a wait after the selected step.
    first = page.locator(f'{LIST} button[tabindex="0"]')
    tab_to(page, first)
    page.keyboard.press("Enter")
    source = current(page)
    tab_to(
        page, page.locator('.djs-palette button[data-action="siso.create.timer"]'), backwards=True
    )
    page.keyboard.press("Enter")
    wait = current(page)
    assert wait not in before and wait.startswith("attesa_")
    assert focused(page, panel_field(page, "name"))
    expect(page.locator(f"{PANEL} .siso-designer__kind")).to_have_text(gettext("Wait"))
    assert page.locator(".djs-direct-editing-parent:visible").count() == 0  # named in the panel
    # it follows the step that was selected: an arrow from it, so after it in the list
    assert listed(page).index(wait) > listed(page).index(source)
    pick(page, source)
    expect(page.locator(f"{PANEL} button[data-flow-id]", has_text=wait)).to_have_count(1)
    pick(page, wait)
    tab_to(page, page.locator(f"{PANEL} [data-designer-remove]"))
    page.keyboard.press("Enter")
    assert wait not in listed(page)
    expect(page.locator("#designer-status")).to_contain_text(gettext("Removed: %(name)s.")[:5])
    assert page.evaluate("document.activeElement.dataset.elementId") in listed(page)

    # bpmn-js's own keys on the focused diagram: Ctrl+Z brings the wait back, in the list too.
    tab_to(page, page.locator('#designer-canvas svg[tabindex="0"]'), backwards=True)
    page.keyboard.press("Control+z")
    expect(page.locator(f'{LIST} button[data-element-id="{wait}"]')).to_have_count(1)
    page.keyboard.press("Control+y")
    expect(page.locator(f'{LIST} button[data-element-id="{wait}"]')).to_have_count(0)

    # The small menu beside the selected step is made of buttons as well.
    pad = page.locator('.djs-context-pad button[data-action="siso.append.exclusive"]')
    expect(pad).to_have_count(0)  # nothing selected any more
    tab_to(page, page.locator(f'{LIST} button[tabindex="0"]'))
    page.keyboard.press("Enter")
    expect(pad).to_be_visible()
    expect(page.locator(f'{PANEL} [data-designer-append="exclusive"]')).to_have_text(
        pgettext("add after a step", "Decision")
    )
