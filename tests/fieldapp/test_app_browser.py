"""The field app in Chromium at phone size (390 by 844): it installs and starts offline, keeps what
is written offline in its outbox and sends it once, whatever happens (a reload mid-sync, two
tabs, a new service worker), and leaves no personal data on the device after sign-out or a
revoked token."""

import datetime
import json

import pytest
from django.utils.translation import gettext as _

from siso_platform.accounts.models import DeviceToken
from siso_platform.casework.models import Access, Assignment
from siso_platform.casework.procedures import seed
from siso_platform.fieldapp import views
from siso_platform.thirdsector.models import ActivityReport, ReportAttachment
from tests.api.conftest import (  # noqa: F401 (fixtures)
    accredited_body,
    assignment,
    body_operator,
    case,
    home_care,
    media,
    office,
    operator,
)
from tests.api.test_report_files import PNG
from tests.browser import axe_violations

from .conftest import DESKTOP, INDEXEDDB_DUMP, PHONE, serve

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fieldapp_browser")]

REPORTS = "/api/v1/activity-reports/"


@pytest.fixture
def world(db, accredited_body, body_operator, assignment, home_care):  # noqa: F811
    seed()  # the review procedure a report starts
    return {"user": body_operator, "person": assignment.case.person, "intervention": home_care}


def first_visit(app):
    """Open /app/ and wait until the service worker controls the page."""
    page = app.new_page()
    page.goto("/app/")
    page.wait_for_selector("body[data-ready]", state="attached")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return page


def open_again(app, path="/app/"):
    page = app.new_page()
    page.goto(path)
    page.wait_for_selector("body[data-ready]", state="attached")
    return page


def sign_in(page, world):
    page.fill("#signin-username", world["user"].username)
    page.fill("#signin-password", "pw")
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#screen-home", state="visible")
    # The first sync brought the assigned person.
    page.wait_for_function(
        "(name) => document.querySelector('#home-persons').textContent.includes(name)",
        arg=world["person"].last_name,
    )


def fill_report(page, world, *, hours="2.5", notes="Spesa e pulizie", photo=False):
    page.click("#app-nav [data-screen=report]")
    page.wait_for_selector("#screen-report", state="visible")
    page.select_option("#report-person", str(world["person"].pk))
    page.select_option("#report-intervention", str(world["intervention"].pk))
    page.select_option("#report-type", "home_care")
    page.fill("#report-hours", hours)
    page.fill("#report-notes", notes)
    if photo:  # what the phone's camera gives the file input
        page.set_input_files(
            "#report-photo", files=[{"name": "foto.png", "mimeType": "image/png", "buffer": PNG}]
        )
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#screen-outbox", state="visible")


def outbox(page):
    """The outbox as the user reads it: each item's state."""
    page.goto("/app/#outbox")
    page.wait_for_selector("#screen-outbox", state="visible")
    return page.locator("#outbox-list [data-slot=state]").all_inner_texts()


def wait_for_states(page, *states):
    page.wait_for_function(
        "(states) => JSON.stringify([...document.querySelectorAll("
        "'#outbox-list [data-slot=state]')].map((node) => node.textContent)) "
        "=== JSON.stringify(states)",
        arg=list(states),
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_app_installs_and_its_start_page_opens_offline(open_app, viewport):
    app = open_app(viewport)
    page = first_visit(app)
    manifest = page.evaluate(
        "async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()"
    )
    assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone" and manifest["theme_color"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    fetched = "async (src) => { const r = await fetch(src); return [r.status, r.headers.get('content-type')]; }"  # noqa: E501
    for icon in manifest["icons"]:
        assert page.evaluate(fetched, icon["src"]) == [200, "image/png"]
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope.endswith("/app/")

    app.set_offline(True)
    page.reload()
    page.wait_for_selector("#screen-signin", state="visible")
    assert page.locator("#signin-title").inner_text() == _("Sign in")
    assert page.evaluate("() => navigator.onLine") is False
    assert axe_violations(page) == []
    # The bottom navigation is hidden until sign-in; the page fits the screen's width.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


def test_a_report_written_offline_waits_across_a_restart_and_is_sent_once(
    open_app,
    world,
    media,  # noqa: F811
):
    app = open_app()
    page = first_visit(app)
    sign_in(page, world)
    person = world["person"]
    assert person.last_name in page.locator("#home-persons").inner_text()

    app.set_offline(True)
    fill_report(page, world, photo=True)
    assert outbox(page) == [_("pending")]
    assert "foto.png" in page.locator("#outbox-list [data-slot=summary]").inner_text()
    page.close()

    page = open_again(app, "/app/#outbox")  # the phone restarts the app, still offline
    page.wait_for_selector("#screen-outbox", state="visible")
    wait_for_states(page, _("pending"))
    assert not ActivityReport.objects.exists()

    app.set_offline(False)  # the connection returns: the app syncs by itself
    wait_for_states(page, _("sent"))
    report = ActivityReport.objects.get()
    assert (report.person, report.intervention) == (person, world["intervention"])
    assert str(report.hours) == "2.50" and report.notes == "Spesa e pulizie"
    [photo] = ReportAttachment.objects.all()  # the photo came with the report, once
    assert (photo.report, photo.name, photo.content_type) == (report, "foto.png", "image/png")
    assert photo.file.read() == PNG
    assert page.locator("#outbox-count").inner_text() == ""


def test_a_refused_report_stays_as_a_draft_with_the_reason(open_app, world, media):  # noqa: F811
    app = open_app()
    page = first_visit(app)
    sign_in(page, world)
    app.set_offline(True)
    fill_report(page, world, photo=True)
    # Meanwhile the case's assignment to the body ends.
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Assignment.objects.filter(pk=world["intervention"].case.assignments.get().pk).update(
        ends_on=yesterday
    )

    app.set_offline(False)
    page.wait_for_selector("#outbox-list li[data-state=refused]")
    item = page.locator("#outbox-list li")
    state = item.locator("[data-slot=state]").inner_text()
    assert state.startswith(_("refused: %(reason)s") % {"reason": ""}) and len(state) > 12
    assert not ActivityReport.objects.exists()
    assert page.locator("#outbox-count").inner_text() == "(1)"
    assert axe_violations(page) == []

    item.get_by_role("button", name=_("Correct and send again")).click()
    page.wait_for_selector("#screen-report", state="visible")
    assert page.input_value("#report-notes") == "Spesa e pulizie"
    assert page.input_value("#report-hours") == "2.5"
    assert "foto.png" in page.locator("#report-form [data-slot=files-kept]").inner_text()
    assert axe_violations(page) == []

    page.goto("/app/#outbox")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#outbox-list li").get_by_role("button", name=_("Discard")).click()
    page.wait_for_function("() => !document.querySelector('#outbox-list li')")
    assert not ActivityReport.objects.exists() and not ReportAttachment.objects.exists()


def test_a_reload_in_the_middle_of_a_sync_creates_the_report_once(open_app, world):
    app = open_app()
    page = first_visit(app)
    sign_in(page, world)
    app.set_offline(True)
    fill_report(page, world)

    held = []

    def server_answers_but_the_answer_is_lost(route):
        serve_without_answer(app, route)
        held.append(route)

    app.overrides[("POST", REPORTS)] = server_answers_but_the_answer_is_lost
    app.set_offline(False)
    while not held:
        page.wait_for_timeout(50)
    assert ActivityReport.objects.count() == 1  # created, but the app never heard
    del app.overrides[("POST", REPORTS)]
    page.reload()  # mid-request
    page.wait_for_selector("body[data-ready]", state="attached")
    assert outbox(page) in ([_("pending")], [_("sent")])
    wait_for_states(page, _("sent"))
    assert ActivityReport.objects.count() == 1
    assert [r for r in app.requests if r == ("POST", REPORTS)] == [("POST", REPORTS)] * 2


def serve_without_answer(app, route):
    """Let Django handle the request; the browser gets no answer (the route stays open)."""
    request = route.request
    app.client.generic(
        request.method,
        request.url.split("testserver", 1)[1],
        data=request.post_data_buffer or b"",
        content_type=request.headers.get("content-type", ""),
        headers={
            name: value
            for name, value in request.headers.items()
            if name in ("authorization", "idempotency-key", "accept-language")
        },
    )


def test_two_tabs_with_the_same_outbox_send_a_report_once(open_app, world):
    app = open_app()
    first = first_visit(app)
    sign_in(first, world)
    app.set_offline(True)
    fill_report(first, world)
    second = open_again(app, "/app/#outbox")
    wait_for_states(second, _("pending"))

    held = []
    app.overrides[("POST", REPORTS)] = held.append
    app.set_offline(False)  # both tabs hear `online` and sync
    while not held:
        first.wait_for_timeout(50)
    first.wait_for_timeout(500)  # the other tab waits for the lock meanwhile
    assert [r for r in app.requests if r == ("POST", REPORTS)] == [("POST", REPORTS)]
    del app.overrides[("POST", REPORTS)]
    serve(app.client, held[0])

    wait_for_states(first, _("sent"))
    second.click("#app-nav [data-screen=outbox]")
    wait_for_states(second, _("sent"))
    assert ActivityReport.objects.count() == 1
    assert [r for r in app.requests if r == ("POST", REPORTS)] == [("POST", REPORTS)]


def test_a_new_service_worker_loses_nothing_queued(open_app, world, monkeypatch):
    app = open_app()
    page = first_visit(app)
    sign_in(page, world)
    old_caches = page.evaluate("async () => await caches.keys()")
    assert old_caches == [f"siso-app-shell-{views.shell_version()}"]

    app.set_offline(True)
    fill_report(page, world, notes="Prima")
    fill_report(page, world, notes="Seconda")
    wait_for_states(page, _("pending"), _("pending"))

    # Online, but the reports cannot get through yet; meanwhile a new version is deployed.
    app.overrides[("POST", REPORTS)] = lambda route: route.abort("connectionreset")
    app.set_offline(False)
    monkeypatch.setattr(views, "shell_version", lambda: "a-new-deploy")
    page.evaluate("async () => { await (await navigator.serviceWorker.ready).update(); }")
    page.wait_for_function(
        "async () => JSON.stringify(await caches.keys()) === '[\"siso-app-shell-a-new-deploy\"]'"
    )
    page.reload()
    page.wait_for_selector("body[data-ready]", state="attached")
    assert outbox(page) == [_("pending"), _("pending")]

    del app.overrides[("POST", REPORTS)]
    page.click("#app-nav [data-screen=home]")
    page.click("#sync-now")
    page.click("#app-nav [data-screen=outbox]")
    wait_for_states(page, _("sent"), _("sent"))
    assert sorted(ActivityReport.objects.values_list("notes", flat=True)) == ["Prima", "Seconda"]


def test_sign_out_and_a_revoked_token_leave_no_personal_data(open_app, world):
    app = open_app()
    page = first_visit(app)
    user, person = world["user"], world["person"]
    sign_in(page, world)
    assert person.tax_code in page.evaluate(INDEXEDDB_DUMP)

    page.click("#sign-out")
    page.wait_for_selector("#screen-signin", state="visible")
    assert page.locator("#app-notice").inner_text() == _(
        "You have signed out: the data kept on this device has been deleted."
    )
    dump = page.evaluate(INDEXEDDB_DUMP)
    assert person.tax_code not in dump and person.last_name not in dump
    assert person.last_name not in page.content()  # nor in the page's hidden screens
    assert not DeviceToken.objects.filter(user=user).exists()

    sign_in(page, world)
    assert person.tax_code in page.evaluate(INDEXEDDB_DUMP)
    DeviceToken.objects.filter(user=user).delete()  # revoked in the admin
    page.click("#sync-now")
    page.wait_for_selector("#screen-signin", state="visible")
    assert page.locator("#app-notice").inner_text() == _(
        "Your access from this device has ended (the token was revoked or your role "
        "ended): the data kept on this device has been deleted. Sign in again."
    )
    dump = page.evaluate(INDEXEDDB_DUMP)
    assert person.tax_code not in dump and person.last_name not in dump
    assert json.dumps(person.first_name)[1:-1] not in dump


def test_each_screen_at_phone_size_has_no_serious_accessibility_violations(open_app, world):
    app = open_app()
    page = first_visit(app)
    assert axe_violations(page) == []  # sign-in
    sign_in(page, world)
    assert axe_violations(page) == []  # home
    page.click(f"#home-persons a[href='#person/{world['person'].pk}']")
    page.wait_for_selector("#screen-person", state="visible")
    assert page.locator("#person-title").inner_text().startswith(world["person"].last_name)
    assert axe_violations(page) == []
    page.click("#app-nav [data-screen=report]")
    page.wait_for_selector("#screen-report", state="visible")
    assert axe_violations(page) == []
    app.set_offline(True)
    fill_report(page, world)
    assert axe_violations(page) == []  # the outbox, with an item waiting
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_operator_registers_an_access_offline_and_it_arrives_once_from_the_app(
    open_app,
    operator,  # noqa: F811
    case,  # noqa: F811
):
    app = open_app()
    page = first_visit(app)
    person = case.person
    before = set(Access.objects.filter(person=person).values_list("pk", flat=True))
    sign_in(page, {"user": operator, "person": person})
    assert page.locator("#app-nav [data-screen=report]").is_hidden()  # not a body's operator

    app.set_offline(True)
    page.click("#app-nav [data-screen=access]")
    page.wait_for_selector("#screen-access", state="visible")
    page.select_option("#access-person", str(person.pk))
    page.select_option("#access-channel", "home_visit")
    page.fill("#access-reason", "Chiede aiuto per la spesa")
    page.select_option("#access-outcome", "information")
    assert axe_violations(page) == []
    page.click("#access-form button[type=submit]")
    page.wait_for_selector("#screen-outbox", state="visible")
    assert outbox(page) == [_("pending")]
    page.close()

    page = open_again(app, "/app/#outbox")
    wait_for_states(page, _("pending"))
    assert set(Access.objects.filter(person=person).values_list("pk", flat=True)) == before
    app.set_offline(False)
    wait_for_states(page, _("sent"))
    access = Access.objects.filter(person=person).exclude(pk__in=before).get()
    assert (access.channel, access.outcome, access.entered_via) == (
        "home_visit",
        "information",
        "app",
    )
    assert access.reason == "Chiede aiuto per la spesa"


def test_a_wrong_password_is_refused_in_the_words_of_the_api(open_app, world):
    app = open_app()
    page = first_visit(app)
    page.fill("#signin-username", world["user"].username)
    page.fill("#signin-password", "not-the-password")
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#signin-error", state="visible")
    assert page.locator("#signin-error").inner_text() == _("Wrong username or password.")
    assert page.locator("#app-nav").is_hidden()
    assert not DeviceToken.objects.filter(user=world["user"]).exists()


def test_a_working_set_not_synced_for_too_long_is_wiped_but_the_outbox_kept(open_app, world):
    app = open_app()
    page = first_visit(app)
    sign_in(page, world)
    app.set_offline(True)
    fill_report(page, world)
    # The last successful sync was 73 hours ago (the limit is 72).
    page.evaluate(
        """async () => {
            const old = new Date(Date.now() - 73 * 3600 * 1000).toISOString();
            const database = await idb.openDB("siso-app");
            await database.put("meta", old, "last_sync");
            database.close();
        }"""
    )
    page.goto("/app/#home")
    page.reload()
    page.wait_for_selector("#app-notice", state="visible")
    assert page.locator("#app-notice").inner_text() == _(
        "The data kept on this device had not been synced for more than %(hours)s hours "
        "and has been deleted."
    ) % {"hours": 72}
    dump = page.evaluate(INDEXEDDB_DUMP)
    assert world["person"].tax_code not in dump
    assert outbox(page) == [_("pending")]  # what the user wrote is still sent later
    app.set_offline(False)
    wait_for_states(page, _("sent"))
    assert ActivityReport.objects.count() == 1
