"""A zone variant keeps its template link through every save, shows how it differs from the
template side by side, and takes in the template's new version by a three-way merge whose
conflicts are decided by the zone, never overwritten (issue 20)."""

import re

import pytest
from django.urls import reverse

from forms.host import host
from forms.models import FormDefinition
from forms.publishing import current, import_definition, publish
from siso_platform.accounts.models import Organisation, Role

from .admin_post import definition_post_data

EDIT = "wagtailsnippets_forms_formdefinition:edit"
LIST = "wagtailsnippets_forms_formdefinition:list"
LAST_NAME = "body-0-value-fields-2-value-label_it"
FIRST_NAME_HELP = "body-0-value-fields-3-value-help_it"


@pytest.fixture
def zone_admin(make_member):
    return make_member(Role.ZONE_ADMIN, zone_number=2)


@pytest.fixture
def variant(client, zone_admin, intake, zone_org):
    client.force_login(zone_admin)
    # the zone is all the administrator chooses: the variant's slug is written for them
    response = client.post(reverse("forms_admin:variant", args=[intake.pk]), {"owner": zone_org.pk})
    assert response.status_code == 302
    return FormDefinition.objects.get(based_on=intake, owner=zone_org)


def save_in_editor(client, definition, **changes):
    """What the editor's "Save draft" sends: the page as rendered, with `changes` typed in."""
    url = reverse(EDIT, args=[definition.pk])
    page = client.get(url)
    assert page.status_code == 200
    based_on = re.search(r'name="based_on"[^>]*value="(\d*)"', page.content.decode())
    data = definition_post_data(current(definition), based_on=based_on[1] if based_on else "")
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    definition.refresh_from_db()
    return definition


def publish_template_v2(intake):
    schema = intake.schema
    fields = schema["steps"][0]["fields"]
    fields[2]["label"]["it"] = "Cognome (come da documento)"  # the variant changes it too
    eviction = next(f for f in schema["steps"][1]["fields"] if f["key"] == "eviction")
    eviction["label"]["it"] = "Sfratto esecutivo"  # only the template changes it
    import_definition({"slug": intake.slug, "schema": schema}, owner=intake.owner)
    intake.refresh_from_db()
    return publish(intake)


def test_a_variant_keeps_its_template_link_through_three_editor_saves(client, variant, intake):
    v1 = intake.latest_version
    for number, changes in enumerate(
        [
            {LAST_NAME: "Cognome (zona)"},
            {FIRST_NAME_HELP: "Come da documento"},
            {"description": "Adattata per la zona 2"},
        ],
        start=1,
    ):
        save_in_editor(client, variant, **changes)
        assert variant.based_on == intake, f"save {number} cut the link"
        assert variant.based_on_version == v1
        assert variant.latest_revision.as_object().based_on_version == v1
    assert variant.revisions.count() == 4  # created, then three saves
    assert variant.schema["steps"][0]["fields"][2]["label"]["it"] == "Cognome (zona)"


def test_the_differences_page_shows_the_variant_beside_the_template_by_label(
    english_client, variant, intake
):
    client = english_client
    save_in_editor(client, variant, **{LAST_NAME: "Cognome (zona)"})
    response = client.get(reverse("forms_admin:differences", args=[variant.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Differences from the template" in page
    (row,) = response.context["rows"]
    assert (row.name, row.change_label) == ("Cognome (zona)", "field changed")
    assert row.details == [("label", "Cognome", "Cognome (zona)")]
    assert "last_name" not in re.sub(r"<[^>]*>", "", page)  # named by its label, not its key
    # the editor's header leads there
    editor = client.get(reverse(EDIT, args=[variant.pk])).content.decode()
    assert reverse("forms_admin:differences", args=[variant.pk]) in editor
    assert reverse("forms_admin:merge", args=[variant.pk]) not in editor  # nothing to merge


def test_the_variant_pages_are_the_owners_only(client, make_member, variant, intake):
    pages = [
        reverse("forms_admin:differences", args=[variant.pk]),
        reverse("forms_admin:merge", args=[variant.pk]),
    ]
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=3))
    for url in pages:
        assert client.get(url).status_code == 404
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    for url in pages:
        assert client.get(url).status_code == 404
    # the region edits its own definitions, not the zones' (as in the editor)
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    assert client.get(pages[0]).status_code == 404
    # a template is no variant
    assert client.get(reverse("forms_admin:differences", args=[intake.pk])).status_code == 404


def test_the_merge_combines_both_sides_and_asks_about_the_conflict(english_client, variant, intake):
    client = english_client
    save_in_editor(client, variant, **{LAST_NAME: "Cognome (zona)"})
    save_in_editor(client, variant, **{FIRST_NAME_HELP: "Come da documento"})
    v2 = publish_template_v2(intake)
    variant.refresh_from_db()
    assert variant.template_update == v2
    editor = client.get(reverse(EDIT, args=[variant.pk])).content.decode()
    merge_url = reverse("forms_admin:merge", args=[variant.pk])
    assert merge_url in editor and "Update from the new template" in editor

    response = client.get(merge_url)
    assert response.status_code == 200
    page = response.content.decode()
    [conflict] = response.context["conflicts"]
    assert conflict["id"] == "field:last_name"
    assert conflict["details"] == [("label", "Cognome (come da documento)", "Cognome (zona)")]
    assert "Keep the variant" in page and "Take the template" in page
    assert [row.name for row in response.context["template_rows"]] == [
        "Cognome (come da documento)",
        "Sfratto esecutivo",
    ]
    assert {row.name for row in response.context["variant_rows"]} == {"Cognome (zona)", "Nome"}

    # no choice made: refused, nothing saved
    revisions = variant.revisions.count()
    data = {"revision": variant.latest_revision.pk, "version": v2.pk}
    response = client.post(merge_url, data)
    assert response.status_code == 400
    assert "Choose, for each conflict" in response.content.decode()
    assert variant.revisions.count() == revisions

    response = client.post(merge_url, {**data, "choice-field:last_name": "theirs"})
    assert response.status_code == 302
    assert response["Location"] == reverse(EDIT, args=[variant.pk])
    variant.refresh_from_db()
    assert variant.revisions.count() == revisions + 1
    assert variant.based_on_version == v2 and variant.template_update is None
    merged = current(variant).schema
    fields = {f["key"]: f for step in merged["steps"] for f in step["fields"]}
    assert fields["last_name"]["label"]["it"] == "Cognome (come da documento)"  # chosen
    assert fields["eviction"]["label"]["it"] == "Sfratto esecutivo"  # the template's
    assert fields["first_name"]["help"]["it"] == "Come da documento"  # the variant's
    assert merged["slug"] == variant.slug
    # the next save in the editor keeps the new version it is based on
    save_in_editor(client, variant, description="Dopo l'aggiornamento")
    assert variant.based_on_version == v2 and variant.based_on == intake


def test_keeping_the_variant_keeps_its_change(client, variant, intake):
    save_in_editor(client, variant, **{LAST_NAME: "Cognome (zona)"})
    v2 = publish_template_v2(intake)
    merge_url = reverse("forms_admin:merge", args=[variant.pk])
    variant.refresh_from_db()
    data = {"revision": variant.latest_revision.pk, "version": v2.pk}
    assert client.post(merge_url, {**data, "choice-field:last_name": "ours"}).status_code == 302
    fields = current(variant).schema["steps"][0]["fields"]
    assert fields[2]["label"]["it"] == "Cognome (zona)"


def test_a_merge_over_a_newer_save_is_refused(client, variant, intake):
    v2 = publish_template_v2(intake)
    variant.refresh_from_db()
    stale = variant.latest_revision.pk
    save_in_editor(client, variant, **{LAST_NAME: "Cognome (zona)"})
    response = client.post(
        reverse("forms_admin:merge", args=[variant.pk]),
        {"revision": stale, "version": v2.pk, "choice-field:last_name": "theirs"},
    )
    assert response.status_code == 400
    variant.refresh_from_db()
    assert variant.based_on_version != v2


def test_create_a_zone_variant_is_a_visible_row_and_header_action(
    english_client, make_member, zone_admin, intake, variant, zone_org
):
    client = english_client
    variant_url = reverse("forms_admin:variant", args=[intake.pk])
    client.force_login(zone_admin)
    listing = client.get(reverse(LIST)).content.decode()
    # a button of its own in the template's row, not an entry of the "…" menu
    assert re.search(
        rf'<a[^>]*href="{re.escape(variant_url)}"[^>]*class="[^"]*button[^"]*"', listing
    ) or re.search(rf'<a[^>]*class="[^"]*button[^"]*"[^>]*href="{re.escape(variant_url)}"', listing)
    assert reverse("forms_admin:differences", args=[variant.pk]) in listing
    assert reverse("forms_admin:variant", args=[variant.pk]) not in listing
    # the regional administrator sees it on the template's edit header, choosing the owner
    region_admin = make_member(Role.REGIONAL_ADMIN)
    client.force_login(region_admin)
    editor = client.get(reverse(EDIT, args=[intake.pk])).content.decode()
    assert variant_url in editor and "Create a zone variant" in editor
    form = client.get(variant_url).context["form"]
    owners = form.fields["owner"].queryset
    assert zone_org in owners and set(host().owners_for(region_admin)) <= set(owners)
    # the region prepares zone 3's variant; zone 3's administrators take it on
    zone3 = Organisation.objects.get(zone__number=3)
    response = client.post(variant_url, {"owner": zone3.pk, "slug": "scheda-accesso-zona-3"})
    assert response["Location"] == reverse(LIST)
    prepared = FormDefinition.objects.get(slug="scheda-accesso-zona-3")
    assert prepared.owner == zone3 and prepared.based_on == intake
    assert prepared.based_on_version == intake.latest_version
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=3))
    assert client.get(reverse(EDIT, args=[prepared.pk])).status_code == 200
    # an operator is offered nothing
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    assert variant_url not in client.get(reverse(LIST)).content.decode()
