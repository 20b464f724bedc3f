from django.urls import reverse
from viewflow.workflow.status import PROCESS

from forms.models import Submission
from forms.publishing import import_definition
from forms.publishing import publish as publish_form
from siso_platform.accounts.models import Organisation, OrganisationKind
from tests.forms.schemas import field, label
from tests.forms.test_wizard import Wizard
from workflows import runtime
from workflows.models import Notification

from .conftest import end, task, text
from .test_runtime import APPROVE_THEN_DECIDE


def _start(client, user, person, version):
    client.force_login(user)
    response = client.post(
        reverse("workflows:start") + f"?person={person.pk}", {"version": version.pk}
    )
    assert response.status_code == 302
    return runtime.tasks().filter(process__data__version=version.pk).order_by("-pk").first().process


def test_an_operator_starts_and_a_social_worker_works_the_procedure_over_http(
    client, publish_steps, operator, social_worker, person_in_zone
):
    version = publish_steps(APPROVE_THEN_DECIDE)
    process = _start(client, operator, person_in_zone(2), version)

    client.force_login(social_worker)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    (check,) = runtime.queue(social_worker)
    assert reverse("workflows:task", args=[check.pk]) in inbox
    client.post(reverse("workflows:claim", args=[check.pk]))
    page = client.get(reverse("workflows:task", args=[check.pk]))
    assert page.context["is_mine"]
    response = client.post(
        reverse("workflows:task", args=[check.pk]), {"approved": "true", "note": "va bene"}
    )
    (confirm,) = runtime.my_tasks(social_worker)
    assert response["Location"] == reverse("workflows:task", args=[confirm.pk])
    client.post(reverse("workflows:task", args=[confirm.pk]), {"approved": "false"})
    process.refresh_from_db()
    assert process.status == PROCESS.DONE

    page = client.get(reverse("workflows:process", args=[process.pk])).content.decode()
    assert "va bene" in page and "<svg" in page


def test_a_task_page_is_404_for_someone_outside_the_zone(
    client, publish_steps, operator, make_member, person_in_zone
):
    version = publish_steps(APPROVE_THEN_DECIDE)
    _start(client, operator, person_in_zone(2), version)
    (check,) = runtime.tasks().filter(process__data__version=version.pk)
    client.force_login(make_member("social_worker", zone_number=5))
    assert client.get(reverse("workflows:task", args=[check.pk])).status_code == 404
    assert client.post(reverse("workflows:claim", args=[check.pk])).status_code == 404


def test_notifications_are_listed_and_marked_read(client, social_worker):
    Notification.objects.create(recipient=social_worker, message="Scadenza superata")
    client.force_login(social_worker)
    assert "Scadenza superata" in client.get(reverse("workflows:inbox")).content.decode()
    client.post(reverse("workflows:read_notifications"))
    assert "Scadenza superata" not in client.get(reverse("workflows:inbox")).content.decode()


def _publish_request_form():
    schema = {
        "slug": "richiesta-contributo",
        "title": label("Richiesta"),
        "steps": [
            {
                "key": "importo",
                "title": label("Importo"),
                "fields": [field("amount", "integer", required=True)],
            }
        ],
    }
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    publish_form(import_definition({"slug": schema["slug"], "schema": schema}, owner=region))


def test_a_form_step_is_filled_through_the_form_builders_wizard(
    client, publish_steps, operator, person_in_zone
):
    _publish_request_form()
    version = publish_steps(
        [
            task("request", "route", form="richiesta-contributo", assignee={"rule": "starter"}),
            {
                "key": "route",
                "kind": "decision",
                "title": text("Importo alto?"),
                "branches": [{"when": {">": [{"var": "request.amount"}, 100]}, "next": "sign"}],
                "default": "done",
            },
            task("sign", "done", assignee={"rule": "starter"}),
            end(),
        ]
    )
    person = person_in_zone(2)
    process = _start(client, operator, person, version)
    (request_task,) = runtime.my_tasks(operator)
    response = client.post(reverse("workflows:fill", args=[request_task.pk]))
    wizard = Wizard(client, response["Location"])
    wizard.post({"amount": "abc"})
    assert wizard.step == "importo"  # the engine refuses a non-number and keeps the step
    wizard.post({"amount": "250"})
    done = wizard.post(**{"review-confirm": "on"})
    (sign,) = runtime.my_tasks(operator)
    assert done["Location"] == reverse("workflows:task", args=[sign.pk])
    client.post(reverse("workflows:task", args=[sign.pk]), {"approved": "true"})
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert process.data["answers"]["request"] == {"amount": 250}
    submission = Submission.objects.get(pk=process.data["submissions"]["request"])
    assert submission.subject == person


def test_the_case_page_lists_the_procedure_tasks_of_the_case(
    client, publish_steps, operator, social_worker, person_in_zone
):
    from siso_platform.casework import actions

    version = publish_steps([task("check", "done", queue=True, title="Verifica"), end()])
    access = actions.register_access(
        by=operator,
        office=operator.memberships.get().office,
        person=person_in_zone(2),
        channel="in_person",
        reason="Richiesta",
        outcome="taking_in_charge",
    )
    case = actions.open_case(by=operator, person=access.person, office=access.office)
    client.force_login(operator)
    response = client.post(reverse("workflows:start") + f"?case={case.pk}", {"version": version.pk})
    assert response.status_code == 302
    page = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    (check,) = runtime.case_tasks(case.pk)
    assert reverse("workflows:task", args=[check.pk]) in page and "Verifica" in page


def test_a_refusing_automatic_step_leaves_the_task_open_with_the_reason(
    client, publish_steps, operator, person_in_zone
):
    from siso_platform.casework import actions

    version = publish_steps(
        [
            task("confirm", "open", assignee={"rule": "starter"}),
            {
                "key": "open",
                "kind": "action",
                "title": text("Apri cartella"),
                "action": "create_case",
                "params": {},
                "next": "done",
            },
            end(),
        ]
    )
    person = person_in_zone(2)
    office = operator.memberships.get().office
    actions.open_case(by=operator, person=person, office=office)  # a case is already open
    process = _start(client, operator, person, version)
    (confirm,) = runtime.my_tasks(operator)
    page = client.post(reverse("workflows:task", args=[confirm.pk]), {"approved": "true"})
    assert page.status_code == 200
    assert "ha già una presa in carico aperta" in page.content.decode()
    assert list(runtime.my_tasks(operator)) == [confirm]
    process.refresh_from_db()
    assert "confirm" not in process.data["answers"]
