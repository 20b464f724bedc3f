"""The demo (`make run`) shows the third sector at work: the cooperative is accredited, sees
the persons of the cases entrusted to it, and its first report waits for review."""

from django.contrib.auth import get_user_model

from siso_platform.accounts import scoping
from siso_platform.accounts.demo_users import ensure_demo_users
from siso_platform.casework import demo_data as casework_demo
from siso_platform.casework.procedures import seed
from siso_platform.thirdsector import demo
from siso_platform.thirdsector.models import ActivityReport
from workflows import runtime

from ..factories import PersonFactory


def test_the_demo_cooperative_reaches_its_assigned_persons_and_reports(db):
    seed()
    ensure_demo_users()
    PersonFactory.create_batch(40)  # adults of Perugia
    demo.register()
    casework_demo.populate()
    demo.populate()
    demo.populate()  # again: nothing more

    body_operator = get_user_model().objects.get(username="terzosettore")
    assert scoping.persons(body_operator).exists()
    report = ActivityReport.objects.get()
    assert scoping.persons(body_operator).filter(pk=report.person_id).exists()
    social_worker = get_user_model().objects.get(username="assistente")
    assert [task.process_id for task in runtime.queue(social_worker)] == [report.process_id]
