"""The operator walks the seeded intake questionnaire over HTTP."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from forms import registry
from forms.logic import evaluate
from forms.models import Draft, Submission
from forms.submitting import save
from forms.views import start_draft
from siso_platform.audit.models import AuditEvent
from siso_platform.people.models import Household, HouseholdMembership

PERSONA = {
    "tax_code": "",  # prefilled from the registry; the tests post it back
    "last_name": "Rossi",
    "first_name": "Mario",
    "birth_date": "1980-01-01",
    "citizenship_kind": "italian",
    "residence_permit": "valid",  # hidden for Italian citizens: must be dropped
    "phone": "075 123456",
}
ECONOMIA = {"work_status": "employed", "monthly_income": "650", "debts": "false", "isee": "4000"}
RICHIESTA = {
    "need_areas": ["economic", "housing"],
    "request_text": "Aiuto per pagare l'affitto",
    "urgency": "medium",
    "consent": "true",
}


class Wizard:
    def __init__(self, client, url):
        self.client, self.url = client, url
        self.page = client.get(url)

    @property
    def step(self) -> str:
        return self.page.context["wizard"]["steps"].current

    def post(self, answers=None, **extra):
        uuid = self.url.rstrip("/").rsplit("/", 1)[-1]
        data = {f"draft-{uuid}-current_step": self.step, **extra}
        for key, value in (answers or {}).items():
            data[key if key in ("review-confirm",) else f"{self.step}-{key}"] = value
        self.page = self.client.post(self.url, data)
        return self.page


@pytest.fixture
def person(person_in_zone):
    return person_in_zone(2, last_name="Rossi", first_name="Mario")


@pytest.fixture
def wizard(client, operator, intake, person):
    client.force_login(operator)
    response = client.post(
        reverse("forms:start", args=["scheda-accesso"]), {"tax_code": person.tax_code.lower()}
    )
    assert response.status_code == 302
    return Wizard(client, response["Location"])


def test_walk_the_intake_form(wizard, person, operator):
    assert wizard.step == "persona"
    html = wizard.page.content.decode()
    assert person.tax_code in html  # prefilled from the person's record
    assert 'for="id_persona-last_name"' in html  # labelled fields
    # the computed age is shown (read-only) from the prefilled birth date
    expected_age = evaluate({"age": [person.birth_date.isoformat()]}, {})
    assert wizard.page.context["wizard"]["form"]["age"].value() == expected_age
    assert 'aria-required="true"' in html

    wizard.post({**PERSONA, "tax_code": person.tax_code})
    assert wizard.step == "nucleo"
    # an adult household: the minors step must be skipped
    wizard.post(
        {
            "members__rows": "1",
            "members__0__member_name": "Anna Rossi",
            "members__0__member_birth_date": "1982-03-04",
            "members__0__relation": "spouse",
            "members__0__member_disability": "false",
            "tenure": "rented",
            "rent": "500",
            "eviction": "false",
        }
    )
    assert wizard.step == "economia"
    wizard.post(ECONOMIA)
    assert wizard.step == "richiesta"
    wizard.post(RICHIESTA)
    assert wizard.step == "review"
    review = wizard.page.content.decode()
    assert "Aiuto per pagare l&#x27;affitto" in review and "Anna Rossi" in review
    assert "Minori" not in [title for _key, title in wizard.page.context["step_titles"]]

    response = wizard.post(**{"review-confirm": "on"})
    assert response.status_code == 302
    submission = Submission.objects.get()
    answers = submission.answers
    assert submission.subject == person and submission.submitted_by == operator
    assert "residence_permit" not in answers  # hidden: dropped
    assert "minors_school" not in answers  # skipped step
    assert answers["household_size"] == 2
    # income < 800 (3) + rent above 40% of income (2)
    assert answers["fragility_score"] == 5
    assert not Draft.objects.exists()
    assert AuditEvent.objects.filter(
        action="create", object_type="forms.submission", person=person
    ).exists()

    page = wizard.client.get(response["Location"])
    assert "Anna Rossi" in page.content.decode()
    assert AuditEvent.objects.filter(action="view", object_type="forms.submission").count() == 1


def test_minors_step_is_shown_when_a_member_is_a_minor(wizard, person):
    wizard.post({**PERSONA, "tax_code": person.tax_code})
    wizard.post(
        {
            "members__rows": "1",
            "members__0__member_name": "Luca Rossi",
            "members__0__member_birth_date": "2018-06-01",
            "members__0__relation": "child",
            "tenure": "owned",
        }
    )
    assert wizard.step == "minori"


def test_errors_are_shown_next_to_their_fields(wizard, person):
    wizard.post({**PERSONA, "tax_code": "RSSMRA80A01H501A", "birth_date": "2090-01-01"})
    assert wizard.step == "persona"
    form = wizard.page.context["wizard"]["form"]
    # in the operators' language, Italian
    assert "carattere di controllo" in " ".join(form.errors["tax_code"]).lower()
    assert form.errors["birth_date"] == ["La data di nascita non può essere futura."]
    assert 'class="field invalid"' in wizard.page.content.decode()


def test_group_rows_are_added_without_losing_answers(wizard, person):
    wizard.post({**PERSONA, "tax_code": person.tax_code})
    wizard.post(
        {"members__rows": "1", "members__0__member_name": "Anna", "tenure": "owned"},
        row_action="add:members",
    )
    assert wizard.step == "nucleo"
    html = wizard.page.content.decode()
    assert 'name="nucleo-members__1__member_name"' in html
    assert 'value="Anna"' in html


def test_draft_resumes_on_another_device(wizard, person, operator):
    wizard.post({**PERSONA, "tax_code": person.tax_code})
    # the blank row the wizard offers for the members is no member
    wizard.post({"members__rows": "1", "members__0__member_name": "", "tenure": "owned"})
    assert wizard.step == "economia"
    response = wizard.post(ECONOMIA, save_draft="1")
    assert response.status_code == 302

    other_device = Client()
    other_device.force_login(operator)
    listing = other_device.get(reverse("forms:index")).content.decode()
    assert "Scheda di accesso" in listing and str(person) in listing
    assert AuditEvent.objects.filter(action="view", object_type="forms.draft", person=person)
    resumed = Wizard(other_device, wizard.url)
    assert resumed.step == "economia"
    assert 'value="650"' in resumed.page.content.decode()
    resumed.post(ECONOMIA)
    assert resumed.step == "richiesta"


def test_prefill_brings_the_household_members(client, operator, intake, person, region):
    spouse_household = Household.objects.create(
        code="F1", municipality=person.residence_municipality
    )
    from tests.factories import PersonFactory

    spouse = PersonFactory(first_name="Anna", last_name="Bianchi")
    for member, relation in ((person, "head"), (spouse, "spouse")):
        HouseholdMembership.objects.create(
            household=spouse_household, person=member, relation=relation, valid_from="2020-01-01"
        )
    client.force_login(operator)
    response = client.post(
        reverse("forms:start", args=["scheda-accesso"]), {"tax_code": person.tax_code}
    )
    wizard = Wizard(client, response["Location"])
    wizard.post({**PERSONA, "tax_code": person.tax_code})
    html = wizard.page.content.decode()
    assert 'value="Anna Bianchi"' in html and spouse.tax_code in html


def test_operators_cannot_fill_forms_about_persons_out_of_scope(
    english_client, operator, intake, person_in_zone
):
    client = english_client
    stranger = person_in_zone(5)
    client.force_login(operator)
    response = client.post(
        reverse("forms:start", args=["scheda-accesso"]), {"tax_code": stranger.tax_code}
    )
    assert response.status_code == 200
    assert "No person with this tax code" in response.content.decode()
    assert not Draft.objects.exists()


def test_a_draft_belongs_to_its_operator(wizard, make_member):
    from siso_platform.accounts.models import Role

    colleague = Client()
    colleague.force_login(make_member(Role.OPERATOR, zone_number=2))
    assert colleague.get(wizard.url).status_code == 404


def test_documents_are_uploaded_with_the_answers(wizard, person, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SISO_PRIVATE_ROOT = tmp_path  # uploads are private (docs/files.md)
    wizard.post({**PERSONA, "tax_code": person.tax_code})
    wizard.post({"members__rows": "0", "tenure": "owned"})
    wizard.post(ECONOMIA)
    program = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    wizard.post({**RICHIESTA, "documents": program})
    assert wizard.step == "richiesta"
    assert wizard.page.context["wizard"]["form"].errors["documents"]

    scan = SimpleUploadedFile("isee.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    wizard.post({**RICHIESTA, "documents": scan})
    assert wizard.step == "review"
    wizard.post(**{"review-confirm": "on"})
    document = Submission.objects.get().answers["documents"]
    assert document["name"] == "isee.pdf" and document["size"] == 13
    assert (tmp_path / document["path"]).read_bytes() == b"%PDF-1.4 test"

    # the submission's page links the document; downloading it is audited
    page = wizard.client.get(reverse("forms:submission", args=[Submission.objects.get().uuid]))
    link = reverse("forms:document", args=[Submission.objects.get().uuid, "documents"])
    assert link in page.content.decode()
    download = wizard.client.get(link)
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert AuditEvent.objects.filter(action="view", purpose="lettura di un documento").exists()


def test_documents_outside_the_persons_folder_are_not_served(
    client, operator, intake, person_in_zone
):
    person = person_in_zone(2)
    submission = Submission.objects.create(
        version=intake.latest_version,
        subject=person,
        answers={"documents": {"name": "x.pdf", "path": "form-files/999/other/x.pdf"}},
        channel="api",
        submitted_by=operator,
    )
    client.force_login(operator)
    assert (
        client.get(reverse("forms:document", args=[submission.uuid, "documents"])).status_code
        == 404
    )


def test_going_back_keeps_what_was_typed(wizard, person):
    wizard.post({**PERSONA, "tax_code": person.tax_code})
    typed = {"members__rows": "0", "tenure": "rented", "rent": "480"}
    wizard.post(typed, wizard_goto_step="persona")
    assert wizard.step == "persona"
    wizard.post({**PERSONA, "tax_code": person.tax_code})
    assert wizard.step == "nucleo"
    assert 'value="480"' in wizard.page.content.decode()


def test_the_standalone_wizard_is_always_about_a_person(client, operator, intake, monkeypatch):
    version = intake.latest_version
    client.force_login(operator)
    response = client.post(reverse("forms:start", args=["scheda-accesso"]), {"tax_code": ""})
    assert response.status_code == 200 and response.context["form"].errors["tax_code"]
    assert not Draft.objects.exists()

    # Only a target that vouches for the user starts a draft about no person.
    monkeypatch.setitem(registry.targets, "test.plain", registry.Target("test.plain", _attach))
    for target in ("", "test.plain"):
        with pytest.raises(PermissionDenied):
            start_draft(version, None, operator, target=target, target_reference="1")
    assert not Draft.objects.exists()

    # A draft about no person made some other way neither opens nor is listed.
    for target in ("", "test.plain", "test.unknown"):
        draft = Draft.objects.create(
            version=version, subject=None, owner=operator, target=target, target_reference="1"
        )
        assert client.get(reverse("forms:fill", args=[draft.uuid])).status_code == 404
        assert str(draft.uuid) not in client.get(reverse("forms:index")).content.decode()

    # Nor do the standalone pages show a submission about no person.
    submission = save(version, None, {"urgency": "low"}, user=operator, channel="web")
    assert client.get(reverse("forms:submission", args=[submission.uuid])).status_code == 404


def _attach(submission, reference, user):
    return None


def test_a_target_may_vouch_for_a_draft_about_no_person(client, operator, intake, monkeypatch):
    """What a procedure step about a body does: its task's owner fills the questionnaire."""
    target = registry.Target("test.body", _attach, may_fill=lambda ref, user: ref == "7")
    monkeypatch.setitem(registry.targets, target.name, target)
    draft = start_draft(
        intake.latest_version, None, operator, target=target.name, target_reference=7
    )
    assert draft.subject is None and draft.state["extra_data"]["prefill"] == {}
    client.force_login(operator)
    assert client.get(reverse("forms:fill", args=[draft.uuid])).status_code == 200
    assert str(draft.uuid) in client.get(reverse("forms:index")).content.decode()

    Draft.objects.filter(pk=draft.pk).update(target_reference="8")  # no longer vouched for
    assert client.get(reverse("forms:fill", args=[draft.uuid])).status_code == 404
