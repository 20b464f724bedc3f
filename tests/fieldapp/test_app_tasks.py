"""Tasks in the field app at phone size: my tasks and my group's queue, taken, released and
completed through the outbox; a task completed meanwhile by someone else is refused with the
server's reason, in Italian."""

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from forms.models import Submission
from forms.wizard import documents_folder
from siso_platform.accounts.models import Role
from siso_platform.casework.procedures import seed
from tests.api.conftest import (  # noqa: F401 (fixtures)
    accredited_body,
    api,
    as_user,
    assignment,
    body_operator,
    case,
    home_care,
    office,
    operator,
    report_review,
    social_worker,
)
from tests.api.test_form_files import PDF
from tests.api.test_task_files import STARTER, publish_visit_form
from tests.browser import axe_violations
from tests.workflows.conftest import end, make_definition, task
from workflows import runtime
from workflows.publishing import publish

from .conftest import DESKTOP, PHONE
from .test_app_browser import (
    first_visit,
    outbox,
    serve_without_answer,
    sign_in,
    wait_for_states,
)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fieldapp_browser")]


@pytest.fixture
def review(report_review, home_care, social_worker):  # noqa: F811
    """A body's report waiting for review: a task in the queue of the zone's social workers."""
    return {"user": social_worker, "person": home_care.person, "task": report_review}


def take_offline(page, app, review):
    page.wait_for_selector("#home-queue button[data-task-action=claim]")
    assert axe_violations(page) == []  # home, with the queue
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    app.set_offline(True)
    page.click(f"#home-queue button[data-task='{review['task'].pk}']")
    # At once among my tasks, marked as not sent yet.
    page.wait_for_selector(f"#home-tasks a[href='#task/{review['task'].pk}']")
    assert _("taken on this device, not sent yet") in page.locator("#home-tasks").inner_text()


def approve(page, review):
    page.click(f"#home-tasks a[href='#task/{review['task'].pk}']")
    page.wait_for_selector("#task-form", state="visible")
    assert axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("label[for=task-approved]")  # Bootstrap Italia draws the radio on its label
    page.fill("#task-note", "Ore corrette")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("#screen-outbox", state="visible")


def test_a_queue_task_taken_offline_is_mine_once_online_and_completed(open_app, review):
    app = open_app()
    page = first_visit(app)
    sign_in(page, review)
    take_offline(page, app, review)
    assert outbox(page) == [_("pending")]
    assert runtime.tasks().get(pk=review["task"].pk).owner is None

    app.set_offline(False)
    wait_for_states(page, _("sent"))
    task = runtime.tasks().get(pk=review["task"].pk)
    assert task.owner == review["user"] and task.status in runtime.WORKING

    page.goto("/app/#home")
    page.wait_for_selector(f"#home-tasks a[href='#task/{task.pk}']")
    page.wait_for_function(  # the sync brought the server's own list: no mark left
        "(mark) => !document.querySelector('#home-tasks').textContent.includes(mark)",
        arg=_("taken on this device, not sent yet"),
    )
    approve(page, review)
    wait_for_states(page, _("sent"), _("sent"))
    task = runtime.tasks().get(pk=task.pk)
    assert task.status == "DONE" and task.data["answers"]["approved"] is True


def test_a_task_completed_meanwhile_by_someone_else_shows_who_did_it(open_app, review, make_member):
    app = open_app()
    page = first_visit(app)
    sign_in(page, review)
    take_offline(page, app, review)
    approve(page, review)
    assert outbox(page) == [_("pending"), _("pending")]

    # Meanwhile a colleague of the zone takes the task and completes it on the web.
    colleague = make_member(Role.SOCIAL_WORKER, zone_number=2)
    colleague.first_name, colleague.last_name = "Giulia", "Bianchi"
    colleague.save()
    runtime.claim(review["task"], colleague)
    runtime.complete(
        runtime.tasks().get(pk=review["task"].pk), colleague, answers={"approved": False}
    )

    app.set_offline(False)
    page.wait_for_function(
        "() => document.querySelectorAll('#outbox-list li[data-state=refused]').length === 2"
    )
    finished = timezone.localtime(runtime.tasks().get(pk=review["task"].pk).finished)
    reason = _(
        "%(name)s completed this task meanwhile, on %(when)s: your answers were not used."
    ) % {"name": "Giulia Bianchi", "when": finished.strftime("%d/%m/%Y %H:%M")}
    states = page.locator("#outbox-list [data-slot=state]").all_inner_texts()
    assert states[1] == _("refused: %(reason)s") % {"reason": reason}
    assert states[0] == _("refused: %(reason)s") % {
        "reason": _("The task is no longer in the queue.")
    }
    assert axe_violations(page) == []
    # The refused items stay: copy or discard, nothing to correct.
    item = page.locator("#outbox-list li").nth(1)
    assert item.get_by_role("button", name=_("Correct and send again")).is_hidden()
    assert item.get_by_role("button", name=_("Discard")).is_visible()
    task = runtime.tasks().get(pk=review["task"].pk)
    assert task.owner == colleague and task.data["answers"]["approved"] is False


def test_a_take_whose_answer_was_lost_is_not_refused(open_app, review):
    """The first request went through but its answer was lost: the retry, with the same key,
    gets the task as mine, and the outbox says sent, not refused."""
    app = open_app()
    page = first_visit(app)
    sign_in(page, review)
    take_offline(page, app, review)
    claim = ("POST", f"/api/v1/tasks/{review['task'].pk}/claim/")
    lost = []

    def served_but_the_answer_is_lost(route):
        serve_without_answer(app, route)
        lost.append(route)
        route.abort("connectionreset")

    app.overrides[claim] = served_but_the_answer_is_lost
    app.set_offline(False)
    page.click("#sync-now")
    while not lost:
        page.wait_for_timeout(50)
    assert runtime.tasks().get(pk=review["task"].pk).owner == review["user"]
    del app.overrides[claim]
    page.reload()  # the next start syncs again
    page.wait_for_selector("body[data-ready]", state="attached")
    wait_for_states(page, _("sent"))
    assert runtime.tasks().get(pk=review["task"].pk).owner == review["user"]
    # sent again (once per sync round that found it pending), and taken once
    assert len([r for r in app.requests if r == claim]) >= 2


def test_the_new_screens_at_desktop_size_have_no_serious_accessibility_violations(open_app, review):
    app = open_app(DESKTOP)
    page = first_visit(app)
    sign_in(page, review)
    page.wait_for_selector("#home-queue button[data-task-action=claim]")
    assert axe_violations(page) == []  # home, with my tasks and the queue
    page.click(f"#home-queue button[data-task='{review['task'].pk}']")
    page.click(f"#home-tasks a[href='#task/{review['task'].pk}']")
    page.wait_for_selector("#task-form", state="visible")
    assert axe_violations(page) == []
    person = review["person"]
    for screen in ("diary", "delivery"):
        page.goto(f"/app/#person/{person.pk}")
        page.wait_for_selector("#screen-person", state="visible")
        page.click(f"#person-{screen}")
        page.wait_for_selector(f"#screen-{screen}", state="visible")
        assert page.input_value(f"#{screen}-person") == str(person.pk)
        assert axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= DESKTOP["width"]


def step_questionnaire_offline(open_app, user, person, step):
    """The operator, signed in on the device and then offline, opens the questionnaire of the
    task's form step: the task's person is the subject, nothing to choose."""
    app = open_app()
    page = first_visit(app)
    sign_in(page, {"user": user, "person": person})
    app.set_offline(True)
    page.click(f"#home-tasks a[href='#task/{step.pk}']")
    page.get_by_role("link", name=_("Fill in the questionnaire")).click()
    page.wait_for_selector("#screen-questionnaire", state="visible")
    assert page.input_value("#questionnaire-person") == str(person.pk)
    return app, page


def send_and_wait_offline(page):
    page.click("#questionnaire-send")
    page.wait_for_selector("#screen-outbox", state="visible")
    assert outbox(page) == [_("pending")]


def test_a_form_step_is_completed_offline_with_the_questionnaire_of_the_step(
    open_app,
    operator,  # noqa: F811
    case,  # noqa: F811
):
    """The access procedure's first step, the operator's own, asks for the access registration
    form: the operator fills it on the device offline, and the answers complete the task once."""
    templates = {version.definition.slug: version for version in seed()}
    person = case.person
    process = runtime.start(templates["accesso-accoglienza"], user=operator, subject=person)
    (task,) = runtime.my_tasks(operator)
    assert task.flow_task.name == "registrazione"
    app, page = step_questionnaire_offline(open_app, operator, person, task)
    page.select_option("#q-channel", "phone")
    page.fill("#q-reason", "Chiede un aiuto per l'affitto")
    assert axe_violations(page) == []
    send_and_wait_offline(page)

    app.set_offline(False)
    wait_for_states(page, _("sent"))
    task = runtime.tasks().get(pk=task.pk)
    assert task.status == "DONE" and task.owner == operator
    assert task.data["answers"] == {"channel": "phone", "reason": "Chiede un aiuto per l'affitto"}
    # the procedure moved on to the intake, in the operator's queue or tasks
    assert "scheda" in {t.flow_task.name for t in runtime.tasks().filter(process=process)}


def test_a_form_step_with_a_file_question_is_completed_offline_with_its_file(
    open_app,
    operator,  # noqa: F811
    case,  # noqa: F811
):
    """The step's questionnaire asks for the signed visit report: the operator attaches the PDF
    on the device offline, and once online the answers and the file complete the task as one
    request, the file kept where the web keeps the person's questionnaire files."""
    publish_visit_form()
    version = publish(
        make_definition(
            [task("visit", "done", form="verbale-visita", assignee=STARTER), end()],
            slug="visita-domiciliare",
        )
    )
    person = case.person
    runtime.start(version, user=operator, subject=person)
    (step,) = runtime.my_tasks(operator)
    app, page = step_questionnaire_offline(open_app, operator, person, step)
    page.set_input_files(
        "#q-signed_report",
        files=[{"name": "verbale.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.fill("#q-remarks", "Visita svolta")
    assert axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    send_and_wait_offline(page)
    assert not Submission.objects.exists()

    app.set_offline(False)
    wait_for_states(page, _("sent"))
    step = runtime.tasks().get(pk=step.pk)
    assert step.status == "DONE" and step.owner == operator
    answer = step.data["answers"]["signed_report"]
    assert (answer["name"], answer["size"]) == ("verbale.pdf", len(PDF))
    assert answer["path"].startswith(documents_folder(person.pk))
    assert default_storage.open(answer["path"]).read() == PDF
    assert step.data["answers"]["remarks"] == "Visita svolta"
    assert Submission.objects.get().entered_via == "app"
