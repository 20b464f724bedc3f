"""An XLSForm uploaded in the admin becomes a questionnaire that validates like a native one."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forms.models import FormDefinition
from forms.publishing import publish
from forms.validation import validate
from siso_platform.accounts.models import Role

from .test_xlsform import CHOICES, HOUSEHOLD, SETTINGS, xlsx


def test_xlsform_with_relevant_and_repeat_imports_and_validates(client, make_member, region_org):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    upload = SimpleUploadedFile("household.xlsx", xlsx(HOUSEHOLD, CHOICES, SETTINGS).read())
    response = client.post(reverse("forms_admin:import"), {"file": upload, "owner": region_org.pk})
    assert response.status_code == 302
    definition = FormDefinition.objects.get(slug="scheda-accesso")
    version = publish(definition)
    assert version.number == 1

    owned = validate(version.compiled, {"tenure": "owned", "rent": "900", "members": [{}]})
    assert owned.is_valid, owned.errors
    assert owned.cleaned == {"tenure": "owned"}  # rent and the household step are hidden

    rented = validate(
        version.compiled,
        {
            "tenure": "rented",
            "rent": "650",
            "members": [
                {"first_name": "Ada", "relation": "partner", "partner_job": "nurse"},
                {"relation": "child", "partner_job": "none"},
            ],
        },
    )
    assert rented.errors == {"members[1].first_name": ["Questo campo è obbligatorio."]}
    assert rented.cleaned["members"][1] == {"relation": "child"}  # job hidden for a child
    assert rented.cleaned["member_count"] == 2


def test_a_broken_xlsform_is_refused_naming_the_row(english_client, make_member, region_org):
    client = english_client
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    survey = [*HOUSEHOLD[:2], ["geoshape", "where", "Dove", "Where"], *HOUSEHOLD[2:]]
    upload = SimpleUploadedFile("bad.xlsx", xlsx(survey, CHOICES, SETTINGS).read())
    response = client.post(reverse("forms_admin:import"), {"file": upload, "owner": region_org.pk})
    assert response.status_code == 200
    assert "row 3" in response.content.decode()
    assert not FormDefinition.objects.exists()
