"""What the phone app reads: persons found by tax code or name with their household, the
social record, a case's care plan, alerts resolved with a reason, cursor pages, and every
read of a person in the audit log."""

from siso_platform.audit.models import AuditEvent
from siso_platform.casework.models import Case
from siso_platform.imports.models import ImportRun, RejectedRow
from siso_platform.monitoring.models import Alert
from siso_platform.people.models import Person


def test_an_operator_finds_a_person_by_tax_code_or_name(as_user, world):
    operator = world.users["operator"]
    person = Person.objects.get(pk=world.here.person)
    api = as_user(operator)
    by_code = api.get("/api/v1/persons/", {"q": person.tax_code.lower()}).json()["results"]
    assert [p["id"] for p in by_code] == [person.pk]
    assert by_code[0]["household"] == world.here.household
    by_name = api.get("/api/v1/persons/", {"q": f"{person.first_name} {person.last_name}"})
    assert person.pk in [p["id"] for p in by_name.json()["results"]]
    elsewhere = Person.objects.get(pk=world.there.person)
    assert api.get("/api/v1/persons/", {"q": elsewhere.tax_code}).json()["results"] == []
    assert AuditEvent.objects.filter(actor=operator, person=person, action="view").count() == 2


def test_the_social_record_shows_the_history_and_the_care_plan(as_user, world):
    api = as_user(world.users["social_worker"])
    record = api.get(f"/api/v1/persons/{world.here.person}/record/").json()
    assert record["whole"] is True
    assert {entry["kind"] for entry in record["entries"]} >= {"access", "case_opened", "need"}
    assert [case["id"] for case in record["open_cases"]] == [world.here.case]
    assert record["household"] == world.here.household
    plan = api.get(f"/api/v1/cases/{world.here.case}/care-plan/").json()
    assert plan["summary"] == "Autonomia abitativa"
    assert plan["goals"][0]["description"] == "Trovare un alloggio a canone concordato"


def test_lists_come_in_cursor_pages(as_user, world, operator, office, person_in_zone):
    from siso_platform.casework import actions

    for _ in range(3):
        person = person_in_zone(2)
        access = actions.register_access(
            by=operator,
            office=office,
            person=person,
            channel="phone",
            reason="Informazioni",
            outcome="information",
        )
    api = as_user(world.users["operator"])
    first = api.get("/api/v1/accesses/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["previous"] is None
    second = api.get(first["next"]).json()
    seen = [a["id"] for a in first["results"] + second["results"]]
    assert access.pk == seen[0]  # newest first
    assert len(seen) == len(set(seen)) == 4  # the world's access and the three new ones


def test_an_alert_is_resolved_with_a_reason(as_user, world):
    api = as_user(world.users["social_worker"])
    url = f"/api/v1/alerts/{world.here.alert}/resolve/"
    refused = api.post(url, {"resolution": ""}, format="json")
    assert refused.status_code == 400 and "resolution" in refused.json()["errors"]
    done = api.post(url, {"resolution": "Già seguito dal centro per l'impiego"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert Alert.objects.get(pk=world.here.alert).resolved_by == world.users["social_worker"]


def test_an_import_run_reports_its_rejected_rows(as_user, world):
    run = ImportRun.objects.get(pk=world.here.import_run)
    RejectedRow.objects.create(
        run=run,
        row_number=7,
        values={"tax_code": "RSSMRA80A01H501A"},
        errors=[{"column": "tax_code", "message": "carattere di controllo errato"}],
    )
    api = as_user(world.users["data_steward"])
    assert api.get(f"/api/v1/import-runs/{run.pk}/").json()["status"] == "done"
    rows = api.get(f"/api/v1/import-runs/{run.pk}/rejected/").json()["results"]
    assert rows == [
        {
            "row_number": 7,
            "values": {"tax_code": "RSSMRA80A01H501A"},
            "errors": [{"column": "tax_code", "message": "carattere di controllo errato"}],
        }
    ]


def test_a_body_reads_the_assigned_case_but_not_the_household(as_user, world):
    api = as_user(world.users["third_sector_operator"])
    case = api.get(f"/api/v1/cases/{world.here.case}/").json()
    assert case["person"] == world.here.person
    assert api.get(f"/api/v1/households/{world.here.household}/").status_code == 404
    assert api.get("/api/v1/accesses/").status_code == 403
    interventions = api.get("/api/v1/interventions/").json()["results"]
    assert [i["id"] for i in interventions] == [world.here.intervention]
    assert Case.objects.filter(pk=world.there.case).exists()
    assert api.get(f"/api/v1/cases/{world.there.case}/").status_code == 404


def test_the_alert_inbox_leaves_out_resolved_alerts_when_asked(as_user, world):
    api = as_user(world.users["social_worker"])
    api.post(f"/api/v1/alerts/{world.here.alert}/resolve/", {"resolution": "Fatto"}, format="json")
    listed = [a["id"] for a in api.get("/api/v1/alerts/").json()["results"]]
    unresolved = [a["id"] for a in api.get("/api/v1/alerts/", {"open": "true"}).json()["results"]]
    assert world.here.alert in listed and world.here.alert not in unresolved


def test_the_body_page_and_an_attachment_upload_are_audited(client, as_user, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body_operator = world.users["third_sector_operator"]
    client.force_login(body_operator)
    page = client.get("/third-sector/")
    person = Person.objects.get(pk=world.here.person)
    assert person.last_name in page.content.decode()
    assert AuditEvent.objects.filter(actor=body_operator, action="view", person=person).exists()

    upload = SimpleUploadedFile("firme.pdf", b"%PDF-", "application/pdf")
    url = f"/api/v1/activity-reports/{world.here.report}/attachments/"
    as_user(body_operator).post(url, {"file": upload}, format="multipart")
    uploads = AuditEvent.objects.filter(
        actor=body_operator, person=person, object_type="thirdsector.reportattachment"
    )
    assert uploads.filter(action="create").exists()
