"""Privilege grants: a zone administrator manages their own zone only, nobody grants
themselves anything, elevated roles wait for a second administrator, and the auditor lists
every step."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from siso_platform.accounts import actions, scoping
from siso_platform.accounts.models import Membership, MembershipStatus, Organisation, Role
from siso_platform.audit.models import AuditEvent
from siso_platform.territory.models import CitizenOffice, Region

from ..conftest import municipality_in_zone, zone
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def zone_org(number: int) -> Organisation:
    return Organisation.objects.get(zone=zone(number))


def municipal_org(number: int) -> Organisation:
    return Organisation.objects.get(municipality=municipality_in_zone(number))


def region_org() -> Organisation:
    return Organisation.objects.get(region=Region.objects.get())


def fresh(user):
    """The user as the next request sees them (no cached scope or permissions)."""
    return type(user).objects.get(pk=user.pk)


def post_membership(client, url, user, organisation, role, **extra):
    data = {
        "user": user.pk,
        "organisation": organisation.pk,
        "role": role,
        "office": "",
        "valid_from": "2024-01-01",
        "valid_to": "",
        **extra,
    }
    return client.post(url, data)


@pytest.fixture
def zone5_admin(make_member):
    return make_member(Role.ZONE_ADMIN, zone_number=5)


@pytest.fixture
def newcomer(db):
    return UserFactory()


# --- a zone administrator stays in their zone ------------------------------------------------


@pytest.mark.parametrize(
    "organisation, role",
    [
        (lambda: zone_org(2), Role.ZONE_ADMIN),
        (lambda: municipal_org(2), Role.OPERATOR),
        (lambda: region_org(), Role.REGIONAL_ADMIN),
        (lambda: region_org(), Role.AUDITOR),
    ],
)
def test_a_zone_administrator_cannot_grant_a_role_outside_their_zone(
    zone5_admin, newcomer, organisation, role
):
    client = signed_in(zone5_admin)
    for grantee in (newcomer, zone5_admin):
        response = post_membership(client, "/admin/memberships/new/", grantee, organisation(), role)
        assert response.status_code == 200  # the form again, with its error
        assert response.context["form"].errors
        with pytest.raises(ValidationError):
            actions.grant(by=zone5_admin, user=grantee, organisation=organisation(), role=role)
    assert not Membership.objects.exclude(user=zone5_admin).exists()
    assert list(
        Membership.objects.filter(user=zone5_admin).values_list("role", "organisation")
    ) == [(Role.ZONE_ADMIN, zone_org(5).pk)]
    assert scoping.scope_for(fresh(zone5_admin)).zone_ids == {zone(5).pk}


def test_the_form_offers_only_the_zones_organisations_offices_and_roles(zone5_admin):
    form = signed_in(zone5_admin).get("/admin/memberships/new/").context["form"]
    organisations = set(form.fields["organisation"].queryset)
    assert zone_org(5) in organisations and municipal_org(5) in organisations
    assert not {zone_org(2), municipal_org(2), region_org()} & organisations
    assert {o.municipality.zone_id for o in form.fields["office"].queryset} == {zone(5).pk}
    roles = {value for value, _ in form.fields["role"].choices if value}
    assert Role.REGIONAL_ADMIN not in roles and Role.ZONE_ADMIN in roles
    assert zone5_admin not in form.fields["user"].queryset


def test_nobody_grants_a_role_to_themselves(zone5_admin, make_member):
    client = signed_in(zone5_admin)
    response = post_membership(
        client, "/admin/memberships/new/", zone5_admin, municipal_org(5), Role.OPERATOR
    )
    assert response.context["form"].errors["user"]
    with pytest.raises(ValidationError, match="yourself"):
        actions.grant(
            by=zone5_admin, user=zone5_admin, organisation=municipal_org(5), role=Role.OPERATOR
        )
    regional = make_member(Role.REGIONAL_ADMIN)
    with pytest.raises(ValidationError, match="yourself"):
        actions.grant(by=regional, user=regional, organisation=zone_org(2), role=Role.ZONE_ADMIN)
    assert Membership.objects.filter(user=zone5_admin).count() == 1
    assert Membership.objects.filter(user=regional).count() == 1


def test_nobody_changes_their_own_membership(zone5_admin):
    own = Membership.objects.get(user=zone5_admin)
    response = post_membership(
        signed_in(zone5_admin),
        f"/admin/memberships/edit/{own.pk}/",
        zone5_admin,
        zone_org(5),
        Role.ZONE_ADMIN,
        valid_from="2019-01-01",
    )
    assert response.status_code == 200 and response.context["form"].errors
    with pytest.raises(ValidationError):
        actions.change(own, by=zone5_admin, organisation=zone_org(2))
    own.refresh_from_db()
    assert (own.organisation, own.valid_from) == (zone_org(5), datetime.date(2020, 1, 1))


def test_another_zones_memberships_are_404_and_theirs_cannot_move_out(zone5_admin, make_member):
    client = signed_in(zone5_admin)
    zone2_operator = Membership.objects.get(user=make_member(Role.OPERATOR, zone_number=2))
    for view in ("edit", "inspect", "delete", "history"):
        assert client.get(f"/admin/memberships/{view}/{zone2_operator.pk}/").status_code == 404
    response = post_membership(
        client,
        f"/admin/memberships/edit/{zone2_operator.pk}/",
        zone2_operator.user,
        municipal_org(5),
        Role.OPERATOR,
    )
    assert response.status_code == 404
    listing = client.get("/admin/memberships/")
    assert zone2_operator not in listing.context["object_list"]

    zone5_operator = Membership.objects.get(user=make_member(Role.OPERATOR, zone_number=5))
    response = post_membership(
        client,
        f"/admin/memberships/edit/{zone5_operator.pk}/",
        zone5_operator.user,
        municipal_org(2),
        Role.OPERATOR,
    )
    assert response.context["form"].errors["organisation"]
    with pytest.raises(ValidationError):
        actions.change(zone5_operator, by=zone5_admin, organisation=zone_org(2))
    zone5_operator.refresh_from_db()
    assert zone5_operator.organisation == municipal_org(5)


def test_only_administrators_manage_memberships(make_member):
    for role, number in ((Role.OPERATOR, 5), (Role.AUDITOR, None), (Role.DATA_STEWARD, 5)):
        user = make_member(role, zone_number=number)
        with pytest.raises(ValidationError):
            actions.grant(
                by=user, user=UserFactory(), organisation=municipal_org(5), role=Role.OPERATOR
            )
        assert signed_in(user).get("/admin/memberships/new/").status_code != 200


# --- four eyes -------------------------------------------------------------------------------


def test_a_zone_administrator_grant_waits_for_a_second_administrator(
    zone5_admin, newcomer, make_member, person_in_zone
):
    person = person_in_zone(5)
    response = post_membership(
        signed_in(zone5_admin), "/admin/memberships/new/", newcomer, zone_org(5), Role.ZONE_ADMIN
    )
    assert response.status_code == 302
    grant = Membership.objects.get(user=newcomer)
    assert grant.status == MembershipStatus.PENDING and grant.requested_by == zone5_admin

    # Pending: no scope, no permission, no role group.
    assert not scoping.can_view_person(fresh(newcomer), person)
    assert not fresh(newcomer).has_perm("people.view_person")
    assert not newcomer.groups.exists()

    # The requester cannot approve it, nor can the grantee, nor another zone's administrator.
    zone2_admin = make_member(Role.ZONE_ADMIN, zone_number=2)
    for user in (zone5_admin, newcomer, zone2_admin):
        assert signed_in(user).get(f"/admin/memberships/decide/{grant.pk}/").status_code in (
            302,
            403,
            404,
        )
        with pytest.raises(ValidationError):
            actions.approve(grant, by=user)
    assert Membership.objects.get(pk=grant.pk).status == MembershipStatus.PENDING

    # A second administrator of the zone approves: it takes effect.
    second = make_member(Role.ZONE_ADMIN, zone_number=5)
    client = signed_in(second)
    listing = client.get("/admin/memberships/").content.decode()
    assert f"/admin/memberships/decide/{grant.pk}/" in listing
    edit_page = client.get(f"/admin/memberships/edit/{grant.pk}/").content.decode()
    assert f"/admin/memberships/decide/{grant.pk}/" in edit_page
    assert (
        newcomer.username in client.get(f"/admin/memberships/decide/{grant.pk}/").content.decode()
    )
    response = client.post(f"/admin/memberships/decide/{grant.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == MembershipStatus.APPROVED and grant.decided_by == second
    newcomer = fresh(newcomer)
    assert scoping.can_view_person(newcomer, person)
    assert newcomer.has_perm("people.view_person")
    assert newcomer.groups.filter(name="role:zone_admin").exists()


def test_the_region_approves_or_rejects_a_zones_request(zone5_admin, newcomer, make_member):
    regional = make_member(Role.REGIONAL_ADMIN)
    steward = actions.grant(
        by=zone5_admin, user=newcomer, organisation=municipal_org(5), role=Role.DATA_STEWARD
    )
    assert steward.status == MembershipStatus.PENDING
    signed_in(regional).post(f"/admin/memberships/decide/{steward.pk}/", {"decision": "reject"})
    steward.refresh_from_db()
    assert steward.status == MembershipStatus.REJECTED
    assert not scoping.scope_for(fresh(newcomer)).municipality_ids
    with pytest.raises(ValidationError):
        actions.approve(steward, by=regional)  # decided once


def test_a_regional_grant_needs_another_regional_administrator(newcomer, make_member):
    regional = make_member(Role.REGIONAL_ADMIN)
    grant = actions.grant(by=regional, user=newcomer, organisation=region_org(), role=Role.AUDITOR)
    assert grant.status == MembershipStatus.PENDING
    with pytest.raises(ValidationError):
        actions.approve(grant, by=make_member(Role.ZONE_ADMIN, zone_number=2))
    actions.approve(grant, by=make_member(Role.REGIONAL_ADMIN))
    assert fresh(newcomer).has_perm("audit.view_auditevent")


def test_an_operator_grant_takes_effect_at_once(zone5_admin, newcomer, person_in_zone):
    person = person_in_zone(5)
    office = municipality_in_zone(5).offices.get(is_default=True)
    grant = actions.grant(
        by=zone5_admin,
        user=newcomer,
        organisation=municipal_org(5),
        role=Role.OPERATOR,
        office=office,
    )
    assert grant.status == MembershipStatus.APPROVED
    assert scoping.can_view_person(fresh(newcomer), person)


def test_widening_an_approved_elevated_grant_waits_again(zone5_admin, newcomer, make_member):
    grant = actions.grant(
        by=zone5_admin, user=newcomer, organisation=municipal_org(5), role=Role.DATA_STEWARD
    )
    actions.approve(grant, by=make_member(Role.REGIONAL_ADMIN))
    # Ending it earlier grants nothing more: still in effect.
    grant = actions.change(grant, by=zone5_admin, valid_to=datetime.date(2099, 1, 1))
    assert grant.status == MembershipStatus.APPROVED
    # Another role or organisation, or a longer period, waits for approval again.
    other_municipality = (
        Organisation.objects.filter(municipality__zone=zone(5)).exclude(pk=grant.organisation_id)
    ).first()
    grant = actions.change(grant, by=zone5_admin, organisation=other_municipality)
    assert grant.status == MembershipStatus.PENDING
    assert not scoping.scope_for(fresh(newcomer)).municipality_ids


# --- the audit log ---------------------------------------------------------------------------


def test_every_step_of_a_grant_is_an_audit_event_the_auditor_lists(
    zone5_admin, newcomer, make_member
):
    second = make_member(Role.ZONE_ADMIN, zone_number=5)
    grant = actions.grant(
        by=zone5_admin, user=newcomer, organisation=zone_org(5), role="zone_admin"
    )
    actions.approve(grant, by=second)
    operator = actions.grant(
        by=second, user=UserFactory(), organisation=municipal_org(5), role=Role.OPERATOR
    )
    actions.revoke(operator, by=zone5_admin)

    events = AuditEvent.objects.filter(object_type="accounts.membership").order_by("pk")
    assert [(e.actor, e.detail["change"], e.detail["status"]) for e in events] == [
        (zone5_admin, "grant", MembershipStatus.PENDING),
        (second, "approve", MembershipStatus.APPROVED),
        (second, "grant", MembershipStatus.APPROVED),
        (zone5_admin, "revoke", MembershipStatus.APPROVED),
    ]
    assert events[0].detail["role"] == Role.ZONE_ADMIN
    assert events[0].detail["organisation"] == zone_org(5).pk
    assert events[0].detail["user"] == newcomer.pk

    auditor = make_member(Role.AUDITOR)
    listing = signed_in(auditor).get("/admin/privilege-grants/")
    assert listing.status_code == 200
    assert set(listing.context["object_list"]) == set(events)
    page = listing.content.decode()
    assert newcomer.username in page and zone_org(5).name in page
    # Administrators do not read the audit log.
    assert signed_in(zone5_admin).get("/admin/privilege-grants/").status_code != 200


# --- offices, organisations, users ------------------------------------------------------------


def test_a_zone_administrator_keeps_their_zones_offices_only(zone5_admin):
    client = signed_in(zone5_admin)
    zone2_office = CitizenOffice.objects.filter(municipality__zone=zone(2)).first()
    zone5_office = CitizenOffice.objects.filter(municipality__zone=zone(5)).first()
    for view in ("edit", "delete", "history"):
        assert client.get(f"/admin/offices/{view}/{zone2_office.pk}/").status_code == 404
    response = client.post(
        f"/admin/offices/edit/{zone2_office.pk}/",
        {"municipality": zone2_office.municipality_id, "name": "Taken over"},
    )
    assert response.status_code == 404
    assert CitizenOffice.objects.get(pk=zone2_office.pk).name != "Taken over"
    assert client.get(f"/admin/offices/edit/{zone5_office.pk}/").status_code == 200
    assert zone2_office not in client.get("/admin/offices/").context["object_list"]
    form = client.get("/admin/offices/new/").context["form"]
    assert {m.zone_id for m in form.fields["municipality"].queryset} == {zone(5).pk}


def test_a_zone_administrator_reads_their_zones_organisations_only(zone5_admin):
    client = signed_in(zone5_admin)
    listed = set(client.get("/admin/organisations/").context["object_list"])
    assert zone_org(5) in listed and municipal_org(5) in listed
    assert not {zone_org(2), municipal_org(2), region_org()} & listed
    assert client.get(f"/admin/organisations/inspect/{zone_org(2).pk}/").status_code == 404
    assert client.get(f"/admin/organisations/inspect/{zone_org(5).pk}/").status_code == 200


@pytest.mark.parametrize("role", [Role.ZONE_ADMIN, Role.REGIONAL_ADMIN])
def test_no_role_reaches_the_users_and_groups_admin(make_member, role):
    admin = make_member(role, zone_number=5)
    client = signed_in(admin)
    for url in ("/admin/users/", f"/admin/users/edit/{admin.pk}/", "/admin/groups/"):
        assert client.get(url).status_code != 200
    response = client.post(f"/admin/users/edit/{admin.pk}/", {"is_superuser": "on"})
    assert response.status_code != 200
    assert not fresh(admin).is_superuser


def test_the_api_offers_no_way_to_change_memberships(zone5_admin, newcomer):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(zone5_admin)
    body = {"roles": [{"role": "regional_admin", "organisation": region_org().name}]}
    for method in (api.post, api.put, api.patch):
        assert method("/api/v1/me/", body, format="json").status_code == 405
    assert Membership.objects.filter(user=zone5_admin).count() == 1


def test_a_zones_auditor_lists_their_zones_grants_only(make_member):
    regional = make_member(Role.REGIONAL_ADMIN)
    in_zone5 = actions.grant(
        by=regional, user=UserFactory(), organisation=municipal_org(5), role=Role.OPERATOR
    )
    actions.grant(by=regional, user=UserFactory(), organisation=zone_org(2), role=Role.OPERATOR)
    zone5_auditor = make_member(Role.AUDITOR, organisation=zone_org(5))
    listed = signed_in(zone5_auditor).get("/admin/privilege-grants/").context["object_list"]
    assert [event.object_id for event in listed] == [str(in_zone5.pk)]


def test_the_region_revokes_a_membership_in_the_admin(make_member):
    regional = make_member(Role.REGIONAL_ADMIN)
    operator = make_member(Role.OPERATOR, zone_number=2)
    membership = Membership.objects.get(user=operator)
    response = signed_in(regional).post(f"/admin/memberships/delete/{membership.pk}/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not fresh(operator).has_perm("people.view_person")
    event = AuditEvent.objects.get(object_type="accounts.membership", object_id=membership.pk)
    assert (event.actor, event.action, event.detail["change"]) == (regional, "delete", "revoke")
