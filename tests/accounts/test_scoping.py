import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership, Organisation, OrganisationKind, Role
from siso_platform.people.facts import join_household, record_fact
from siso_platform.people.models import Fact

from ..factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_zones(person_in_zone):
    return [person_in_zone(2) for _ in range(3)], [person_in_zone(5) for _ in range(2)]


def test_an_operator_of_zone_2_sees_none_of_the_persons_of_zone_5(make_member, two_zones):
    zone2, zone5 = two_zones
    operator = make_member(Role.OPERATOR, zone_number=2)
    visible = set(scoping.persons(operator))
    assert visible == set(zone2)
    assert not visible & set(zone5)
    assert not scoping.can_view_person(operator, zone5[0])
    assert scoping.can_change_person(operator, zone2[0])


def test_an_operator_sees_the_whole_zone_of_their_office(make_member, person_in_zone):
    operator = make_member(Role.OPERATOR, zone_number=2)  # office in Perugia
    # Corciano is another municipality of zone 2.
    from siso_platform.territory.models import Municipality

    neighbour = person_in_zone(2, residence_municipality=Municipality.objects.get(name="Corciano"))
    assert scoping.can_view_person(operator, neighbour)


def test_a_regional_administrator_sees_no_identifying_person_data(make_member, two_zones):
    admin = make_member(Role.REGIONAL_ADMIN)
    assert not scoping.persons(admin).exists()
    assert not scoping.households(admin).exists()
    assert not scoping.scope_for(admin).sees_identifying_data
    assert not scoping.persons(make_member(Role.AUDITOR)).exists()


def test_a_zone_administrator_sees_their_zone_only(make_member, two_zones):
    _, zone5 = two_zones
    assert set(scoping.persons(make_member(Role.ZONE_ADMIN, zone_number=5))) == set(zone5)


def test_a_data_steward_sees_their_municipality_only(make_member, person_in_zone):
    from siso_platform.territory.models import Municipality

    in_perugia = person_in_zone(2)
    in_corciano = person_in_zone(
        2, residence_municipality=Municipality.objects.get(name="Corciano")
    )
    steward = make_member(Role.DATA_STEWARD, zone_number=2)  # Perugia, the zone's lead
    assert scoping.can_view_person(steward, in_perugia)
    assert not scoping.can_view_person(steward, in_corciano)


def test_an_expired_membership_gives_no_access(make_member, person_in_zone):
    person = person_in_zone(2)
    operator = make_member(Role.OPERATOR, zone_number=2)
    Membership.objects.filter(user=operator).update(valid_to=datetime.date(2020, 1, 1))
    operator = type(operator).objects.get(pk=operator.pk)  # drop the cached scope
    assert not scoping.can_view_person(operator, person)
    assert not operator.has_perm("people.view_person")


def test_third_sector_operators_see_only_persons_linked_to_their_body(person_in_zone):
    body = Organisation.objects.create(kind=OrganisationKind.THIRD_SECTOR_BODY, name="Coop")
    user = UserFactory()
    Membership.objects.create(user=user, organisation=body, role=Role.THIRD_SECTOR_OPERATOR)
    assigned, other = person_in_zone(2), person_in_zone(2)
    assert not scoping.persons(user).exists()  # nothing assigned yet

    # The hook later packages (casework assignments) use to reach a person.
    def assigned_to_body(scope, change):
        if change or not scope.body_ids:
            return None
        return Q(pk=assigned.pk)

    scoping.register_person_link(assigned_to_body)
    try:
        assert list(scoping.persons(user)) == [assigned]
        assert not scoping.can_change_person(user, assigned)  # read only
        assert not scoping.can_view_person(user, other)
    finally:
        scoping._person_links.remove(assigned_to_body)


def test_households_follow_their_municipality_and_visible_members(make_member, person_in_zone):
    from siso_platform.territory.models import Municipality

    terni = Municipality.objects.get(name="Terni")  # zone 10
    in_zone_2 = HouseholdFactory()
    in_zone_10 = HouseholdFactory(municipality=terni)
    operator = make_member(Role.OPERATOR, zone_number=2)
    assert set(scoping.households(operator)) == {in_zone_2}
    # A household registered in Terni whose member now lives in zone 2 becomes visible.
    join_household(person_in_zone(2), in_zone_10, "head", since=datetime.date(2024, 1, 1))
    assert set(scoping.households(operator)) == {in_zone_2, in_zone_10}


def test_restrict_scopes_any_queryset_by_person(make_member, two_zones):
    zone2, zone5 = two_zones
    for person in zone2 + zone5:
        record_fact(person, "isee", {"isee": 1}, valid_from=datetime.date(2026, 1, 1), source="t")
    operator = make_member(Role.OPERATOR, zone_number=2)
    facts = scoping.restrict(operator, Fact.objects.all(), person_path="person")
    assert {fact.person for fact in facts} == set(zone2)


def test_pure_scope_rules():
    grants = [
        scoping.Grant(Role.OPERATOR, OrganisationKind.MUNICIPALITY, 1, zone_id=2, office_zone_id=3),
        scoping.Grant(Role.REGIONAL_ADMIN, OrganisationKind.REGION, 9),
    ]
    scope = scoping.scope_from_grants(grants)
    assert scope.zone_ids == {3}  # the office's zone wins over the organisation's
    assert scoping.scope_from_grants([grants[1]]).empty
    assert scoping.scope_from_grants([], superuser=True).unrestricted


def test_membership_roles_must_fit_the_organisation(english):
    body = Organisation.objects.create(kind=OrganisationKind.THIRD_SECTOR_BODY, name="Coop")
    membership = Membership(user=UserFactory(), organisation=body, role=Role.ZONE_ADMIN)
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert "does not exist in a third-sector body" in str(caught.value.message_dict["role"])


def test_a_membership_puts_the_user_in_the_role_group(make_member):
    operator = make_member(Role.OPERATOR, zone_number=2)
    assert operator.has_perm("people.view_person")
    assert not operator.has_perm("audit.view_auditevent")
    Membership.objects.filter(user=operator).delete()
    operator = type(operator).objects.get(pk=operator.pk)
    assert not operator.has_perm("people.view_person")
