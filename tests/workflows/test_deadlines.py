import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from workflows import runtime
from workflows.deadlines import sweep
from workflows.models import Notification

from .conftest import end, task

MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


def _deadline(escalation):
    return {"duration": "P2D", "working_days": True, "escalation": escalation}


def test_an_overdue_task_is_escalated_once_and_the_zone_admin_sees_it(
    client, publish_steps, operator, social_worker, zone_admin
):
    version = publish_steps(
        [task("check", "done", queue=True, deadline=_deadline("notify")), end()]
    )
    with freeze_time(MONDAY):
        runtime.start(version, user=operator)
        (check,) = runtime.queue(social_worker)
        runtime.claim(check, social_worker)
    # Two working days from Monday 09:00 is Wednesday 09:00.
    assert timezone.localtime(check.deadline.due_at).date() == datetime.date(2026, 11, 25)

    with freeze_time(MONDAY + datetime.timedelta(days=1)):
        assert sweep()["escalated"] == 0
    with freeze_time(MONDAY + datetime.timedelta(days=2, hours=1)):
        assert sweep()["escalated"] == 1
        call_command("workflow_sweep", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert sweep()["escalated"] == 0
        client.force_login(zone_admin)
        inbox = client.get(reverse("workflows:inbox"))
    assert Notification.objects.filter(recipient=zone_admin, task=check).count() == 1
    assert Notification.objects.filter(recipient=social_worker, task=check).count() == 1
    assert list(inbox.context["escalated"]) == [check]
    assert 'class="overdue"' in inbox.content.decode()


def test_escalation_by_reassignment_gives_the_task_to_the_zone_admin(
    publish_steps, operator, social_worker, zone_admin
):
    version = publish_steps([task("check", "done", deadline=_deadline("reassign")), end()])
    with freeze_time(MONDAY):
        runtime.start(version, user=operator)
    (check,) = runtime.my_tasks(social_worker)
    with freeze_time(MONDAY + datetime.timedelta(days=3)):
        sweep()
        sweep()
    assert list(runtime.my_tasks(zone_admin)) == [check]
    assert list(runtime.my_tasks(social_worker)) == []
    assert Notification.objects.filter(recipient=zone_admin).count() == 1
