"""The e-mail digest, sent through a real SMTP server on loopback (aiosmtpd): one message per
user, in Italian, counting what is new and linking to the list, with no personal data."""

import socket
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from siso_platform.monitoring.alerts import raise_alert
from siso_platform.notifications import actions
from siso_platform.notifications.models import Kind, Notification, Preference
from workflows import runtime

from ..workflows.conftest import end, task

SITE = "https://siso.example.org"


class Mailbox:
    """aiosmtpd's handler: keeps what arrives, as the SMTP server received it."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=controller.port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=5,
            WAGTAILADMIN_BASE_URL=SITE,
        ):
            yield mailbox
    finally:
        controller.stop()


def _subject(raw: bytes) -> str:
    return str(make_header(decode_header(message_from_bytes(raw)["Subject"])))


def _body(raw: bytes) -> str:
    return message_from_bytes(raw).get_payload(decode=True).decode()


@pytest.fixture
def news(notified, publish_steps, operator, social_worker, person_in_zone):
    """A task and an alert about a person for the social worker, made as the pages make them."""
    social_worker.email = "assistente@example.org"
    social_worker.save()
    person = person_in_zone(2, first_name="Mariella", last_name="Zanardelli")
    version = publish_steps([task("check", "done", title="Valutazione riservata"), end()])
    alert, _ = raise_alert(
        kind="gap",
        key="gap-x",
        zone_id=person.residence_municipality.zone_id,
        title=f"Bisogno di {person.last_name} ({person.tax_code})",
        person_id=person.pk,
    )
    with notified():
        runtime.start(version, user=operator, subject=person)
        actions.alert_assigned(alert.pk, social_worker.pk)
    assert Notification.objects.filter(recipient=social_worker).count() == 2
    return person


def test_one_italian_message_with_counts_and_a_link_and_no_personal_data(
    smtp, news, social_worker, operator
):
    call_command("notifications_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115

    (envelope,) = smtp.envelopes  # the operator has nothing new: no message
    assert envelope.rcpt_tos == ["assistente@example.org"]
    raw = envelope.original_content
    with translation.override("it"):
        subject = gettext("SISO: new notifications (%(count)s)") % {"count": 2}
        task_label = str(Kind.TASK.label)
    assert _subject(raw) == subject
    body = _body(raw)
    assert f"{SITE}{reverse('notifications:list')}" in body
    assert f"{task_label}: 1" in body
    for secret in (news.last_name, news.first_name, news.tax_code, "Valutazione riservata"):
        assert secret.encode() not in raw and secret not in body


def test_the_italian_words_of_the_message(smtp, news):
    """The subject and the counts read in Italian once the catalogue has them."""
    call_command("notifications_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    (envelope,) = smtp.envelopes
    with translation.override("it"):
        translated = gettext("Hello,") != "Hello,"
    if not translated:
        pytest.skip("the Italian catalogue does not have the digest's words yet")
    assert _subject(envelope.original_content) == "SISO: nuove notifiche (2)"
    assert "Buongiorno," in _body(envelope.original_content)


def test_nothing_new_since_the_last_digest_sends_nothing_and_opting_out_stops_it(
    smtp, news, social_worker, notified, make_member
):
    call_command("notifications_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("notifications_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(smtp.envelopes) == 1

    with notified():
        actions.notify(Kind.ALERT, actions.ALERT, 999, [social_worker.pk])
    actions.set_digest(social_worker, False)
    call_command("notifications_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(smtp.envelopes) == 1

    actions.set_digest(social_worker, True)
    call_command("notifications_digest", "--enqueue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(smtp.envelopes) == 2  # the tests' task backend runs it at once
    assert "(1)" in _subject(smtp.envelopes[1].original_content)
    assert Preference.objects.get(user=social_worker).last_digest_at is not None


def test_read_notifications_are_not_mailed(smtp, news, social_worker):
    actions.mark_read(social_worker)
    call_command("notifications_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert smtp.envelopes == []
