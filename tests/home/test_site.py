import pytest
from django.urls import reverse

from siso_platform.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_the_home_page_is_the_site_root(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sistema Informativo Sociale" in response.content.decode()


def test_the_admin_speaks_italian_to_an_operator(client, make_member):
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'lang="it"' in page
    assert "Persone" in page and "Nuclei familiari" in page


def test_a_third_sector_operator_has_no_admin_access(client, make_member):
    from siso_platform.accounts.models import Membership, Organisation, OrganisationKind

    from ..factories import UserFactory

    body = Organisation.objects.create(kind=OrganisationKind.THIRD_SECTOR_BODY, name="Coop")
    user = UserFactory()
    Membership.objects.create(user=user, organisation=body, role=Role.THIRD_SECTOR_OPERATOR)
    client.force_login(user)
    assert client.get(reverse("wagtailadmin_home")).status_code == 302
