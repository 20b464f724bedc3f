"""What a user is told, and what the notifications page and the header's badge show."""

import datetime
import re

from django.template import Context, Template
from django.urls import reverse
from freezegun import freeze_time

from siso_platform.accounts.models import Membership, Organisation, Role
from siso_platform.monitoring.alerts import raise_alert
from siso_platform.notifications.models import Kind, Notification
from workflows import runtime
from workflows.deadlines import sweep
from workflows.models import TaskDeadline

from ..conftest import municipality_in_zone
from ..workflows.conftest import end, task
from .conftest import LIST

MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


def badge(client) -> str | None:
    """The header's count of unread notifications, or None when it shows none."""
    page = client.get(reverse("workflows:inbox")).content.decode()
    assert reverse("notifications:list") in page
    found = re.search(r'class="[^"]*notifications-count">(\d+)', page)
    return found.group(1) if found else None


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_task_given_to_a_social_worker_shows_on_the_badge_until_read(
    client, notified, publish_steps, operator, social_worker
):
    version = publish_steps([task("check", "done", title="Verifica documenti"), end()])
    with notified():
        runtime.start(version, user=operator)
    (check,) = runtime.my_tasks(social_worker)
    assert kinds(social_worker) == [Kind.TASK] and kinds(operator) == []

    client.force_login(social_worker)
    assert badge(client) == "1"
    page = client.get(LIST).content.decode()
    assert "Verifica documenti" in page and "notifications-item-unread" in page
    note = Notification.objects.get(recipient=social_worker)
    opened = client.get(reverse("notifications:open", args=[note.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("workflows:task", args=[check.pk])
    assert badge(client) is None
    assert "notifications-item-unread" not in client.get(LIST).content.decode()


def test_a_queued_task_tells_the_queue_and_claiming_it_tells_nobody_more(
    client, notified, publish_steps, operator, social_worker, other_worker
):
    version = publish_steps([task("check", "done", queue=True), end()])
    with notified():
        runtime.start(version, user=operator)
    assert kinds(social_worker) == kinds(other_worker) == [Kind.QUEUE]
    (check,) = runtime.queue(social_worker)
    client.force_login(social_worker)
    with notified():
        client.post(reverse("workflows:claim", args=[check.pk]))
    assert runtime.my_tasks(social_worker).get() == check
    assert Notification.objects.count() == 2


def test_the_user_whose_step_gives_them_the_next_task_is_not_told(
    client, notified, publish_steps, operator, social_worker
):
    steps = [
        task("first", "second"),
        task("second", "done", assignee={"rule": "performer", "step": "first"}),
        end(),
    ]
    version = publish_steps(steps)
    with notified():
        runtime.start(version, user=operator)
    (first,) = runtime.my_tasks(social_worker)
    client.force_login(social_worker)
    with notified():
        client.post(reverse("workflows:task", args=[first.pk]), {"approved": "true"})
    assert runtime.my_tasks(social_worker).get().flow_task.name == "second"
    assert kinds(social_worker) == [Kind.TASK]  # the first task only


def test_the_sweep_escalation_tells_the_zone_admin_once(
    notified, publish_steps, operator, social_worker, zone_admin
):
    deadline = {"duration": "P2D", "working_days": True, "escalation": "notify"}
    version = publish_steps([task("check", "done", deadline=deadline), end()])
    with freeze_time(MONDAY), notified():
        runtime.start(version, user=operator)
    with freeze_time(MONDAY + datetime.timedelta(days=3)), notified():
        assert sweep()["escalated"] == 1
        assert sweep()["escalated"] == 0
    assert kinds(zone_admin) == [Kind.ESCALATION]
    assert kinds(social_worker) == [Kind.ESCALATION, Kind.TASK]
    assert TaskDeadline.objects.get().escalated_at is not None


def test_an_escalation_that_reassigns_tells_the_admin_once(
    notified, publish_steps, operator, social_worker, zone_admin
):
    deadline = {"duration": "P2D", "working_days": True, "escalation": "reassign"}
    version = publish_steps([task("check", "done", deadline=deadline), end()])
    with freeze_time(MONDAY), notified():
        runtime.start(version, user=operator)
    with freeze_time(MONDAY + datetime.timedelta(days=3)), notified():
        sweep()
    assert runtime.my_tasks(zone_admin).count() == 1
    assert kinds(zone_admin) == [Kind.ESCALATION]


def _alert(person, title="Bisogno senza intervento"):
    alert, _ = raise_alert(
        kind="gap",
        key=f"gap-{person.pk}",
        zone_id=person.residence_municipality.zone_id,
        title=title,
        person_id=person.pk,
        severity="high",
    )
    return alert


def test_an_alert_assigned_by_a_colleague_is_told_and_one_taken_is_not(
    client, notified, operator, social_worker, other_worker, person_in_zone
):
    alert = _alert(person_in_zone(2))
    url = reverse("monitoring:alert", args=[alert.pk])
    client.force_login(operator)
    with notified():
        client.post(url, {"action": "assign", "assigned_to": social_worker.pk})
    assert kinds(social_worker) == [Kind.ALERT]
    client.force_login(other_worker)
    with notified():
        client.post(url, {"action": "take"})
    assert kinds(other_worker) == []

    client.force_login(social_worker)
    note = Notification.objects.get(recipient=social_worker)
    page = client.get(LIST).content.decode()
    assert reverse("notifications:open", args=[note.pk]) in page
    assert client.get(reverse("notifications:open", args=[note.pk]))["Location"] == url


def test_another_users_notification_is_404_and_never_listed(
    client, notified, operator, social_worker, other_worker, person_in_zone
):
    alert = _alert(person_in_zone(2))
    client.force_login(operator)
    with notified():
        client.post(
            reverse("monitoring:alert", args=[alert.pk]),
            {"action": "assign", "assigned_to": social_worker.pk},
        )
    note = Notification.objects.get(recipient=social_worker)
    client.force_login(other_worker)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[999_999])).status_code == 404
    page = client.get(LIST)
    assert list(page.context["items"]) == []
    client.post(reverse("notifications:read"))
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_a_notification_whose_object_left_the_scope_shows_nothing_of_it(
    client, notified, operator, social_worker, person_in_zone
):
    person = person_in_zone(2)
    alert = _alert(person, title=f"Bisogno di {person.last_name} {person.tax_code}")
    client.force_login(operator)
    with notified():
        client.post(
            reverse("monitoring:alert", args=[alert.pk]),
            {"action": "assign", "assigned_to": social_worker.pk},
        )
    note = Notification.objects.get(recipient=social_worker)
    client.force_login(social_worker)
    shown = client.get(LIST).content.decode()
    assert "notifications-item-detail" in shown and "No longer available" not in shown

    # The social worker moves to zone 5: zone 2's alert is out of their scope.
    Membership.objects.filter(user=social_worker).delete()
    Membership.objects.create(
        user=social_worker,
        organisation=Organisation.objects.get(municipality=municipality_in_zone(5)),
        role=Role.SOCIAL_WORKER,
        valid_from=datetime.date(2020, 1, 1),
    )
    client.force_login(social_worker)
    english = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No longer available to you." in english
    assert person.last_name not in english and person.tax_code not in english
    assert "unmet need" not in english  # the alert's kind, shown while it was in scope
    assert reverse("notifications:open", args=[note.pk]) not in english
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.get(reverse("monitoring:alert", args=[alert.pk])).status_code == 404
    assert badge(client) == "1"
    client.post(reverse("notifications:read"))
    assert badge(client) is None


def test_the_badge_costs_the_header_one_query(django_assert_num_queries, social_worker):
    Notification.objects.create(
        recipient=social_worker, kind=Kind.ALERT, object_type="monitoring.alert", object_id=1
    )
    template = Template(
        "{% load notification_badge %}{% unread_notifications user as a %}"
        "{% unread_notifications user as b %}{{ a }}{{ b }}"
    )
    with django_assert_num_queries(1):
        assert template.render(Context({"user": social_worker})) == "11"


def test_the_digest_choice_is_saved(client, social_worker):
    client.force_login(social_worker)
    assert client.get(LIST).context["digest_form"]["digest"].value() is True
    client.post(reverse("notifications:digest"), {})
    assert social_worker.notification_preference.digest is False
    assert client.get(LIST).context["digest_form"]["digest"].value() is False
    client.post(reverse("notifications:digest"), {"digest": "1"})
    social_worker.notification_preference.refresh_from_db()
    assert social_worker.notification_preference.digest is True


def test_a_body_operator_is_told_when_their_report_is_reviewed(client, notified, world):
    from siso_platform.thirdsector import actions as thirdsector
    from siso_platform.thirdsector.models import ActivityReport

    author = world.users[Role.THIRD_SECTOR_OPERATOR]
    report = ActivityReport.objects.get(pk=world.here.report)
    reviewer = world.users[Role.SOCIAL_WORKER]
    with notified():
        thirdsector.request_correction(report, by=reviewer, note="Manca la firma")
        thirdsector.accept_report(report, by=reviewer)
    assert kinds(author) == [Kind.REPORT_ACCEPTED, Kind.REPORT_RETURNED]
    assert kinds(reviewer) == []

    client.force_login(author)
    page = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Report of {report.date:%d/%m/%Y}" in page
    assert "Manca la firma" not in page and report.person.last_name not in page
    note = Notification.objects.filter(recipient=author).first()
    assert client.get(reverse("notifications:open", args=[note.pk]))["Location"] == reverse(
        "thirdsector:body"
    )
