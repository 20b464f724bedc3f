"""The auditor in a real browser, on a phone and a desktop: types a tax code, sees who read the
person this week, downloads the list."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from freezegun import freeze_time

from siso_platform.accounts.models import Role
from siso_platform.audit import log as audit
from siso_platform.audit.models import AuditEvent
from tests.browser import axe_violations

pytestmark = pytest.mark.django_db


def named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def reads(make_member, person_in_zone):
    """Reads by two operators this week, and one ten days ago (the clock is real: the browser
    keeps its own timers)."""
    person = person_in_zone(2)
    anna = named(make_member(Role.OPERATOR, zone_number=2), "Anna", "Bianchi")
    bruno = named(make_member(Role.SOCIAL_WORKER, zone_number=2), "Bruno", "Verdi")
    now = timezone.now()
    for actor, ago, purpose in (
        (anna, datetime.timedelta(days=10), "old read"),
        (anna, datetime.timedelta(days=2), "interview"),
        (bruno, datetime.timedelta(hours=2), "new address"),
    ):
        with freeze_time(now - ago):
            audit.record("view", actor=actor, obj=person, person=person, purpose=purpose)
    return person


@pytest.mark.parametrize("width", [390, 1366])
def test_the_auditor_finds_who_read_a_person_and_downloads_it(
    open_page, client, make_member, reads, width
):
    auditor = make_member(Role.AUDITOR)
    client.force_login(auditor)
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/admin/audit/person/")
    page.get_by_label("Tax code").fill(reads.tax_code.lower())
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_text("Who looked at this person").first.wait_for()

    table = page.locator("table.audit-trail")
    assert table.get_by_text("Anna Bianchi").count() == 1
    assert table.get_by_text("Bruno Verdi").count() == 1
    assert table.get_by_text("interview").count() == 1
    assert page.get_by_text("old read").count() == 0  # ten days ago: not this week
    # The page itself does not widen the screen; a wide table scrolls in its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    body = Path(download.path()).read_text(encoding="utf-8-sig")
    assert download.suggested_filename.endswith(".csv")
    assert "Anna Bianchi" in body and "Bruno Verdi" in body and "old read" not in body
    assert AuditEvent.objects.filter(actor=auditor, action="export", person=reads).exists()
