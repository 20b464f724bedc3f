"""The bulk XML file of INPS's web upload channel, prepared in the background: a zone
administrator asks for one ente's ready flows of a kind and period, a task writes them with
its progress shown, the file validates against INPS's XSD and holds exactly the period's
flows; it is downloaded (and audited then) only by the zone's administrators, others get a
404; an empty period says there is nothing to send; a file is deleted after a week."""

import datetime
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from lxml import etree

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.siuss import bulk_files, rules, xml
from siso_platform.siuss import desk as desks
from siso_platform.siuss.models import BulkFile, BulkState, Flow, FlowKind
from siso_platform.territory.models import Municipality, SocialZone

from . import test_desk
from .test_desk import DAY_ONE, DAY_TWO, _benefit, _build

zone2, zone5 = test_desk.zone2, test_desk.zone5  # fixtures: the zones' staff and flows

pytestmark = pytest.mark.django_db

BULK = reverse("siuss_desk:bulk")
NS = {"c": xml.NAMESPACE}


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.SISO_PRIVATE_ROOT = tmp_path / "private"
    return settings.SISO_PRIVATE_ROOT


def _page(made) -> str:
    return reverse("siuss_desk:bulk_file", args=[made.pk])


def _progress(made) -> str:
    return reverse("siuss_desk:bulk_file_progress", args=[made.pk])


def _download(made) -> str:
    return reverse("siuss_desk:bulk_file_download", args=[made.pk])


def _ask(client, capture, ente_code, start=DAY_ONE, end=DAY_ONE, kind=FlowKind.PS_PSA_SINA):
    data = {"ente": ente_code, "kind": kind, "start": start.isoformat(), "end": end.isoformat()}
    with capture(execute=True):  # the task runs once the request commits (immediate backend)
        return client.post(BULK, data)


def _italian(message: str) -> str:
    with translation.override("it"):
        return translation.gettext(message)


def _codes(body: bytes) -> list[str]:
    root = etree.fromstring(body)
    assert xml.schema(FlowKind.PS_PSA_SINA).validate(root), xml.schema(
        FlowKind.PS_PSA_SINA
    ).error_log
    return [b.get("CodiceFiscale") for b in root.findall("c:Beneficiario", NS)]


def test_a_zone_admin_asks_for_the_file_follows_it_and_downloads_it(
    client, zone2, zone5, django_capture_on_commit_callbacks
):
    perugia = zone2["perugia"]
    later = _build(_benefit(zone2["worker"], last_name="Dopo"), DAY_TWO)  # Perugia, a day on
    client.force_login(zone2["admin"])
    form = client.get(BULK)
    choices = dict(form.context["form"].fields["ente"].choices)
    # the entes of the zone, by name; not another zone's
    assert choices[perugia.cadastral_code] == "Comune di Perugia"
    assert choices[zone2["other"].cadastral_code] == f"Comune di {zone2['other'].name}"
    assert zone5["flow"].ente_code not in choices

    response = _ask(client, django_capture_on_commit_callbacks, "G478", DAY_ONE, DAY_TWO)
    made = BulkFile.objects.get()
    assert response.status_code == 302 and response["Location"] == _page(made)
    assert (made.zone.number, made.ente_code, made.requested_by) == (2, "G478", zone2["admin"])
    assert made.state == BulkState.DONE
    progress = client.get(_progress(made)).json()
    assert progress == {
        "state": "done",
        "state_label": str(BulkState.DONE.label),
        "written": 2,
        "total": 2,
        "percent": 100,
        "following": False,
    }
    page = client.get(_page(made)).content.decode()
    assert _download(made) in page
    assert 'role="progressbar"' in page and 'aria-valuenow="100"' in page
    until = timezone.localtime(made.prepared_at + datetime.timedelta(days=7))
    assert until.strftime("%d/%m/%Y") in page
    with translation.override("it"):
        assert translation.gettext("Download the XML file") in page
    # nothing of the file is read until it is downloaded
    assert not AuditEvent.objects.filter(object_type="siuss.bulk_file").exists()

    download = client.get(_download(made))
    assert download.status_code == 200
    assert "G478.PS.20260615-20260702" in download["Content-Disposition"]
    assert ".xml" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    body = b"".join(download.streaming_content)
    root = etree.fromstring(body)
    assert root.find("c:IdentificazioneFlusso", NS).get("Nome") == "G478.PS.20260615-20260702"
    assert root.find("c:IdentificazioneFlusso/c:Ente", NS).get("Codice") == "G478"
    # exactly the period's ready flows of Perugia, in the order they were numbered: not the
    # blocked, not the rejected, not the other municipality's
    ready, person_of_later = zone2["ready"].intervention.person, later.intervention.person
    assert _codes(body) == [ready.tax_code, person_of_later.tax_code]
    assert zone2["other_ready"].intervention.person.tax_code not in body.decode()

    # audited as the data is read: one event for the file, one per person in it
    (event,) = AuditEvent.objects.filter(object_type="siuss.bulk_file", person__isnull=True)
    assert event.action == "export" and event.actor == zone2["admin"]
    assert event.detail["count"] == 2 and event.detail["file"] == "G478.PS.20260615-20260702"
    assert event.detail["flows"] == [zone2["ready"].id_flusso, later.id_flusso]
    exported = AuditEvent.objects.filter(object_type="siuss.bulk_file", person__isnull=False)
    assert set(exported.values_list("person_id", flat=True)) == {ready.pk, person_of_later.pk}
    # the desk's bulk page lists it with its state
    listed = client.get(BULK)
    assert [m.pk for m in listed.context["recent"]] == [made.pk]
    assert _page(made) in listed.content.decode()


def test_one_day_holds_only_that_days_flows(client, zone2, django_capture_on_commit_callbacks):
    _build(_benefit(zone2["worker"], last_name="Dopo"), DAY_TWO)
    client.force_login(zone2["admin"])
    _ask(client, django_capture_on_commit_callbacks, "G478", DAY_ONE, DAY_ONE)
    made = BulkFile.objects.get()
    body = b"".join(client.get(_download(made)).streaming_content)
    assert _codes(body) == [zone2["ready"].intervention.person.tax_code]


def test_the_file_is_written_in_chunks(zone2):
    _build(_benefit(zone2["worker"], last_name="Dopo"), DAY_TWO)
    selected = list(
        desks.bulk_flows(
            Flow.objects.all(),
            ente_code="G478",
            kind=FlowKind.PS_PSA_SINA,
            start=DAY_ONE,
            end=DAY_TWO,
        )
    )
    assert len(selected) == 2
    told = []
    body = desks.bulk_document(
        selected, name="G478.PS.x", kind=FlowKind.PS_PSA_SINA, on_progress=told.append, chunk=1
    )
    assert told == [1, 2]
    assert len(_codes(body)) == 2


@pytest.mark.parametrize("who", ["other_admin", "operator", "social_worker", "regional_admin"])
def test_nobody_but_the_zones_admins_reaches_the_file(
    client, zone2, zone5, make_member, django_capture_on_commit_callbacks, who
):
    client.force_login(zone2["admin"])
    _ask(client, django_capture_on_commit_callbacks, "G478")
    made = BulkFile.objects.get()
    user = {
        "other_admin": zone5["admin"],
        "operator": make_member(Role.OPERATOR, zone_number=2),
        "social_worker": zone2["worker"],
        "regional_admin": make_member(Role.REGIONAL_ADMIN),
    }[who]
    client.force_login(user)
    for url in (_page(made), _progress(made), _download(made)):
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(object_type="siuss.bulk_file").exists()
    # and cannot ask for one of zone 2's entes either
    asked = _ask(client, django_capture_on_commit_callbacks, "G478")
    assert asked.status_code in (200, 403) and BulkFile.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client, zone2, django_capture_on_commit_callbacks):
    client.force_login(zone2["admin"])
    _ask(client, django_capture_on_commit_callbacks, "G478")
    made = BulkFile.objects.get()
    client.logout()
    for url in (_page(made), _progress(made), _download(made)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accedi/")


def test_an_empty_period_says_there_is_nothing_to_send(
    client, zone2, django_capture_on_commit_callbacks
):
    client.force_login(zone2["admin"])
    # the other municipality's flow is of that day, Perugia's are not
    _ask(client, django_capture_on_commit_callbacks, "G478", DAY_TWO, DAY_TWO)
    made = BulkFile.objects.get()
    assert (made.state, made.total, made.progress, bool(made.file)) == ("empty", 0, 100, False)
    page = client.get(_page(made)).content.decode()
    nothing = "Nothing to send: no ready flow of that ente and kind was built in that period."
    assert _italian(nothing) in page
    assert _download(made) not in page
    assert client.get(_download(made)).status_code == 404


def test_the_form_refuses_another_zones_ente_and_a_backward_period(
    client, zone2, zone5, django_capture_on_commit_callbacks
):
    client.force_login(zone2["admin"])
    refused = _ask(client, django_capture_on_commit_callbacks, zone5["flow"].ente_code)
    assert refused.status_code == 200 and refused.context["form"].errors["ente"]
    backwards = _ask(client, django_capture_on_commit_callbacks, "G478", DAY_TWO, DAY_ONE)
    assert backwards.context["form"].errors["end"]
    too_long = _ask(
        client, django_capture_on_commit_callbacks, "G478", DAY_ONE, DAY_ONE.replace(year=2028)
    )
    assert too_long.context["form"].errors["end"]
    assert not BulkFile.objects.exists()


def test_a_zone_acting_for_its_municipalities_is_the_ente(zone2):
    zone = SocialZone.objects.get(number=2)
    zone.inps_code = "Z902"
    zone.save(update_fields=["inps_code"])
    admin_zones = [zone.pk]
    assert (zone.inps_code, zone.name) in rules.entes(admin_zones)
    assert bulk_files.zone_of("Z902", admin_zones) == zone
    assert bulk_files.zone_of("Z902", [SocialZone.objects.get(number=5).pk]) is None
    perugia = Municipality.objects.get(name="Perugia")
    zone.inps_code = ""
    zone.save(update_fields=["inps_code"])
    assert bulk_files.zone_of(perugia.cadastral_code, admin_zones) == zone


def test_a_file_that_does_not_validate_fails_with_the_reason(
    client, zone2, monkeypatch, django_capture_on_commit_callbacks
):
    def invalid(*args, **kwargs):
        raise xml.Invalid("Element 'Beneficiario': missing child element(s).")

    monkeypatch.setattr(desks, "bulk_document", invalid)
    client.force_login(zone2["admin"])
    _ask(client, django_capture_on_commit_callbacks, "G478")
    made = BulkFile.objects.get()
    assert made.state == BulkState.FAILED and not made.file
    assert "Beneficiario" in made.error
    with translation.override("it"):
        reason = translation.gettext("The file does not match INPS's format: %(error)s")
    assert reason.split("%")[0] in made.error  # written in the platform's language
    page = client.get(_page(made))
    assert page.status_code == 200 and escape(made.error) in page.content.decode()
    assert client.get(_download(made)).status_code == 404


def test_a_file_is_deleted_a_week_after_it_was_prepared(
    client, zone2, django_capture_on_commit_callbacks
):
    client.force_login(zone2["admin"])
    _ask(client, django_capture_on_commit_callbacks, "G478")
    _ask(client, django_capture_on_commit_callbacks, "G478")
    old, recent = BulkFile.objects.order_by("pk")
    path = old.file.path
    BulkFile.objects.filter(pk=old.pk).update(
        prepared_at=timezone.now() - datetime.timedelta(days=7, minutes=1)
    )
    call_command("siuss_bulk_purge")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and recent.file
    assert not os.path.exists(path)
    assert os.path.exists(recent.file.path)
    assert client.get(_download(old)).status_code == 404
    page = client.get(_page(old)).content.decode()
    gone = (
        "The file was deleted a week after it was prepared (it carried the beneficiaries' "
        "tax codes): ask for it again."
    )
    assert _italian(gone) in page
    assert client.get(_download(recent)).status_code == 200
