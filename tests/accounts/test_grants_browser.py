"""Four eyes in a real browser: a zone administrator asks for a new zone administrator, the
grant waits, and a second administrator of the zone approves it; at phone and desktop widths."""

import pytest
from django.test import Client

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership, MembershipStatus, Role
from tests.factories import UserFactory


def _signed_in(open_page, user, width):
    client = Client()
    client.force_login(user)  # password and second factor: tests/logins
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 900})
    return page


@pytest.mark.parametrize("width", [390, 1280])
def test_a_zone_administrator_grant_waits_for_a_second_administrator(
    open_page, make_member, person_in_zone, width
):
    requester = make_member(Role.ZONE_ADMIN, zone_number=2)
    second = make_member(Role.ZONE_ADMIN, zone_number=2)
    newcomer = UserFactory(username="nuovo.amministratore")
    resident = person_in_zone(2)

    page = _signed_in(open_page, requester, width)
    page.goto("/admin/memberships/new/")
    page.select_option("#id_user", label=newcomer.username)
    page.select_option("#id_organisation", label="Zona sociale 2")
    page.select_option("#id_role", Role.ZONE_ADMIN)
    page.locator("button.button-longrunning[type=submit]").first.click()  # wagtail's Save
    page.get_by_text("takes effect once a second administrator approves it").wait_for()

    grant = Membership.objects.get(user=newcomer)
    assert grant.status == MembershipStatus.PENDING
    assert not scoping.persons(newcomer).filter(pk=resident.pk).exists()
    # The requester cannot approve their own request.
    assert page.goto(f"/admin/memberships/decide/{grant.pk}/").status == 404

    page = _signed_in(open_page, second, width)
    page.goto("/admin/memberships/")
    page.get_by_role("link", name="Approve or reject").first.click()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Grant approved: it is in effect.").wait_for()

    grant.refresh_from_db()
    assert grant.status == MembershipStatus.APPROVED
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)  # a fresh scope
    assert scoping.persons(newcomer).filter(pk=resident.pk).exists()
