from django.urls import reverse
from viewflow.workflow.status import PROCESS

from workflows import runtime
from workflows.models import Notification

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
