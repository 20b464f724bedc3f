"""Form steps of a procedure about no person (a body's accreditation), and the person check
that still holds for a procedure about a person."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from forms.models import Draft, FormVersion, Submission
from forms.submitting import save
from siso_platform.audit.models import AuditEvent
from tests.forms.test_wizard import Wizard
from workflows import runtime

from .conftest import apply_for_accreditation, end, task
from .test_pages import _publish_request_form
from .test_templates import APPLICATION, take, work


def only(user, step: str):
    (item,) = [item for item in runtime.my_tasks(user) if item.flow_task.name == step]
    return item


def open_wizard(client, item) -> Wizard:
    """The task page offers the questionnaire; filling it opens the form builder's wizard."""
    page = client.get(reverse("workflows:task", args=[item.pk]))
    assert page.status_code == 200 and page.context["is_mine"]
    assert reverse("workflows:fill", args=[item.pk]) in page.content.decode()
    response = client.post(reverse("workflows:fill", args=[item.pk]))
    assert response.status_code == 302
    return Wizard(client, response["Location"])


def decision() -> dict:
    today = timezone.localdate()
    return {
        "decision": "approve",
        "zones": "2",
        "service_areas": ["elderly"],
        "valid_from": today.isoformat(),
        "valid_to": today.replace(year=today.year + 3).isoformat(),
    }


def test_the_accreditation_is_filled_on_its_task_pages_without_any_person(
    client, templates, body_operator, zone_admin
):
    process = apply_for_accreditation(templates, body_operator)

    # The body fills its application, leaves it as a draft and resumes it from the task.
    client.force_login(body_operator)
    domanda = only(body_operator, "domanda")
    wizard = open_wizard(client, domanda)
    assert wizard.step == "ente"
    assert wizard.page.context["subject"] is None
    fields = ("body_name", "body_tax_code", "legal_form", "runts_number", "pec")
    wizard.post({key: APPLICATION[key] for key in fields})
    assert wizard.step == "servizi"
    assert wizard.post(save_draft="1")["Location"] == reverse("forms:drafts")
    (draft,) = Draft.objects.filter(owner=body_operator)
    assert draft.subject is None
    assert str(draft.uuid) in client.get(reverse("forms:index")).content.decode()
    resumed = client.post(reverse("workflows:fill", args=[domanda.pk]))
    assert resumed["Location"] == wizard.url  # the same draft, not a new one
    wizard = Wizard(client, wizard.url)
    assert wizard.step == "servizi"
    wizard.post({"service_areas": APPLICATION["service_areas"], "zones_requested": "2"})
    assert wizard.step == "review"
    done = wizard.post(**{"review-confirm": "on"})
    assert done["Location"] == reverse("workflows:process", args=[process.pk])
    assert not Draft.objects.exists()
    application = Submission.objects.get(version__definition__slug="domanda-accreditamento")
    assert application.subject is None and application.submitted_by == body_operator
    assert AuditEvent.objects.filter(
        action="create", object_id=str(application.pk), person__isnull=True
    ).exists()

    take(zone_admin, "completezza")
    work(zone_admin, "completezza", {"approved": True})

    # The zone reviews the application on its task page.
    client.force_login(zone_admin)
    wizard = open_wizard(client, only(zone_admin, "istruttoria"))
    assert wizard.step == "istruttoria"
    wizard.post({**decision(), "valid_to": timezone.localdate().isoformat()})
    assert wizard.step == "istruttoria"  # the end must follow the start
    wizard.post(decision())
    assert wizard.step == "review"
    done = wizard.post(**{"review-confirm": "on"})
    assert done.status_code == 302

    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert process.data["vars"]["accredited"] is True
    assert process.data["answers"]["domanda"]["runts_number"] == "12345"
    assert process.data["answers"]["istruttoria"]["service_areas"] == ["elderly"]
    review = Submission.objects.get(pk=process.data["submissions"]["istruttoria"])
    assert review.subject is None and review.submitted_by == zone_admin


def test_a_draft_about_no_person_serves_only_its_task_while_it_is_open(
    client, templates, body_operator, zone_admin
):
    apply_for_accreditation(templates, body_operator)
    client.force_login(body_operator)
    domanda = only(body_operator, "domanda")
    wizard = open_wizard(client, domanda)
    assert wizard.page.status_code == 200

    other = Client()
    other.force_login(zone_admin)  # not the task's owner (nor the draft's)
    assert other.post(reverse("workflows:fill", args=[domanda.pk])).status_code == 403
    assert other.get(wizard.url).status_code == 404

    # Completed meanwhile through the API: the draft no longer opens, nor is it listed.
    runtime.complete(domanda, body_operator, answers=APPLICATION)
    assert client.get(wizard.url).status_code == 404
    assert str(Draft.objects.get().uuid) not in client.get(reverse("forms:index")).content.decode()


def test_a_form_step_about_a_person_still_needs_who_may_change_the_person(
    client, publish_steps, operator, person_in_zone
):
    _publish_request_form()
    version = publish_steps(
        [task("request", "done", form="richiesta-contributo", assignee={"rule": "starter"}), end()]
    )
    stranger = person_in_zone(5)  # outside the operator's zone
    process = runtime.start(version, user=operator, subject=stranger)
    (item,) = runtime.my_tasks(operator)

    with pytest.raises(PermissionDenied):
        runtime.complete(item, operator, answers={"amount": 10})
    client.force_login(operator)
    # nor is the task theirs to see: the person is out of their reach
    assert client.post(reverse("workflows:fill", args=[item.pk])).status_code == 404
    assert not Draft.objects.exists()
    # Nor does a submission about no person complete it.
    form = FormVersion.objects.get(definition__slug="richiesta-contributo")
    anonymous = save(form, None, {"amount": 10}, user=operator, channel="web")
    with pytest.raises(PermissionDenied):
        runtime.complete(item, operator, submission=anonymous)

    process.refresh_from_db()
    assert process.status != PROCESS.DONE and "request" not in process.data["answers"]
    assert Submission.objects.get() == anonymous  # only the one made by hand here
