"""Every endpoint of the API, for every role: allowed, scoped, or refused.

`here` is a record in zone 2, where the zone roles work and whose case is assigned to the
body; `there` is the same kind of record in zone 5. A role that may use an endpoint gets the
`here` record and a 404 for the `there` one (never a 403 with data); a role that may not gets
a 403 (or 401/404) for both. Every operation of the schema must appear here.
"""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from siso_platform.accounts.models import DeviceToken
from siso_platform.casework.models import Appointment, Case, DiaryNote, RecordDocument
from siso_platform.thirdsector.models import ActivityReport, ReportAttachment

ROLES = (
    "regional_admin zone_admin operator social_worker data_steward third_sector_operator auditor"
)

# operation                                                  RA  ZA  OP  SW  DS  TS  AU
MATRIX = """
GET    /api/v1/me/                                           200 200 200 200 200 200 200
GET    /api/v1/auth/tokens/                                  200 200 200 200 200 200 200
DELETE /api/v1/auth/tokens/{id}/                             204 204 204 204 204 204 204
POST   /api/v1/auth/logout/                                  204 204 204 204 204 204 204
GET    /api/v1/persons/                                      403 200 200 200 200 200 403
GET    /api/v1/persons/{id}/                                 403 200 200 200 200 200 403
GET    /api/v1/persons/ids/                                  403 200 200 200 200 200 403
GET    /api/v1/persons/{id}/record/                          403 200 200 200 200 200 403
GET    /api/v1/households/                                   403 200 200 200 200 200 403
GET    /api/v1/households/{id}/                              403 200 200 200 200 404 403
GET    /api/v1/households/{id}/isee/                         403 200 200 200 200 403 403
POST   /api/v1/households/{id}/isee/                         403 400 400 400 400 403 403
GET    /api/v1/persons/{id}/invalidity/                      403 200 200 200 200 403 403
POST   /api/v1/persons/{id}/invalidity/                      403 400 400 400 400 403 403
GET    /api/v1/accesses/                                     403 200 200 200 403 403 403
GET    /api/v1/accesses/{id}/                                403 200 200 200 403 403 403
GET    /api/v1/accesses/ids/                                 403 200 200 200 403 403 403
POST   /api/v1/accesses/                                     403 201 201 201 403 403 403
GET    /api/v1/cases/                                        403 200 200 200 403 200 403
GET    /api/v1/cases/{id}/                                   403 200 200 200 403 200 403
GET    /api/v1/cases/ids/                                    403 200 200 200 403 200 403
GET    /api/v1/cases/{id}/care-plan/                         403 200 200 200 403 200 403
GET    /api/v1/needs/                                        403 200 200 200 403 200 403
GET    /api/v1/needs/{id}/                                   403 200 200 200 403 200 403
GET    /api/v1/interventions/                                403 200 200 200 403 200 403
GET    /api/v1/interventions/{id}/                           403 200 200 200 403 200 403
GET    /api/v1/interventions/ids/                            403 200 200 200 403 200 403
POST   /api/v1/interventions/{id}/deliveries/                403 201 201 201 403 403 403
GET    /api/v1/diary-notes/                                  403 200 200 200 403 403 403
GET    /api/v1/diary-notes/{id}/                             403 200 200 200 403 403 403
GET    /api/v1/diary-notes/ids/                              403 200 200 200 403 403 403
POST   /api/v1/diary-notes/                                  403 201 201 201 403 403 403
GET    /api/v1/documents/                                    403 200 200 200 403 403 403
GET    /api/v1/documents/{id}/                               403 200 200 200 403 403 403
POST   /api/v1/documents/                                    403 201 201 201 403 403 403
GET    /api/v1/appointments/                                 403 200 200 200 403 403 403
GET    /api/v1/appointments/{id}/                            403 404 200 404 403 403 403
GET    /api/v1/appointments/ids/                             403 200 200 200 403 403 403
GET    /api/v1/alerts/                                       403 200 200 200 403 403 403
GET    /api/v1/alerts/{id}/                                  403 200 200 200 403 403 403
POST   /api/v1/alerts/{id}/resolve/                          403 400 400 400 403 403 403
GET    /api/v1/programmes/                                   200 200 200 200 200 200 200
GET    /api/v1/eligibility-checks/                           403 200 200 200 403 200 403
POST   /api/v1/eligibility-checks/                           403 201 201 201 403 404 403
GET    /api/v1/import-runs/                                  403 200 403 403 200 403 403
GET    /api/v1/import-runs/{id}/                             403 200 403 403 200 403 403
GET    /api/v1/import-runs/{id}/rejected/                    403 200 403 403 200 403 403
GET    /api/v1/bodies/                                       200 200 403 403 403 200 403
GET    /api/v1/bodies/{id}/                                  200 200 403 403 403 200 403
GET    /api/v1/accreditations/                               200 200 403 403 403 200 403
GET    /api/v1/accreditations/{id}/                          200 200 403 403 403 200 403
POST   /api/v1/accreditations/                               403 403 403 403 403 400 403
POST   /api/v1/accreditations/{id}/revoke/                   400 400 403 403 403 403 403
GET    /api/v1/activity-reports/                             403 200 200 200 403 200 403
GET    /api/v1/activity-reports/{id}/                        403 200 200 200 403 200 403
POST   /api/v1/activity-reports/                             403 403 403 403 403 400 403
PATCH  /api/v1/activity-reports/{id}/                        403 403 403 403 403 400 403
POST   /api/v1/activity-reports/{id}/attachments/            403 403 403 403 403 400 403
GET    /api/v1/activity-reports/{id}/attachments/{attachment_id}/ 403 200 200 200 403 200 403
GET    /api/v1/forms/                                        200 200 200 200 200 200 200
GET    /api/v1/forms/{slug}/versions/{number}/               200 200 200 200 200 200 200
GET    /api/v1/forms/prefill/                                403 200 200 200 403 403 403
POST   /api/v1/forms/{slug}/versions/{number}/submissions/   403 400 400 400 403 403 403
GET    /api/v1/tasks/                                        200 200 200 200 200 200 200
GET    /api/v1/tasks/{id}/                                   404 200 200 200 200 404 404
POST   /api/v1/tasks/{id}/claim/                             404 403 403 200 403 404 404
POST   /api/v1/tasks/{id}/release/                           404 409 409 200 409 404 404
POST   /api/v1/tasks/{id}/complete/                          404 400 400 400 400 404 404
GET    /api/v1/processes/{id}/                               404 200 200 200 200 200 404
GET    /api/v1/reporting/aggregates/                         200 200 403 403 403 403 200
GET    /api/v1/reporting/interventions-export/               200 200 403 403 403 403 403
GET    /api/v1/schema/                                       200 200 200 200 200 200 200
GET    /api/v1/docs/                                         200 200 200 200 200 200 200
GET    /api/v1/redoc/                                        200 200 200 200 200 200 200
POST   /api/v1/auth/login/                                   400 400 400 400 400 400 400
"""

ROWS = [line.split() for line in MATRIX.strip().splitlines()]
EXPECTED = {
    (row[0], row[1]): dict(zip(ROLES.split(), map(int, row[2:]), strict=True)) for row in ROWS
}
# The schema and its documentation pages do not document themselves.
NOT_IN_SCHEMA = {("GET", f"/api/v1/{page}/") for page in ("schema", "docs", "redoc")}

# Which record of a place each resource's {id} names.
RESOURCE = {
    "persons": "person",
    "households": "household",
    "accesses": "access",
    "cases": "case",
    "needs": "need",
    "interventions": "intervention",
    "alerts": "alert",
    "import-runs": "import_run",
    "activity-reports": "report",
    "diary-notes": "note",
    "documents": "document",
    "appointments": "appointment",
}
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
# Bodies of the write operations: enough to pass the role check, not to change anything.
BODIES = {
    ("POST", "/api/v1/eligibility-checks/"): lambda world, place: {"household": place.household},
    ("POST", "/api/v1/forms/{slug}/versions/{number}/submissions/"): lambda world, place: {
        "person": place.person,
        "answers": {},
    },
    ("POST", "/api/v1/tasks/{id}/complete/"): lambda world, place: {},
    # The app's writes: whole, so that a role allowed creates (201) on a record in reach;
    # the record they name is looked up first, so one out of reach is 404.
    ("POST", "/api/v1/accesses/"): lambda world, place: {
        "person": place.person,
        "office": Case.objects.get(pk=place.case).office_id,
        "channel": "home_visit",
        "reason": "Visita domiciliare",
        "outcome": "information",
    },
    ("POST", "/api/v1/diary-notes/"): lambda world, place: {
        "case": place.case,
        "kind": "home_visit",
        "text": "Casa in ordine, la signora sta meglio.",
    },
    ("POST", "/api/v1/interventions/{id}/deliveries/"): lambda world, place: {
        "date": datetime.date.today().isoformat(),
        "quantity": "1.5",
    },
    ("POST", "/api/v1/documents/"): lambda world, place: {
        "person": place.person,
        "case": place.case,
        "title": "Verbale della visita",
        "kind": "report",
        "file": SimpleUploadedFile("verbale.pdf", PDF, content_type="application/pdf"),
    },
    ("GET", "/api/v1/reporting/aggregates/"): lambda world, place: {
        "measure": "persons",
        "by": "zone",
    },
}
MULTIPART = {
    ("POST", "/api/v1/activity-reports/{id}/attachments/"),
    ("POST", "/api/v1/documents/"),
}
# Writes whose record is named in the body, not the path: scoped all the same.
SCOPED_BY_BODY = {
    ("POST", f"/api/v1/{resource}/") for resource in ("accesses", "diary-notes", "documents")
}
# Operations that look their record up before refusing: a 403 there is a refusal on a record
# in reach (claiming a task of another role's queue), so the `there` record is 404 for them too.
LOOKED_UP_FIRST = {
    ("POST", f"/api/v1/tasks/{{id}}/{action}/") for action in ("claim", "release", "complete")
}


def _operations() -> set[tuple[str, str]]:
    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    import json

    paths = json.loads(out.getvalue())["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_the_matrix_covers_every_operation_of_the_schema(db):
    assert _operations() == set(EXPECTED) - NOT_IN_SCHEMA


def _url(path: str, world, place, user) -> str:
    resource = path.split("/")[3]
    ids = {}
    if "{id}" in path:
        if resource == "auth":
            ids["id"] = DeviceToken.objects.filter(user=user).first().token_key
        elif resource in ("bodies",):
            ids["id"] = world.body.pk
        elif resource == "accreditations":
            ids["id"] = world.accreditation
        elif resource in ("tasks", "processes"):
            process = ActivityReport.objects.get(pk=place.report).process
            ids["id"] = (
                process.pk
                if resource == "processes"
                else process.task_set.filter(flow_task_type="HUMAN").get().pk
            )
        else:
            ids["id"] = getattr(place, RESOURCE[resource])
    if "{attachment_id}" in path:
        ids["attachment_id"] = ReportAttachment.objects.get(report=place.report).pk
    ids.update(slug="domanda-accreditamento", number=1)
    return path.format(**ids)


@pytest.fixture
def diary_and_documents(world):
    """A diary note, a document and an appointment in each place (the zone staff's own
    reads)."""
    for place, writer in ((world.here, world.users["operator"]), (world.there, None)):
        case = Case.objects.get(pk=place.case)
        writer = writer or case.access.recorded_by
        place.note = DiaryNote.objects.create(
            case=case, kind="interview", text="Colloquio", written_by=writer
        ).pk
        document = RecordDocument(
            person_id=place.person, title="Certificato", kind="certificate", uploaded_by=writer
        )
        document.file.save("certificato.pdf", ContentFile(PDF), save=True)
        place.document = document.pk
        # An appointment in the diary of the place's operator: only they read it (the zone
        # administrator and the social worker get 404, as for another operator's).
        place.appointment = Appointment.objects.create(
            operator=writer,
            person_id=place.person,
            starts_at=timezone.now() + datetime.timedelta(days=1),
            kind="home_visit",
            place="home",
        ).pk
    return world


def test_each_role_is_allowed_scoped_or_refused(world, diary_and_documents, api):
    # One world for every role (building it is most of the time); the failures name the role.
    failures = []
    for role in ROLES.split():
        failures += _check(role, world, api)
    assert not failures, "\n".join(failures)


def _check(role, world, api) -> list[str]:
    user = world.users[role]
    failures = []
    for (method, path), expected_by_role in EXPECTED.items():
        expected = expected_by_role[role]
        scoped = _scoped(path) or (method, path) in SCOPED_BY_BODY
        places = [world.here, world.there] if scoped else [world.here]
        for place in places:
            _, token = DeviceToken.objects.create(
                user=user, expiry=None, device="matrix", second_factor=True
            )
            api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            url = _url(path, world, place, user)
            body = BODIES.get((method, path), lambda world, place: {})(world, place)
            form = "multipart" if (method, path) in MULTIPART else "json"
            response = getattr(api, method.lower())(url, body, format=form)
            want = expected
            if place is world.there and (
                expected not in (401, 403) or (method, path) in LOOKED_UP_FIRST
            ):
                want = 404  # out of reach: as if it did not exist
            if response.status_code != want:
                failures.append(f"{role}: {method} {url}: {response.status_code}, expected {want}")
    return failures


def _scoped(path: str) -> bool:
    """Paths whose {id} names a record with personal data, scoped by zone or assignment.

    A task is the review of the body's report: a body's operator started its process (200)
    but the review task is the zone's, not theirs (404). Claiming, releasing or completing a
    task out of reach is 404 like reading it; on a task in reach, a refusal is 403 or 409."""
    resource = path.split("/")[3]
    return "{id}" in path and resource in {*RESOURCE, "tasks", "processes"}
