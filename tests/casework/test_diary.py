"""The case diary, documents on the record, the operators' agenda and "my persons": the rules,
the actions, and the pages with their scope and audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from siso_platform import uploads
from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.casework import actions, agenda, rules
from siso_platform.casework.models import Appointment, DiaryNote, RecordDocument

D = datetime.date
TODAY = D(2026, 11, 10)  # a Tuesday
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.SISO_PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def social_worker(make_member):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)


@pytest.fixture
def stranger(make_member):
    """An operator of zone 5: the zone 2 person is out of their scope."""
    return make_member(Role.OPERATOR, zone_number=5)


def at(day: D, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def book(operator, person, *, case=None, when=None, kind="home_visit", **values):
    return actions.book_appointment(
        by=operator,
        person=person,
        case=case,
        starts_at=when or at(TODAY, 10),
        duration_minutes=values.pop("duration_minutes", 60),
        kind=kind,
        place=values.pop("place", "home"),
        **values,
    )


# --- rules and the agenda's days -------------------------------------------------------------


def test_a_note_tells_what_happened_not_what_will():
    assert rules.note_problems(text="Colloquio", happened_on=TODAY, today=TODAY) == {}
    assert set(rules.note_problems(text=" ", happened_on=TODAY, today=TODAY)) == {"text"}
    future = rules.note_problems(text="x", happened_on=TODAY + datetime.timedelta(1), today=TODAY)
    assert set(future) == {"happened_on"}


def test_only_the_author_corrects_a_note_once():
    assert rules.correction_problems(written_by_user=True, already_corrected=False) == {}
    assert rules.correction_problems(written_by_user=False, already_corrected=False)
    assert rules.correction_problems(written_by_user=True, already_corrected=True)


def test_appointment_rules():
    now = at(TODAY, 12)
    fine = dict(
        starts_at=at(TODAY, 9),  # earlier today: still bookable (recorded late)
        now=now,
        duration_minutes=45,
        place="office",
        place_detail="",
        status="scheduled",
        new=True,
    )
    assert rules.appointment_problems(**fine) == {}
    assert set(rules.appointment_problems(**fine | {"starts_at": at(D(2026, 11, 9), 9)})) == {
        "date"
    }
    moved = fine | {"starts_at": at(D(2026, 11, 9), 9), "new": False}
    assert rules.appointment_problems(**moved) == {}  # a booked one may be moved (recorded late)
    assert set(rules.appointment_problems(**fine | {"place": "other"})) == {"place_detail"}
    assert set(rules.appointment_problems(**fine | {"duration_minutes": 600})) == {
        "duration_minutes"
    }
    assert set(rules.appointment_problems(**fine | {"status": "done"})) == {"__all__"}
    assert rules.completion_problems(status="scheduled", starts_on=TODAY, today=TODAY) == {}
    assert rules.completion_problems(
        status="scheduled", starts_on=TODAY + datetime.timedelta(1), today=TODAY
    )
    assert rules.cancellation_problems(status="cancelled")


@freeze_time("2026-11-10 08:00")
def test_the_agenda_lists_seven_days_in_order_of_time():
    class Item:
        def __init__(self, starts_at):
            self.starts_at = starts_at

    late, early, next_week = at(TODAY, 16), at(TODAY, 8, 30), at(D(2026, 11, 17), 9)
    week = agenda.days(TODAY, [Item(late), Item(next_week), Item(early)])
    assert week[0].date == TODAY and len(week) == 7
    assert [item.starts_at for item in week[0].appointments] == [early, late]
    assert sum(len(day.appointments) for day in week) == 2  # the 17th is the 8th day
    assert agenda.parse_day("2026-11-12", TODAY) == D(2026, 11, 12)
    assert agenda.parse_day("12/11/2026", TODAY) == D(2026, 11, 12)
    assert agenda.parse_day("nonsense", TODAY) == TODAY


# --- actions ---------------------------------------------------------------------------------


@freeze_time("2026-11-10 12:00")
def test_a_correction_is_a_new_note_and_the_first_stays_as_written(case, social_worker, operator):
    note = actions.write_note(
        by=social_worker, case=case, kind="interview", text="Primo colloquio", happened_on=TODAY
    )
    correction = actions.write_note(
        by=social_worker, case=case, kind="interview", text="Primo colloquio, con la figlia",
        happened_on=TODAY, corrects=note,
    )  # fmt: skip
    note.refresh_from_db()
    assert note.text == "Primo colloquio" and correction.corrects == note
    assert DiaryNote.objects.filter(case=case).count() == 2
    with pytest.raises(ValidationError):  # corrected already: correct the correction
        actions.write_note(by=social_worker, case=case, kind="note", text="x", corrects=note)
    with pytest.raises(ValidationError):  # somebody else's note
        actions.write_note(by=operator, case=case, kind="note", text="x", corrects=correction)
    events = AuditEvent.objects.filter(object_type="casework.diarynote", action="create")
    assert events.count() == 2 and {e.person_id for e in events} == {case.person_id}


@freeze_time("2026-11-10 12:00")
def test_a_done_home_visit_writes_its_note_in_the_case_diary(case, social_worker):
    visit = book(social_worker, case.person, case=case, when=at(TODAY, 9))
    actions.complete_appointment(visit, by=social_worker, note="Casa in ordine, serve una stufa")
    visit.refresh_from_db()
    assert visit.status == "done"
    assert (visit.diary_note.kind, visit.diary_note.happened_on) == ("home_visit", TODAY)
    assert visit.diary_note.case == case and visit.diary_note.written_by == social_worker
    with pytest.raises(ValidationError):
        actions.complete_appointment(visit, by=social_worker)  # done already
    tomorrow = book(social_worker, case.person, when=at(D(2026, 11, 11), 9))
    with pytest.raises(ValidationError):
        actions.complete_appointment(tomorrow, by=social_worker)  # not yet
    with pytest.raises(ValidationError):
        book(social_worker, case.person, when=at(D(2026, 11, 9), 9))  # a day already past


# --- pages -----------------------------------------------------------------------------------


@freeze_time("2026-11-10 12:00")
def test_a_social_worker_writes_notes_shown_newest_first_with_author(client, case, social_worker):
    social_worker.first_name, social_worker.last_name = "Anna", "Verdi"
    social_worker.save()
    client.force_login(social_worker)
    url = reverse("casework:add_note", args=[case.pk])
    for day, text in (("2026-11-02", "Telefonata con la scuola"), ("2026-11-09", "Colloquio")):
        kind = "phone_call" if "Telefonata" in text else "interview"
        response = client.post(url, {"kind": kind, "happened_on": day, "text": text})
        assert response.status_code == 302
    before = AuditEvent.objects.filter(person_id=case.person_id, action="view").count()
    page = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert page.index("Colloquio") < page.index("Telefonata con la scuola")
    assert "09/11/2026" in page and "Anna Verdi" in page
    read = AuditEvent.objects.filter(person_id=case.person_id, action="view")
    assert read.count() == before + 1
    assert read.latest("pk").detail == {"diary_notes": 2}
    # A note dated ahead is refused, and nothing is written.
    client.post(url, {"kind": "note", "happened_on": "2026-11-20", "text": "Domani"})
    assert DiaryNote.objects.filter(case=case).count() == 2


@freeze_time("2026-11-10 12:00")
def test_notes_and_documents_are_not_shared_with_a_body(client, case, operator, body, make_member):
    actions.write_note(by=operator, case=case, kind="interview", text="Situazione delicata")
    actions.assign_case(case, by=operator, body=body, starts_on=D(2026, 11, 1))
    body_operator = make_member(Role.THIRD_SECTOR_OPERATOR, organisation=body)
    client.force_login(body_operator)
    page = client.get(reverse("casework:case", args=[case.pk]))
    assert page.status_code == 200  # the assigned case itself is the body's to read
    assert "Situazione delicata" not in page.content.decode()
    note = DiaryNote.objects.get()
    posted = client.post(
        reverse("casework:add_note", args=[case.pk]),
        {"kind": "note", "happened_on": "2026-11-10", "text": "x"},
    )
    assert posted.status_code == 403
    assert client.get(reverse("casework:correct_note", args=[case.pk, note.pk])).status_code == 403


def _upload(name="carta.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@freeze_time("2026-11-10 12:00")
def test_a_document_is_kept_privately_and_its_download_audited(
    client, case, operator, private_root
):
    client.force_login(operator)
    response = client.post(
        reverse("casework:add_case_document", args=[case.pk]),
        {"title": "ISEE 2026", "kind": "isee", "file": _upload()},
    )
    assert response.status_code == 302
    document = RecordDocument.objects.get()
    assert (document.person, document.case, document.content_type) == (
        case.person,
        case,
        "application/pdf",
    )
    stored = private_root / "private" / document.file.name
    assert stored.read_bytes() == PDF and "carta" not in document.file.name
    assert not (private_root / "media").exists()
    for url in ("casework:case", "casework:person"):
        pk = case.pk if url == "casework:case" else case.person_id
        assert "ISEE 2026" in client.get(reverse(url, args=[pk])).content.decode()
    download = client.get(reverse("casework:document", args=[document.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    event = AuditEvent.objects.filter(object_type="casework.recorddocument", action="view").get()
    assert (event.actor, event.person_id) == (operator, case.person_id)
    # An HTML page called .pdf is refused by its content.
    client.post(
        reverse("casework:add_person_document", args=[case.person_id]),
        {"title": "Finto", "kind": "other", "file": _upload("x.pdf", b"<html><script>")},
    )
    assert RecordDocument.objects.count() == 1


@freeze_time("2026-11-10 12:00")
def test_another_zone_gets_404_on_every_new_page(client, case, operator, stranger):
    note = actions.write_note(by=operator, case=case, kind="note", text="Nota")
    document = actions.attach_document(
        by=operator,
        person=case.person,
        case=case,
        upload=_upload(),
        kind_found=uploads.PDF,
        title="Carta d'identità",
        kind="identity",
    )
    visit = book(operator, case.person, case=case, when=at(TODAY, 9))
    client.force_login(stranger)
    before = AuditEvent.objects.count()
    gets = [
        reverse("casework:correct_note", args=[case.pk, note.pk]),
        reverse("casework:document", args=[document.pk]),
        reverse("casework:new_appointment", args=[case.person_id]),
        reverse("casework:appointment", args=[visit.pk]),
        reverse("casework:appointment_done", args=[visit.pk]),
    ]
    posts = [
        reverse("casework:add_note", args=[case.pk]),
        reverse("casework:add_case_document", args=[case.pk]),
        reverse("casework:add_person_document", args=[case.person_id]),
        reverse("casework:cancel_appointment", args=[visit.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts + gets[2:]:
        assert client.post(url, {}).status_code == 404, url
    assert AuditEvent.objects.count() == before
    visit.refresh_from_db()
    assert visit.status == "scheduled"


@freeze_time("2026-11-10 12:00")
def test_an_auditor_is_refused(client, case, make_member):
    client.force_login(make_member(Role.AUDITOR))
    for url in (
        reverse("casework:agenda"),
        reverse("casework:my_persons"),
        reverse("casework:new_appointment", args=[case.person_id]),
    ):
        assert client.get(url).status_code == 403, url


@freeze_time("2026-11-10 12:00")
def test_the_agenda_is_ones_own(client, case, operator, social_worker):
    mine = book(social_worker, case.person, case=case, when=at(TODAY, 15), place_detail="")
    theirs = book(operator, case.person, when=at(D(2026, 11, 12), 11), kind="interview")
    client.force_login(social_worker)
    response = client.get(reverse("casework:agenda"))
    assert [len(day.appointments) for day in response.context["week"]] == [1, 0, 0, 0, 0, 0, 0]
    assert "15:00" in response.content.decode()
    # The colleague's appointment is not the social worker's to open or change...
    assert client.get(reverse("casework:appointment", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("casework:cancel_appointment", args=[theirs.pk])).status_code == 404
    # ... but the person's page shows both to zone staff.
    page = client.get(reverse("casework:person", args=[case.person_id])).content.decode()
    assert "10/11/2026 15:00" in page and "12/11/2026 11:00" in page
    # A later week, by the date filter.
    later = client.get(reverse("casework:agenda"), {"day": "2026-11-17"})
    assert not any(day.appointments for day in later.context["week"])
    # The agenda's read names the persons shown.
    assert AuditEvent.objects.filter(object_type="casework.appointment", action="view").exists()
    client.post(reverse("casework:cancel_appointment", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == "cancelled"


@freeze_time("2026-11-10 12:00")
def test_booking_changing_and_marking_a_visit_done_from_the_pages(client, case, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("casework:new_appointment", args=[case.person_id]),
        {
            "date": "2026-11-10",
            "time": "09:30",
            "duration_minutes": "45",
            "kind": "home_visit",
            "place": "home",
            "place_detail": "Via dei Priori 3",
            "case": case.pk,
            "notes": "",
        },
    )
    visit = Appointment.objects.get()
    assert response["Location"] == reverse("casework:agenda") + "?day=2026-11-10"
    assert (visit.operator, visit.case, timezone.localtime(visit.starts_at).hour) == (
        social_worker,
        case,
        9,
    )
    form = client.get(reverse("casework:appointment", args=[visit.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields} | {"time": "10:00", "case": case.pk}
    client.post(reverse("casework:appointment", args=[visit.pk]), data)
    visit.refresh_from_db()
    assert timezone.localtime(visit.starts_at).strftime("%H:%M") == "10:00"
    client.post(reverse("casework:appointment_done", args=[visit.pk]), {"note": "Visita svolta"})
    visit.refresh_from_db()
    assert visit.status == "done" and visit.diary_note.text == "Visita svolta"
    case_page = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Visita svolta" in case_page


@freeze_time("2026-11-10 12:00")
def test_my_persons_are_those_of_my_cases_and_recent_accesses(
    client, case, operator, office, social_worker, person_in_zone
):
    actions.set_social_worker(case, social_worker, by=operator)
    met = person_in_zone(2, last_name="Accolti")
    long_ago = person_in_zone(2, last_name="Passati")
    colleagues = person_in_zone(2, last_name="Altrui")
    for person, day, by in (
        (met, D(2026, 11, 1), social_worker),
        (long_ago, D(2026, 9, 1), social_worker),
        (colleagues, D(2026, 11, 1), operator),
    ):
        actions.register_access(
            by=by, office=office, person=person, channel="phone", reason="x",
            outcome="information", date=day,
        )  # fmt: skip
    client.force_login(social_worker)
    response = client.get(reverse("casework:my_persons"))
    shown = {person.pk for person, _cases, _next in response.context["rows"]}
    assert shown == {case.person_id, met.pk}
    read = AuditEvent.objects.filter(actor=social_worker, action="view")
    assert {e.person_id for e in read} == shown  # one event for each person listed
    home = client.get(reverse("casework:home")).content.decode()
    assert reverse("casework:my_persons") in home and reverse("casework:agenda") in home
    cases = client.get(reverse("casework:cases"), {"social_worker": "me"})
    assert [c.pk for c in cases.context["page"]] == [case.pk]


@freeze_time("2026-11-10 12:00")
def test_correcting_a_note_from_the_case_page_keeps_both(english_client, case, social_worker):
    note = actions.write_note(
        by=social_worker, case=case, kind="interview", text="Colloquio con il padre"
    )
    english_client.force_login(social_worker)
    url = reverse("casework:correct_note", args=[case.pk, note.pk])
    form = english_client.get(url).context["form"]
    assert form["text"].value() == "Colloquio con il padre"  # prefilled with the note
    english_client.post(
        url, {"kind": "interview", "happened_on": "2026-11-10", "text": "Colloquio con la madre"}
    )
    page = english_client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Colloquio con il padre" in page and "Colloquio con la madre" in page
    assert "corrected on 10/11/2026" in page
    # Corrected once: the note is no longer offered for correction.
    assert english_client.get(url).status_code == 404
