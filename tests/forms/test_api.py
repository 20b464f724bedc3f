"""The phone app reads published questionnaires and posts submissions."""

import jsonschema
import pytest
from django.urls import reverse

from forms.models import Submission
from siso_platform.audit.models import AuditEvent

ANSWERS = {
    "tax_code": "RSSMRA80A01H501U",
    "last_name": "Rossi",
    "first_name": "Mario",
    "birth_date": "1980-01-01",
    "citizenship_kind": "italian",
    "tenure": "owned",
    "work_status": "retired",
    "monthly_income": 1200,
    "debts": False,
    "need_areas": ["isolation"],
    "request_text": "Vive solo e non esce di casa",
    "urgency": "low",
    "consent": True,
}


@pytest.fixture
def api(client, operator):
    client.force_login(operator)
    return client


def test_list_and_read_a_published_version(api, intake):
    [item] = api.get(reverse("api-v1:forms")).json()
    assert item["slug"] == "scheda-accesso" and item["version"] == 1
    detail = api.get(item["url"]).json()
    assert detail["layout"]["steps"][0]["key"] == "persona"
    jsonschema.Draft202012Validator.check_schema(detail["json_schema"])
    assert detail["json_schema"]["properties"]["tenure"]["type"] == "string"


def test_post_a_valid_submission(api, intake, person_in_zone):
    person = person_in_zone(2)
    url = reverse("api-v1:form-submissions", args=["scheda-accesso", 1])
    response = api.post(
        url, {"person": person.pk, "answers": ANSWERS}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["answers"]["fragility_score"] == 0
    assert body["version"] == 1
    submission = Submission.objects.get(uuid=body["uuid"])
    assert submission.channel == "api"
    assert AuditEvent.objects.filter(action="create", person=person).exists()


def test_errors_come_back_by_field_path(api, intake, person_in_zone):
    person = person_in_zone(2)
    answers = {
        **ANSWERS,
        "tenure": "rented",
        "members": [
            {"member_name": "Anna", "member_birth_date": "not a date", "relation": "spouse"}
        ],
    }
    url = reverse("api-v1:form-submissions", args=["scheda-accesso", 1])
    response = api.post(
        url, {"person": person.pk, "answers": answers}, content_type="application/json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {
        "answers.rent",
        "answers.eviction",
        "answers.members[0].member_birth_date",
    }
    assert not Submission.objects.exists()


def test_persons_out_of_scope_are_refused(api, intake, person_in_zone):
    url = reverse("api-v1:form-submissions", args=["scheda-accesso", 1])
    response = api.post(
        url, {"person": person_in_zone(5).pk, "answers": ANSWERS}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "person" in response.json()["errors"]


def test_anonymous_requests_are_refused(client, intake):
    assert client.get(reverse("api-v1:forms")).status_code == 401
