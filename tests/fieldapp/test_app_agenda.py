"""Today's appointments at the top of the field app's home, at phone size, and the upgrade of a
device's database from version 2 (no appointments store) to 3 that keeps its queued items."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.accounts.models import DeviceToken, Role
from siso_platform.casework.models import Access, Appointment
from tests.api.conftest import (  # noqa: F401 (fixtures)
    case,
    office,
    operator,
)
from tests.browser import axe_violations

from .conftest import PHONE
from .test_app_browser import open_again, wait_for_states

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fieldapp_browser")]

ROME = zoneinfo.ZoneInfo("Europe/Rome")

# What version 2 of the app left on a device: its stores (no `appointments`), a token, the
# user's roles, and an access written offline, not sent yet. Written before the app opens.
OPEN_VERSION_2 = """async ({ token, me, item }) => {
    const database = await new Promise((ok, fail) => {
        const request = indexedDB.open("siso-app", 2);
        request.onupgradeneeded = () => {
            const db = request.result;
            db.createObjectStore("meta");
            const stores = ["cases", "persons", "tasks", "interventions", "alerts", "forms"];
            for (const name of [...stores, "outbox"]) {
                db.createObjectStore(name, { keyPath: "id" });
            }
        };
        request.onsuccess = () => ok(request.result);
        request.onerror = () => fail(request.error);
    });
    const tx = database.transaction(["meta", "outbox"], "readwrite");
    tx.objectStore("meta").put(token, "token");
    tx.objectStore("meta").put(me, "me");
    tx.objectStore("meta").put(new Date().toISOString(), "last_sync");
    tx.objectStore("outbox").put(item);
    await new Promise((ok) => { tx.oncomplete = ok; });
    database.close();
}"""

DATABASE = """async () => {
    const [info] = (await indexedDB.databases()).filter((db) => db.name === "siso-app");
    const database = await new Promise((ok) => {
        const request = indexedDB.open("siso-app");
        request.onsuccess = () => ok(request.result);
    });
    const stores = [...database.objectStoreNames];
    database.close();
    return { version: info.version, stores };
}"""


def _at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ROME)


def test_an_old_device_upgrades_keeps_its_queued_access_and_shows_today_s_appointments(
    open_app,
    make_member,
    operator,  # noqa: F811
    case,  # noqa: F811
):
    person = case.person
    today = timezone.localdate()
    appointment = {"person": person, "kind": "home_visit", "place": "home"}
    Appointment.objects.create(operator=operator, starts_at=_at(today, 12), **appointment)
    Appointment.objects.create(
        operator=operator,
        starts_at=_at(today, 9, 30),
        person=person,
        kind="interview",
        place="office",
        status="done",
    )
    # Not today's, or not mine: not on my home.
    Appointment.objects.create(
        operator=operator, starts_at=_at(today + datetime.timedelta(days=1), 10), **appointment
    )
    colleague = make_member(Role.OPERATOR, zone_number=2)
    Appointment.objects.create(operator=colleague, starts_at=_at(today, 16), **appointment)

    _device, token = DeviceToken.objects.create(
        user=operator, expiry=None, device="phone", second_factor=True
    )
    item = {
        "id": "6f9c1d1e-5f5e-4f38-9d8e-6a8c1f0b2a11",
        "seq": 1,
        "kind": "access",
        "endpoint": "/api/v1/accesses/",
        "body": {
            "person": person.pk,
            "channel": "phone",
            "date": today.isoformat(),
            "reason": "Chiede del contributo affitto",
            "outcome": "information",
            "referred_to": "",
        },
        "person": person.pk,
        "extra": None,
        "files": [],
        "created_at": timezone.now().isoformat(),
        "state": "pending",
    }
    me = {"username": operator.username, "roles": [{"role": "operator"}]}

    app = open_app()
    page = app.new_page()
    page.goto("/static/fieldapp/app.css")  # the origin, before the app has opened its database
    page.evaluate(OPEN_VERSION_2, {"token": token, "me": me, "item": item})
    page.close()

    page = open_again(app, "/app/#outbox")
    wait_for_states(page, _("sent"))  # the item queued by version 2, sent once
    access = Access.objects.get(reason="Chiede del contributo affitto")
    assert (access.person, access.entered_via) == (person, "app")
    database = page.evaluate(DATABASE)
    assert database["version"] == 3 and "appointments" in database["stores"]

    page.click("#app-nav [data-screen=home]")
    page.wait_for_selector("#screen-home", state="visible")
    listed = page.locator("#home-appointments li")
    page.wait_for_function("() => document.querySelectorAll('#home-appointments li').length === 2")
    # At the top of the home, in order of time, with kind, place and the person
    assert page.locator("#screen-home h2").first.inner_text() == _("Today's appointments")
    first, second = listed.all_inner_texts()
    assert first.startswith("09:30") and second.startswith("12:00")
    kinds = (_("interview"), _("home visit"))
    places = (_("at the office"), _("at the person's home"))
    for text, kind, place in zip((first, second), kinds, places, strict=True):
        assert kind.capitalize() in text and place.capitalize() in text
        assert person.last_name in text
    assert _("held") in first and _("scheduled") not in second
    assert axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    listed.nth(1).get_by_role("link", name=person.last_name).click()
    page.wait_for_selector("#screen-person", state="visible")
    assert person.last_name in page.locator("#person-title").inner_text()


def test_a_day_without_appointments_says_so(open_app, operator, case):  # noqa: F811
    from .test_app_browser import first_visit, sign_in

    app = open_app()
    page = first_visit(app)
    sign_in(page, {"user": operator, "person": case.person})
    page.wait_for_function(
        "(text) => document.querySelector('#home-appointments').textContent.includes(text)",
        arg=_("No appointments today."),
    )
    assert page.locator("#home-appointments").is_visible()
