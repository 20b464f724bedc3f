"""The operator pages work under production's Content-Security-Policy, in a real browser.

The production middleware and policy are applied to the test settings; Chromium reports every
blocked script, style, image or frame as a `securitypolicyviolation` event, which a script
injected before the page's own collects.
"""

import datetime

import pytest

from forms.publishing import import_definition, publish
from forms.views import start_draft
from siso_platform.accounts.models import Organisation, OrganisationKind
from siso_platform.monitoring.models import ScreeningRun
from siso_platform.people.models import Person
from siso_platform.settings import content_security
from siso_platform.territory.models import SocialZone
from tests.forms.schemas import intake_document
from workflows import runtime

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile || location.pathname}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def production_policy(settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:1],
        "siso_platform.content_security.ContentSecurityPolicyMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    settings.CONTENT_SECURITY_POLICY = content_security.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY_BY_PREFIX = content_security.CONTENT_SECURITY_POLICY_BY_PREFIX


@pytest.fixture
def watched_page(open_page, production_policy):
    """`watched_page(client)`: a tab that collects policy violations and CSP console errors."""

    def open_watched(client):
        page = open_page(client)
        page.add_init_script(COLLECT_VIOLATIONS)
        page.console_errors = []

        def on_console(message):
            if message.type == "error" and "Content Security Policy" in message.text:
                page.console_errors.append(message.text)

        page.on("console", on_console)
        return page

    return open_watched


def violations_on(page, path: str) -> list[str]:
    page.console_errors.clear()
    response = page.goto(path)
    assert response.status == 200, path
    assert response.headers["content-security-policy"], path
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # console messages arrive after the load event
    return page.evaluate("window.cspViolations") + page.console_errors


def test_the_policy_is_enforced_and_violations_are_seen(watched_page, client):
    # The check itself: a page with an inline script and an inline style, under the platform's
    # policy, is reported twice and its script does not run.
    page = watched_page(client)
    policy = "; ".join(
        f"{name} {' '.join(values)}"
        for name, values in content_security.PLATFORM_DIRECTIVES.items()
    )
    page.route(
        "**/probe/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html", "Content-Security-Policy": policy},
            body='<p style="color: red">x</p><script>document.title = "ran"</script>',
        ),
    )
    found = violations_on(page, "/probe/")
    assert page.title() != "ran"
    assert any(item.startswith("script-src") for item in found), found
    assert any(item.startswith("style-src") for item in found), found


def operator_pages(world) -> list[str]:
    here = world.here
    worker = world.users["social_worker"]
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    intake = import_definition(intake_document(), owner=region)
    version = publish(intake)
    draft = start_draft(version, Person.objects.get(pk=here.person), worker)
    (task,) = runtime.queue(worker)  # the report the body sent waits for the zone's review
    run = ScreeningRun.objects.create(
        zone=SocialZone.objects.get(number=2), on=datetime.date.today(), started_by=worker
    )
    return [
        "/casework/",
        f"/casework/persons/?q={Person.objects.get(pk=here.person).last_name}",
        f"/casework/persons/{here.person}/",
        f"/casework/persons/{here.person}/accesses/new/",
        f"/casework/cases/{here.case}/",
        f"/forms/drafts/{draft.uuid}/",
        "/procedures/",
        f"/procedures/tasks/{task.pk}/",
        f"/procedures/processes/{task.process_id}/",
        "/monitoring/alerts/",
        f"/monitoring/alerts/{here.alert}/",
        f"/monitoring/screenings/{run.pk}/",
        "/monitoring/analysis/zones/2/",
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_operator_pages_obey_the_production_policy(watched_page, client, world, viewport):
    pages = operator_pages(world)
    client.force_login(world.users["social_worker"])
    page = watched_page(client)
    page.set_viewport_size(viewport)
    found = {path: violations_on(page, path) for path in pages}
    bad = {path: items for path, items in found.items() if items}
    assert not bad, "\n".join(f"{path}: {items}" for path, items in bad.items())


def test_a_running_screening_is_followed_by_the_served_script(watched_page, client, world):
    worker = world.users["social_worker"]
    run = ScreeningRun.objects.create(
        zone=SocialZone.objects.get(number=2), on=datetime.date.today(), started_by=worker
    )
    client.force_login(worker)
    page = watched_page(client)
    assert violations_on(page, f"/monitoring/screenings/{run.pk}/") == []
    ScreeningRun.objects.filter(pk=run.pk).update(
        status="running", households_total=40, households_done=10
    )
    page.locator("#run-count").get_by_text("10", exact=True).wait_for()
    assert page.locator("#run-progress").get_attribute("value") is not None
    assert page.evaluate("document.getElementById('run-progress').value") == 25


def test_the_admin_works_under_its_own_policy_without_eval(watched_page, client, world):
    # wagtail's admin writes inline scripts: its policy allows them, and nothing more.
    admin = world.users["regional_admin"]
    client.force_login(admin)
    page = watched_page(client)
    from forms.models import FormDefinition
    from workflows.models import WorkflowDefinition

    paths = [
        "/admin/",
        "/admin/offices/new/",
        "/admin/memberships/new/",
        f"/admin/questionnaires/edit/{FormDefinition.objects.first().pk}/",
        f"/admin/procedures/edit/{WorkflowDefinition.objects.first().pk}/",
    ]
    found = {path: violations_on(page, path) for path in paths}
    assert not any(found.values()), found


def test_the_api_documentation_obeys_the_production_policy(watched_page, client, make_member):
    from siso_platform.accounts.models import Role

    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    page = watched_page(client)
    assert violations_on(page, "/api/v1/docs/") == []
    page.locator(".swagger-ui .info").wait_for()  # Swagger UI ran and drew the schema
    # Redoc's "powered by" logo comes from its CDN: blocked, as anything from elsewhere is.
    redoc = violations_on(page, "/api/v1/redoc/")
    assert [item for item in redoc if "https://cdn.redoc.ly/" not in item] == []
    page.locator(".api-content").wait_for()  # so did Redoc
