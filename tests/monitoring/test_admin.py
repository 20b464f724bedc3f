"""The programmes and indicators admin over HTTP: publishing with the rule checks, versions,
who may edit what, export and import."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from siso_platform.accounts.models import Organisation, Role
from siso_platform.casework.models import CatalogueItem, NeedCategory
from siso_platform.monitoring import publishing
from siso_platform.monitoring.models import Indicator, Programme, ProgrammeVersion
from siso_platform.monitoring.rules import unknown_names

ADD_URL = "wagtailsnippets_monitoring_programme:add"
EDIT_URL = "wagtailsnippets_monitoring_programme:edit"
PUBLISH = {"action-publish": "action-publish"}
RULE = {"<=": [{"var": "isee"}, 15000]}


@pytest.fixture
def regional_admin(make_member):
    return make_member(Role.REGIONAL_ADMIN)


@pytest.fixture
def zone_admin(make_member):
    return make_member(Role.ZONE_ADMIN, zone_number=2)


@pytest.fixture
def zone_org(db):
    return Organisation.objects.get(zone__number=2)


def programme_post_data(owner, rule=RULE, **fields) -> dict:
    """The add or edit form of a programme; `fields` add or override."""
    data = {
        "title": "Contributo affitto",
        "slug": "contributo-affitto",
        "owner": owner.pk,
        "description": "",
        "item": CatalogueItem.objects.get(code="E1.02").pk,
        "starts_on": "2026-01-01",
        "ends_on": "",
        "rule": json.dumps(rule),
    }
    data.update(fields)
    return data


def assert_refused(response):
    """wagtail's admin answers a PermissionDenied with its dashboard and an error message."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def rule_errors(response) -> list[str]:
    return response.context["form"].errors.get("rule", [])


def test_a_regional_admin_publishes_a_programme_and_each_publish_is_a_version(
    client, regional_admin, region_org
):
    client.force_login(regional_admin)
    assert client.get(reverse(ADD_URL)).status_code == 200
    response = client.post(reverse(ADD_URL), programme_post_data(region_org, **PUBLISH))
    assert response.status_code == 302, response.content.decode()[:3000]
    programme = Programme.objects.get(slug="contributo-affitto")
    assert programme.live and programme.owner == region_org
    first = ProgrammeVersion.objects.get(definition=programme)
    assert first.number == 1
    assert first.rule == RULE
    assert first.published_by == regional_admin

    changed = {"<=": [{"var": "isee"}, 20000]}
    response = client.post(
        reverse(EDIT_URL, args=[programme.pk]),
        programme_post_data(region_org, changed, **PUBLISH),
    )
    assert response.status_code == 302
    assert [v.number for v in programme.versions.order_by("number")] == [1, 2]
    assert programme.versions.get(number=2).rule == changed
    first.refresh_from_db()
    assert first.rule == RULE  # the frozen version is untouched


def test_a_rule_that_is_not_json_logic_is_refused_on_the_rule_field(
    english_client, regional_admin, region_org
):
    client = english_client
    client.force_login(regional_admin)
    response = client.post(reverse(ADD_URL), programme_post_data(region_org, {"foo": 1}, **PUBLISH))
    assert response.status_code == 200  # the editor again, with the error
    (error,) = rule_errors(response)
    assert "not valid JSON Logic" in error and 'unknown operation "foo"' in error
    assert not Programme.objects.exists()
    assert not ProgrammeVersion.objects.exists()


def test_a_rule_reading_a_name_the_fact_sheet_lacks_is_refused_naming_it(
    english_client, regional_admin, region_org
):
    client = english_client
    client.force_login(regional_admin)
    typo = {"<=": [{"var": "isse"}, 15000]}
    response = client.post(reverse(ADD_URL), programme_post_data(region_org, typo, **PUBLISH))
    assert response.status_code == 200
    (error,) = rule_errors(response)
    assert "“isse”" in error and "is not a name of the household fact sheet" in error
    assert "The rule cannot be published" in response.content.decode()
    assert not ProgrammeVersion.objects.exists()

    # A draft may still hold it (the check is on publishing); fixed, it publishes.
    response = client.post(reverse(ADD_URL), programme_post_data(region_org, typo))
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert not programme.live and not programme.versions.exists()
    response = client.post(
        reverse(EDIT_URL, args=[programme.pk]), programme_post_data(region_org, **PUBLISH)
    )
    assert response.status_code == 302
    assert programme.versions.get().number == 1


def test_unknown_names_knows_the_fact_sheet():
    assert unknown_names(RULE) == []
    assert unknown_names({"var": "isse"}) == ["isse"]
    # members.N stands for any member; item scopes read the items, not the sheet
    assert unknown_names({">=": [{"var": "members.0.age"}, 65]}) == []
    assert unknown_names({"var": "members.0.agee"}) == ["members.0.agee"]
    assert unknown_names({"some": [{"var": "members"}, {"var": "whatever"}]}) == []
    # inside documented objects and list items, keys are described only in words
    assert unknown_names({"var": "income.total"}) == []
    assert unknown_names({"var": "rentals.0.yearly_rent"}) == []
    assert unknown_names({"var": "household.zona"}) == ["household.zona"]
    assert unknown_names({"missing": ["isee", "sizee"]}) == ["sizee"]


def test_a_zone_admin_edits_only_the_programmes_of_the_zone(
    client, zone_admin, region_org, zone_org
):
    regional = publishing.save(
        {
            "format": publishing.EXPORT_FORMAT,
            "kind": "programme",
            "slug": "regionale",
            "title": "Regionale",
            "item": "E1.02",
            "starts_on": "2026-01-01",
            "rule": RULE,
        },
        owner=region_org,
        publish_now=True,
    )
    client.force_login(zone_admin)
    assert_refused(client.get(reverse(EDIT_URL, args=[regional.pk])))
    response = client.post(
        reverse(EDIT_URL, args=[regional.pk]),
        programme_post_data(region_org, {"var": "size"}, slug="regionale", **PUBLISH),
    )
    assert_refused(response)
    assert regional.versions.get().rule == RULE

    form = client.get(reverse(ADD_URL)).context["form"]
    assert list(form.fields["owner"].queryset) == [zone_org]
    response = client.post(
        reverse(ADD_URL), programme_post_data(region_org, slug="della-zona", **PUBLISH)
    )
    assert response.status_code == 200 and response.context["form"].errors["owner"]
    response = client.post(
        reverse(ADD_URL), programme_post_data(zone_org, slug="della-zona", **PUBLISH)
    )
    assert response.status_code == 302
    own = Programme.objects.get(slug="della-zona")
    assert own.owner == zone_org
    assert own.versions.get().snapshot["zone"] == zone_org.zone_id
    assert client.get(reverse(EDIT_URL, args=[own.pk])).status_code == 200


def test_the_versions_page_lists_versions_with_their_rules(
    english_client, regional_admin, region_org
):
    client = english_client
    client.force_login(regional_admin)
    client.post(reverse(ADD_URL), programme_post_data(region_org, **PUBLISH))
    programme = Programme.objects.get()
    url = reverse("monitoring_admin:versions", args=["programme", programme.pk])
    assert url in client.get(reverse(EDIT_URL, args=[programme.pk])).content.decode()
    list_page = client.get(reverse("wagtailsnippets_monitoring_programme:list"))
    assert url in list_page.content.decode()

    changed = {"and": [RULE, {">": [{"var": "rent_yearly"}, 0]}]}
    client.post(
        reverse(EDIT_URL, args=[programme.pk]),
        programme_post_data(region_org, changed, **PUBLISH),
    )
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert 0 < content.index("<td>v2</td>") < content.index("<td>v1</td>")  # newest first
    assert str(regional_admin) in content
    assert "&quot;rent_yearly&quot;" in content  # the frozen rules, as JSON
    assert '"var": "isee"' in response.context["versions"][1][1]

    indicator_url = reverse("monitoring_admin:versions", args=["indicator", 999999])
    assert client.get(indicator_url).status_code == 404
    other = reverse("monitoring_admin:versions", args=["questionnaire", programme.pk])
    assert client.get(other).status_code == 404


def test_the_versions_page_of_a_never_published_programme(
    english_client, regional_admin, region_org
):
    client = english_client
    client.force_login(regional_admin)
    client.post(reverse(ADD_URL), programme_post_data(region_org))
    programme = Programme.objects.get()
    response = client.get(reverse("monitoring_admin:versions", args=["programme", programme.pk]))
    assert "No version has been published yet." in response.content.decode()


def test_export_then_import_round_trips_a_programme(client, regional_admin, region_org):
    client.force_login(regional_admin)
    data = programme_post_data(region_org, description="Fondo regionale", ends_on="2026-12-31")
    client.post(reverse(ADD_URL), data)
    programme = Programme.objects.get()
    response = client.get(reverse("monitoring_admin:export", args=["programme", programme.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert exported == publishing.document(programme)
    assert exported["rule"] == RULE and exported["item"] == "E1.02"

    programme.delete()  # a draft, never published: it can go
    import_url = reverse("monitoring_admin:import")
    assert (
        import_url
        in client.get(reverse("wagtailsnippets_monitoring_programme:list")).content.decode()
    )
    upload = SimpleUploadedFile("programme.json", response.content, "application/json")
    response = client.post(import_url, {"file": upload, "owner": region_org.pk})
    imported = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(EDIT_URL, args=[imported.pk])
    assert not imported.live and imported.latest_revision is not None  # a draft
    assert imported.owner == region_org
    assert publishing.document(imported) == exported


def test_an_upload_that_is_not_a_rule_export_is_refused(english_client, regional_admin, region_org):
    client = english_client
    client.force_login(regional_admin)
    url = reverse("monitoring_admin:import")
    assert client.get(url).status_code == 200

    def upload(content: bytes):
        file = SimpleUploadedFile("rule.json", content, "application/json")
        return client.post(url, {"file": file, "owner": region_org.pk})

    response = upload(b"not json at all")
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert error.startswith("The file is not valid JSON")
    assert error in response.content.decode()

    response = upload(json.dumps({"format": "other"}).encode())
    assert "is not a rule export (siso-rule/1)" in response.context["form"].errors["file"][0]

    doc = {
        "format": publishing.EXPORT_FORMAT,
        "kind": "programme",
        "slug": "x",
        "title": "X",
        "starts_on": "2026-01-01",
        "rule": RULE,
    }
    response = upload(json.dumps(doc).encode())  # no catalogue item
    assert "incomplete" in response.context["form"].errors["file"][0]

    doc["item"] = "E1.02"
    response = upload(json.dumps({**doc, "rule": {"foo": 1}}).encode())
    assert 'unknown operation "foo"' in response.context["form"].errors["file"][0]
    assert not Programme.objects.exists()


def test_an_import_cannot_overwrite_another_owners_programme(
    english_client, zone_admin, region_org, zone_org
):
    client = english_client
    regional = publishing.save(
        {
            "format": publishing.EXPORT_FORMAT,
            "kind": "programme",
            "slug": "regionale",
            "title": "Regionale",
            "item": "E1.02",
            "starts_on": "2026-01-01",
            "rule": RULE,
        },
        owner=region_org,
    )
    doc = {**publishing.document(regional), "rule": {"var": "size"}}
    client.force_login(zone_admin)
    file = SimpleUploadedFile("rule.json", json.dumps(doc).encode(), "application/json")
    response = client.post(reverse("monitoring_admin:import"), {"file": file, "owner": zone_org.pk})
    assert response.status_code == 200
    assert "belongs to another owner" in response.context["form"].errors["file"][0]
    assert publishing.document(regional)["rule"] == RULE


def test_people_without_the_design_permissions_see_no_tools(client, make_member, region_org):
    regional = publishing.save(
        {
            "format": publishing.EXPORT_FORMAT,
            "kind": "programme",
            "slug": "regionale",
            "title": "Regionale",
            "item": "E1.02",
            "starts_on": "2026-01-01",
            "rule": RULE,
        },
        owner=region_org,
    )
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    for url in (
        reverse("monitoring_admin:versions", args=["programme", regional.pk]),
        reverse("monitoring_admin:export", args=["programme", regional.pk]),
        reverse("monitoring_admin:import"),
    ):
        assert_refused(client.get(url))


def test_indicators_are_published_checked_and_exported_the_same_way(
    english_client, regional_admin, region_org
):
    client = english_client
    client.force_login(regional_admin)
    data = {
        "title": "Anziano solo",
        "slug": "anziano-solo",
        "owner": region_org.pk,
        "description": "",
        "need_category": NeedCategory.objects.get(code="care").pk,
        "severity": "high",
        "message": "Vive solo.",
        "rule": json.dumps({"and": [{"==": [{"var": "size"}, 1]}, {"var": "members.0.agee"}]}),
        **PUBLISH,
    }
    add = reverse("wagtailsnippets_monitoring_indicator:add")
    response = client.post(add, data)
    assert response.status_code == 200
    (error,) = rule_errors(response)
    assert "“members.0.agee”" in error
    data["rule"] = json.dumps({"and": [{"==": [{"var": "size"}, 1]}, {"var": "members.0.age"}]})
    assert client.post(add, data).status_code == 302
    indicator = Indicator.objects.get()
    assert indicator.live and indicator.versions.get().number == 1

    edit = client.get(reverse("wagtailsnippets_monitoring_indicator:edit", args=[indicator.pk]))
    export_url = reverse("monitoring_admin:export", args=["indicator", indicator.pk])
    versions_url = reverse("monitoring_admin:versions", args=["indicator", indicator.pk])
    assert export_url in edit.content.decode() and versions_url in edit.content.decode()
    assert "members.0.age" in client.get(versions_url).content.decode()
    exported = json.loads(client.get(export_url).content)
    assert exported["kind"] == "indicator" and exported["need_category"] == "care"


def test_the_monitoring_menu_follows_the_roles(client, regional_admin, zone_admin):
    client.force_login(regional_admin)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    for url in ("programmes", "indicators", "complementary"):
        assert f"/admin/monitoring/{url}/" in content
    assert reverse("wagtailsettings:edit", args=["monitoring", "monitoringsettings"]) in content

    client.force_login(zone_admin)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/monitoring/programmes/" in content
    assert "/admin/monitoring/complementary/" not in content
    assert "monitoringsettings" not in content
