import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from siso_platform.territory.models import CitizenOffice, Closure, Municipality
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


# --- Working days skip national holidays and the office's own closures ---------------------


def _office(municipality):
    return CitizenOffice.objects.get(municipality__name=municipality, is_default=True)


def _due_date(publish_steps, operator, start, office, duration="P1D"):
    """The day a one-step procedure's task falls due when started at `start` in `office`."""
    deadline = {"duration": duration, "working_days": True, "escalation": "notify"}
    version = publish_steps([task("check", "done", queue=True, deadline=deadline), end()])
    with freeze_time(start):
        process = runtime.start(version, user=operator, office=office)
    check = process.task_set.get(flow_task_type="HUMAN")
    return timezone.localtime(check.deadline.due_at).date()


def test_saint_francis_on_4_october_2027_moves_the_deadline_a_day(publish_steps, operator):
    friday = datetime.datetime(2027, 10, 1, 9, 0, tzinfo=datetime.UTC)
    assert _due_date(publish_steps, operator, friday, _office("Terni")) == datetime.date(
        2027, 10, 5
    )


def test_the_patron_saint_of_perugia_is_skipped_in_perugia_not_in_terni(publish_steps, operator):
    thursday = datetime.datetime(2027, 1, 28, 9, 0, tzinfo=datetime.UTC)  # 29 Jan: a Friday
    perugia = _due_date(publish_steps, operator, thursday, _office("Perugia"))
    terni = _due_date(publish_steps, operator, thursday, _office("Terni"))
    assert perugia == datetime.date(2027, 2, 1)
    assert terni == datetime.date(2027, 1, 29)


def test_a_closure_the_zone_adds_in_the_admin_moves_its_deadlines(
    client, publish_steps, operator, zone_admin
):
    perugia = Municipality.objects.get(name="Perugia")
    client.force_login(zone_admin)
    response = client.post(
        reverse("closures:add"),
        {
            "municipality": perugia.pk,
            "office": "",
            "date": "2027-03-03",
            "reason": "Chiusura per trasloco degli uffici",
        },
    )
    assert response.status_code == 302
    assert Closure.objects.filter(municipality=perugia, date=datetime.date(2027, 3, 3)).exists()

    tuesday = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=datetime.UTC)
    assert _due_date(publish_steps, operator, tuesday, _office("Perugia")) == datetime.date(
        2027, 3, 4
    )
    assert _due_date(publish_steps, operator, tuesday, _office("Terni")) == datetime.date(
        2027, 3, 3
    )


def test_an_office_closure_holds_for_that_office_only(publish_steps, operator):
    perugia = Municipality.objects.get(name="Perugia")
    other = CitizenOffice.objects.create(
        municipality=perugia, name="Sportello di Ponte San Giovanni"
    )
    Closure.objects.create(
        municipality=perugia, office=other, date=datetime.date(2027, 3, 3), reason="Inventario"
    )
    tuesday = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=datetime.UTC)
    assert _due_date(publish_steps, operator, tuesday, other) == datetime.date(2027, 3, 4)
    assert _due_date(publish_steps, operator, tuesday, _office("Perugia")) == datetime.date(
        2027, 3, 3
    )
