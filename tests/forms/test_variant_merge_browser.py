"""Issue 20's acceptance in a real browser, at phone and desktop widths: a zone administrator
creates a variant from the template's row, saves it three times in wagtail's editor and keeps
the template link; after the region publishes version 2 the merge page shows the template's
changes and a conflict on the field both changed; choosing resolves it and saves a draft."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from forms.models import FormDefinition
from forms.publishing import current, import_definition, publish
from siso_platform.accounts.models import Role
from tests.browser import axe_violations

pytestmark = pytest.mark.django_db

LAST_NAME = "#body-0-value-fields-1-value-label_it"


def small_schema():
    """A short template (the intake's editor is a very long page, slow to drive)."""

    def text(key, label):
        return {"key": key, "kind": "text", "label": {"it": label, "en": label}}

    return {
        "slug": "colloquio",
        "title": {"it": "Colloquio", "en": "Interview"},
        "steps": [
            {
                "key": "persona",
                "title": {"it": "La persona", "en": "The person"},
                "fields": [text("first_name", "Nome"), text("last_name", "Cognome")],
            },
            {
                "key": "casa",
                "title": {"it": "Abitazione", "en": "Housing"},
                "fields": [text("eviction", "Sfratto")],
            },
        ],
    }


@pytest.fixture
def template(region_org):
    definition = import_definition(
        {"slug": "colloquio", "title": {"it": "Colloquio"}, "schema": small_schema()},
        owner=region_org,
    )
    publish(definition)
    return definition


def save_draft(page):
    # wagtail's "Save draft" is the editor's first action button
    page.locator('#w-editor-form button[type="submit"]:not([name])').first.click()
    page.wait_for_load_state("load")


def publish_template_v2(intake):
    schema = intake.schema
    schema["steps"][0]["fields"][1]["label"]["it"] = "Cognome (come da documento)"
    schema["steps"][1]["fields"][0]["label"]["it"] = "Sfratto esecutivo"
    import_definition({"slug": intake.slug, "schema": schema}, owner=intake.owner)
    intake.refresh_from_db()
    return publish(intake)


@pytest.mark.parametrize("width", [1366, 390])
def test_variant_keeps_its_link_and_merges_the_templates_new_version(
    open_page, client, make_member, template, zone_org, width
):
    intake = template
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    page = open_page(client)
    page.set_default_timeout(60000)  # the intake's editor is a long page (issue 20)
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})

    # "Crea una variante di zona": a button in the template's row, not inside the "…" menu
    page.goto(reverse("wagtailsnippets_forms_formdefinition:list"))
    variant_url = reverse("forms_admin:variant", args=[intake.pk])
    create = page.locator(f'a.button[href="{variant_url}"]')
    expect(create).to_be_visible()
    assert axe_violations(page) == []
    create.click()
    expect(page.locator("#id_slug")).to_be_hidden()  # the zone is all there is to choose
    assert axe_violations(page) == []
    page.locator("#id_owner").select_option(str(zone_org.pk))
    page.locator(".nice-padding form button[type=submit]").click()
    expect(page.locator("#id_description")).to_be_visible(timeout=60000)
    variant = FormDefinition.objects.get(based_on=intake, owner=zone_org)
    v1 = intake.latest_version

    # three saves in the editor, the first changing the surname's label
    page.locator(LAST_NAME).fill("Cognome (zona)")
    for number, description in enumerate(["Zona 2", "Zona 2, rivista", "Zona 2, finale"], 1):
        page.locator("#id_description").fill(description)
        save_draft(page)
        expect(page.locator("#id_description")).to_have_value(description, timeout=60000)
        variant.refresh_from_db()
        assert variant.based_on == intake, f"save {number} cut the template link"
        assert variant.based_on_version == v1
    assert current(variant).schema["steps"][0]["fields"][1]["label"]["it"] == "Cognome (zona)"

    # the differences, by label, side by side
    page.goto(reverse("forms_admin:differences", args=[variant.pk]))
    expect(page.locator("table").first).to_contain_text("Cognome (zona)")
    assert axe_violations(page) == []

    # the region publishes version 2: the editor offers the update
    v2 = publish_template_v2(intake)
    page.goto(reverse("wagtailsnippets_forms_formdefinition:edit", args=[variant.pk]))
    merge_url = reverse("forms_admin:merge", args=[variant.pk])
    update = page.locator(f'a[href="{merge_url}"]').first
    if not update.is_visible():  # narrow screens fold the header's buttons into a menu
        page.locator("header [aria-haspopup], header .w-dropdown__toggle").first.click()
    update.click()

    conflict = page.locator('[data-conflict="field:last_name"]')
    expect(conflict).to_contain_text("Cognome (come da documento)")
    expect(conflict).to_contain_text("Cognome (zona)")
    expect(page.locator("body")).to_contain_text("Sfratto esecutivo")  # the template's change
    assert axe_violations(page) == []
    conflict.locator('input[value="theirs"]').check()
    page.locator(".nice-padding form button[type=submit]").click()
    expect(page.locator("#id_description")).to_be_visible(timeout=60000)

    variant.refresh_from_db()
    assert variant.based_on_version == v2 and variant.based_on == intake
    fields = {f["key"]: f for s in current(variant).schema["steps"] for f in s["fields"]}
    assert fields["last_name"]["label"]["it"] == "Cognome (come da documento)"
    assert fields["eviction"]["label"]["it"] == "Sfratto esecutivo"
    assert variant.template_update is None
