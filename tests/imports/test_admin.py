"""The imports admin over HTTP: starting and following a run, its rejected rows, roll back,
mapping profiles built through wagtail's forms, and the review of suspected duplicates."""

import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from siso_platform.accounts.models import Membership, Organisation, Role
from siso_platform.accounts.roles import ensure_role_groups
from siso_platform.audit.models import AuditEvent
from siso_platform.imports import profiles_io, runs
from siso_platform.imports.models import (
    HEARTBEAT_TIMEOUT,
    ColumnMapping,
    DuplicateSuspicion,
    ImportRun,
    MappingProfile,
    RunStatus,
    SuspicionReason,
    SuspicionStatus,
)
from siso_platform.people import tax_code as tc
from siso_platform.people.models import HouseholdMembership, Person
from siso_platform.territory.models import Municipality
from tests.factories import HouseholdFactory, PersonFactory, UserFactory

from .conftest import code, csv_text, family, person_row, run_import

pytestmark = pytest.mark.django_db
REFERENCE = "2026-01-31"


@pytest.fixture(autouse=True)
def role_groups(db):
    # A reused test database keeps the groups of an older roles.py: bring them up to date.
    ensure_role_groups()


def member_of(municipality, role=Role.DATA_STEWARD):
    user = UserFactory()
    Membership.objects.create(
        user=user,
        organisation=Organisation.objects.get(municipality=municipality),
        role=role,
        valid_from=datetime.date(2020, 1, 1),
    )
    return user


@pytest.fixture
def steward(perugia):
    return member_of(perugia)


@pytest.fixture
def terni(db):
    return Municipality.objects.get(istat_code="055032")


def registry_file(name="anagrafe.csv"):
    rows = [
        *family(),
        # One row that cannot be imported: 31 February.
        person_row(
            "Neri", "Carla", "F", datetime.date(1990, 1, 1), "F9", "head", birth_date="1990-02-31"
        ),
    ]
    return SimpleUploadedFile(name, csv_text("registry", rows).encode(), "text/csv")


def start_import(client, municipality, upload, follow=False, **fields):
    data = {
        "source": "registry",
        "municipality": municipality.pk,
        "profile": "",
        "reference_date": REFERENCE,
        "file": upload,
        **fields,
    }
    return client.post(reverse("import_runs:new"), data, follow=follow)


def cell(content: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', content)
    assert match, f"no #{element_id} on the page"
    return match[1].strip()


def assert_refused(response):
    """wagtail's admin answers a PermissionDenied with its dashboard and an error message."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --------------------------------------------------------------------------- runs


def test_a_data_steward_imports_a_registry_file_and_sees_the_completed_run(
    english_client, steward, perugia
):
    client = english_client
    client.force_login(steward)
    page = client.get(reverse("import_runs:new"))
    assert page.status_code == 200
    # Only the steward's own municipality is offered, and already chosen.
    municipalities = page.context["form"].fields["municipality"].queryset
    assert list(municipalities) == [perugia]

    response = start_import(client, perugia, registry_file())

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_runs:detail", args=[run.pk])
    assert run.started_by == steward
    page = client.get(response["Location"])
    content = page.content.decode()
    assert cell(content, "run-status") == "completed"
    assert cell(content, "run-progress-text") == "100%"
    assert (cell(content, "run-inserted"), cell(content, "run-rejected")) == ("3", "1")
    assert cell(content, "run-unchanged") == "0"
    assert "status.json" not in content  # a finished run is not followed
    # The rejected row: its number, the file's column and the problem.
    assert re.search(r"<td>5</td><td>birth_date</td><td>[^<]*1990-02-31", content)
    assert reverse("import_runs:rejected", args=[run.pk]) in content
    assert Person.objects.filter(residence_municipality=perugia).count() == 3
    # Reading the rejected rows is a read of personal data.
    assert AuditEvent.objects.filter(
        action="view", object_type="imports.importrun", object_id=str(run.pk), actor=steward
    ).exists()

    listing = client.get(reverse("import_runs:index")).content.decode()
    assert "anagrafe.csv" in listing and "Perugia" in listing

    status = client.get(reverse("import_runs:status", args=[run.pk])).json()
    assert status["status"] == "completed" and status["progress"] == 100
    assert status["inserted"] == 3 and not status["following"]


def test_the_rejected_rows_download_as_a_file_to_fix_with_their_errors(client, steward, perugia):
    client.force_login(steward)
    start_import(client, perugia, registry_file())
    run = ImportRun.objects.get()

    response = client.get(reverse("import_runs:rejected", args=[run.pk]))

    assert response.status_code == 200
    assert response.streaming
    assert 'filename="anagrafe-scartate.csv"' in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].endswith(",_row,_errors")
    (row,) = lines[1:]
    assert row.startswith(code("Neri", "Carla", "F", datetime.date(1990, 1, 1)) + ",Neri,Carla,")
    assert ",5,birth_date: " in row
    assert AuditEvent.objects.filter(
        action="export", object_type="imports.importrun", object_id=str(run.pk), actor=steward
    ).exists()


def test_a_steward_of_another_municipality_cannot_reach_the_run(client, steward, perugia, terni):
    run = run_import("registry", csv_text("registry", family()), perugia)
    other = member_of(terni)
    client.force_login(other)

    for name in ("detail", "status", "rejected", "roll_back", "resume"):
        url = reverse(f"import_runs:{name}", args=[run.pk])
        response = client.post(url) if name == "resume" else client.get(url)
        assert response.status_code == 404, name
    assert run.pk not in [r.pk for r in client.get(reverse("import_runs:index")).context["page"]]
    # Nor can they import for Perugia.
    response = start_import(client, perugia, registry_file())
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert ImportRun.objects.count() == 1


def test_roles_without_the_permissions_get_no_menu_item_and_are_refused(
    client, make_member, steward
):
    regional = make_member(Role.REGIONAL_ADMIN)
    operator = make_member(Role.OPERATOR, zone_number=2)

    client.force_login(steward)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/imports/runs/" in home and "/admin/imports/duplicates/" in home

    client.force_login(regional)  # profiles only: they carry no personal data
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/imports/profiles/" in home and "/admin/imports/runs/" not in home
    assert_refused(client.get(reverse("import_runs:index")))
    assert_refused(client.get(reverse("import_duplicates:index")))
    assert client.get(reverse("mapping_profiles:index")).status_code == 200

    client.force_login(operator)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/imports/" not in home
    assert_refused(client.get(reverse("import_runs:new")))
    assert_refused(client.get(reverse("mapping_profiles:add")))


def test_a_profile_of_another_source_is_refused_beside_the_field(english_client, steward, perugia):
    taxes = MappingProfile.objects.create(name="Tributi Perugia", source="local_taxes")
    english_client.force_login(steward)

    response = start_import(english_client, perugia, registry_file(), profile=taxes.pk)

    assert response.status_code == 200
    (error,) = response.context["form"].errors["profile"]
    assert "local taxes" in error and "registry" in error
    assert not ImportRun.objects.exists()


def test_a_waiting_run_is_followed_and_an_interrupted_one_resumed(english_client, steward, perugia):
    client = english_client
    client.force_login(steward)
    run = runs.create(
        source="registry",
        municipality=perugia,
        file=registry_file(),
        file_name="anagrafe.csv",
        reference_date=datetime.date(2026, 1, 31),
        user=steward,
    )
    content = client.get(reverse("import_runs:detail", args=[run.pk])).content.decode()
    assert reverse("import_runs:status", args=[run.pk]) in content  # polled by the page
    assert "<progress" in content and "Resume" not in content

    # A worker that stopped reporting long ago: the run is interrupted, and can be resumed.
    ImportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, heartbeat_at=timezone.now() - 2 * HEARTBEAT_TIMEOUT
    )
    content = client.get(reverse("import_runs:detail", args=[run.pk])).content.decode()
    assert cell(content, "run-status") == "failed: the process running it stopped"
    assert "Resume" in content

    response = client.post(reverse("import_runs:resume", args=[run.pk]), follow=True)

    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED  # the test task backend runs it at once
    assert cell(response.content.decode(), "run-inserted") == "3"


def test_a_failed_run_shows_its_error_and_can_be_resumed(english_client, steward, perugia):
    client = english_client
    client.force_login(steward)
    text = csv_text("registry", family(), delimiter=";")  # the canonical format wants commas
    upload = SimpleUploadedFile("anagrafe.csv", text.encode(), "text/csv")

    response = start_import(client, perugia, upload, follow=True)

    run = ImportRun.objects.get()
    assert run.status == RunStatus.FAILED
    content = response.content.decode()
    assert cell(content, "run-status") == "failed"
    assert "The run failed:" in content and "Required columns are missing" in content
    assert "Resume" in content and "Roll back" in content


def test_roll_back_asks_first_then_undoes_the_run(english_client, steward, perugia):
    client = english_client
    client.force_login(steward)
    run = run_import("registry", csv_text("registry", family()), perugia)
    url = reverse("import_runs:roll_back", args=[run.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Yes, roll back" in confirm.content.decode()
    assert Person.objects.count() == 3  # asking changed nothing

    response = client.post(url, follow=True)

    run.refresh_from_db()
    assert run.status == RunStatus.ROLLED_BACK
    assert not Person.objects.exists()
    # The test task backend ran the rollback at once; the page shows its end state.
    assert "The rollback has started: this page shows its progress." in messages_of(response)
    assert cell(response.content.decode(), "run-status") == "rolled back"

    # Again: refused with the reason, as a message, not an error page.
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "This run has already been rolled back." in messages_of(response)


def test_a_refused_roll_back_shows_why(english_client, steward, perugia):
    first = run_import("registry", csv_text("registry", family()), perugia)
    run_import("registry", csv_text("registry", family(address="Corso Vannucci 3")), perugia)
    english_client.force_login(steward)

    response = english_client.post(reverse("import_runs:roll_back", args=[first.pk]), follow=True)

    assert response.status_code == 200
    (message,) = messages_of(response)
    assert "A later run" in message and "roll that back first" in message
    first.refresh_from_db()
    assert first.status == RunStatus.COMPLETED


def test_the_pages_render_in_italian(client, steward, perugia, suspicions):
    run = run_import("registry", registry_file().read().decode(), perugia)
    profile = MappingProfile.objects.create(name="Anagrafe", source="registry")
    client.force_login(steward)
    for url in (
        reverse("import_runs:index"),
        reverse("import_runs:new"),
        reverse("import_runs:detail", args=[run.pk]),
        reverse("import_runs:roll_back", args=[run.pk]),
        reverse("mapping_profiles:index"),
        reverse("mapping_profiles:add"),
        reverse("mapping_profiles:edit", args=[profile.pk]),
        reverse("mapping_profiles:import"),
        reverse("import_duplicates:index"),
        reverse("import_duplicates:review", args=[suspicions[0].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="it"' in response.content.decode(), url


# --------------------------------------------------------------------------- profiles

ITALIAN_HEADERS = [
    # canonical column, the municipality's header, its codes
    ("tax_code", "CODICE_FISCALE", ""),
    ("last_name", "COGNOME", ""),
    ("first_name", "NOME", ""),
    ("sex", "SESSO", "1 = M\n2 = F"),
    ("birth_date", "DATA_NASCITA", ""),
    ("birth_place_code", "LUOGO_NASCITA", ""),
    ("citizenship", "CITTADINANZA", ""),
    ("address", "INDIRIZZO", ""),
    ("family_sheet", "FOGLIO", ""),
    ("relation", "PARENTELA", "IS = head\nCG = spouse\nFG = child"),
    ("registered_on", "DATA_ISCRIZIONE", ""),
    ("cancelled_on", "DATA_CANCELLAZIONE", ""),
    ("cancellation_reason", "MOTIVO", "D = death\nE = emigration"),
]


def profile_post(name, columns, **fields) -> dict:
    """What wagtail's add or edit form of a profile sends, with its inline columns."""
    data = {
        "name": name,
        "source": "registry",
        "municipality": "",
        "encoding": "windows-1252",
        "delimiter": ";",
        "date_format": "%d/%m/%Y",
        "decimal_separator": ",",
        "thousands_separator": ".",
        "columns-TOTAL_FORMS": len(columns),
        "columns-INITIAL_FORMS": 0,
        "columns-MIN_NUM_FORMS": 0,
        "columns-MAX_NUM_FORMS": 1000,
    }
    for index, (field, column, codes) in enumerate(columns):
        data.update(
            {
                f"columns-{index}-id": "",
                f"columns-{index}-field": field,
                f"columns-{index}-column": column,
                f"columns-{index}-codes": codes,
            }
        )
    data.update(fields)
    return data


def column_errors(response) -> list[dict]:
    return [form.errors for form in response.context["form"].formsets["columns"].forms]


def windows_registry_file() -> bytes:
    header = [column for _field, column, _codes in ITALIAN_HEADERS] + ["NOTE"]
    rows = [
        ("Bianchi", "Niccolò", "1", datetime.date(1975, 4, 12), "IS"),
        ("Fabbri", "Lucia", "2", datetime.date(1978, 11, 3), "CG"),
        ("Bianchi", "Mattia", "1", datetime.date(2010, 6, 1), "FG"),
    ]
    lines = [";".join(header)]
    for last, first, sex, born, relation in rows:
        lines.append(
            ";".join(
                [
                    code(last, first, "M" if sex == "1" else "F", born),
                    last,
                    first,
                    sex,
                    born.strftime("%d/%m/%Y"),
                    "G478",
                    "IT",
                    "Piazza dell'Università 1",
                    "F100",
                    relation,
                    "02/03/2015",
                    "",
                    "",
                    "già iscritto",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("windows-1252")


def test_acceptance_an_administrator_maps_a_municipal_registry_file_and_imports_it(
    english_client, make_member, perugia
):
    """A Windows-1252, semicolon file with Italian headers, coded sex and dd/mm/yyyy dates,
    read through a profile made only with the admin's forms."""
    client = english_client
    admin = make_member(Role.ZONE_ADMIN, zone_number=perugia.zone.number)
    client.force_login(admin)
    add_url = reverse("mapping_profiles:add")
    page = client.get(add_url).content.decode()
    assert "family_sheet" in page and "Family-sheet number" in page  # what there is to map

    # Two mistakes: a column of another source, and a codes line without “=”.
    wrong = [*ITALIAN_HEADERS[:3], ("sex", "SESSO", "1 M"), ("tax", "TRIBUTO", "")]
    response = client.post(add_url, profile_post("Anagrafe Perugia", wrong))
    assert response.status_code == 200
    errors = column_errors(response)

    assert errors[3]["codes"] == ["Line 1 should read “file value = canonical value”."]
    assert errors[4]["field"] == ["The registry format has no column “tax”."]
    content = response.content.decode()
    assert "The registry format has no column “tax”." in content
    # The same canonical column twice is refused on the form, not by the database.
    twice = [*ITALIAN_HEADERS[:2], ("last_name", "COGNOME2", "")]
    response = client.post(add_url, profile_post("Anagrafe Perugia", twice))
    assert response.status_code == 200
    assert column_errors(response)[2]["__all__"]
    assert not MappingProfile.objects.exists()

    response = client.post(
        add_url, profile_post("Anagrafe Perugia", ITALIAN_HEADERS, municipality=perugia.pk)
    )
    assert response.status_code == 302, column_errors(response)
    profile = MappingProfile.objects.get(name="Anagrafe Perugia")
    assert profile.columns.count() == len(ITALIAN_HEADERS)
    assert profile.dialect().values["sex"] == {"1": "M", "2": "F"}
    edit = client.get(reverse("mapping_profiles:edit", args=[profile.pk])).content.decode()
    assert "Canonical columns" in edit and "cancellation_reason" in edit
    assert reverse("mapping_profiles:export", args=[profile.pk]) in edit

    upload = SimpleUploadedFile("ANAGRAFE.CSV", windows_registry_file(), "text/csv")
    response = start_import(client, perugia, upload, profile=profile.pk)

    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.profile == profile and run.status == RunStatus.COMPLETED, run.error
    page = client.get(response["Location"]).content.decode()
    assert (cell(page, "run-inserted"), cell(page, "run-rejected")) == ("3", "0")
    assert "Columns not imported: NOTE." in page
    niccolo = Person.objects.get(first_name="Niccolò")
    assert niccolo.last_name == "Bianchi"
    assert niccolo.sex == "M"
    assert niccolo.birth_date == datetime.date(1975, 4, 12)
    assert niccolo.address == "Piazza dell'Università 1"
    lucia = Person.objects.get(first_name="Lucia")
    assert (lucia.sex, lucia.birth_date) == ("F", datetime.date(1978, 11, 3))
    relations = HouseholdMembership.objects.current().filter(household__code="F100")
    assert sorted(relations.values_list("person__first_name", "relation")) == [
        ("Lucia", "spouse"),
        ("Mattia", "child"),
        ("Niccolò", "head"),
    ]


def test_a_new_source_is_checked_against_the_stored_columns(english_client, make_member):
    profile = MappingProfile.objects.create(name="Anagrafe", source="registry")
    rows = [
        ColumnMapping.objects.create(profile=profile, field="tax_code", column="CF"),
        ColumnMapping.objects.create(profile=profile, field="sex", column="SESSO"),
    ]
    english_client.force_login(make_member(Role.REGIONAL_ADMIN))
    data = profile_post("Anagrafe", [(r.field, r.column, "") for r in rows], source="income")
    data.update(
        {"columns-INITIAL_FORMS": 2, "columns-0-id": rows[0].pk, "columns-1-id": rows[1].pk}
    )

    response = english_client.post(reverse("mapping_profiles:edit", args=[profile.pk]), data)

    assert response.status_code == 200
    assert column_errors(response) == [{}, {"field": ["The income format has no column “sex”."]}]
    profile.refresh_from_db()
    assert profile.source == "registry"


def test_a_profile_exports_and_imports_back_as_it_was(english_client, make_member, perugia):
    client = english_client
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    profile = MappingProfile.objects.create(
        name="Anagrafe Perugia",
        source="registry",
        municipality=perugia,
        encoding="windows-1252",
        delimiter=";",
        date_format="%d/%m/%Y",
        decimal_separator=",",
        thousands_separator=".",
    )
    for field, column, codes in ITALIAN_HEADERS:
        ColumnMapping.objects.create(profile=profile, field=field, column=column, codes=codes)
    before = profiles_io.to_json(profile)

    response = client.get(reverse("mapping_profiles:export", args=[profile.pk]))
    assert response.status_code == 200
    assert 'filename="Anagrafe Perugia.json"' in response["Content-Disposition"]
    exported = response.content
    assert json.loads(exported) == before

    # Changed meanwhile: importing the file puts it back as it was, in place.
    profile.columns.filter(field="sex").delete()
    profile.delimiter = ","
    profile.save()
    response = client.post(
        reverse("mapping_profiles:import"),
        {"file": SimpleUploadedFile("p.json", exported, "application/json")},
        follow=True,
    )
    assert "Mapping profile “Anagrafe Perugia” replaced." in messages_of(response)
    assert MappingProfile.objects.count() == 1
    assert profiles_io.to_json(MappingProfile.objects.get()) == before

    # Under another name it is a new profile.
    document = json.loads(exported)
    document["name"] = "Anagrafe Assisi"
    response = client.post(
        reverse("mapping_profiles:import"),
        {"file": SimpleUploadedFile("p.json", json.dumps(document).encode(), "application/json")},
    )
    copy = MappingProfile.objects.get(name="Anagrafe Assisi")
    assert response["Location"] == reverse("mapping_profiles:edit", args=[copy.pk])
    assert profiles_io.to_json(copy) == {**before, "name": "Anagrafe Assisi"}

    # A bad file: the error names the key.
    document["columns"][0]["field"] = "tax"
    response = client.post(
        reverse("mapping_profiles:import"),
        {"file": SimpleUploadedFile("p.json", json.dumps(document).encode(), "application/json")},
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert error.startswith("“columns[0].field”")
    assert MappingProfile.objects.count() == 2


def test_the_profile_list_offers_import_and_export(english_client, make_member):
    profile = MappingProfile.objects.create(name="Redditi", source="income")
    english_client.force_login(make_member(Role.REGIONAL_ADMIN))

    content = english_client.get(reverse("mapping_profiles:index")).content.decode()

    assert reverse("mapping_profiles:import") in content
    assert reverse("mapping_profiles:export", args=[profile.pk]) in content
    assert english_client.get(reverse("mapping_profiles:import")).status_code == 200


# --------------------------------------------------------------------------- duplicates


def twins(last, first, born, **kwargs):
    """Two records of one person: the same identity under two valid tax codes."""
    person = PersonFactory(last_name=last, first_name=first, birth_date=born, **kwargs)
    variant = next(tc.omocodic_variants(person.tax_code))
    other = PersonFactory(
        last_name=last, first_name=first, birth_date=born, tax_code=variant, **kwargs
    )
    return person, other


@pytest.fixture
def suspicions(perugia):
    mario, mario_again = twins("Rossi", "Mario", datetime.date(1960, 3, 3))
    household = HouseholdFactory(code="F42")
    HouseholdMembership.objects.create(
        household=household, person=mario, relation="head", valid_from=datetime.date(2015, 1, 1)
    )
    anna, anna_again = twins("Verdi", "Anna", datetime.date(1970, 7, 7), sex="F")
    return (
        DuplicateSuspicion.objects.create(
            person=mario, other=mario_again, reason=SuspicionReason.SAME_IDENTITY
        ),
        DuplicateSuspicion.objects.create(
            person=anna, other=anna_again, reason=SuspicionReason.SAME_IDENTITY
        ),
    )


def test_the_duplicate_review_merges_and_dismisses(english_client, steward, suspicions):
    client = english_client
    client.force_login(steward)
    to_merge, to_dismiss = suspicions
    mario, mario_again = to_merge.person, to_merge.other

    queue = client.get(reverse("import_duplicates:index"))
    assert [s.pk for s in queue.context["page"]] == [to_dismiss.pk, to_merge.pk]
    assert mario_again.tax_code in queue.content.decode()

    review_url = reverse("import_duplicates:review", args=[to_merge.pk])
    page = client.get(review_url).content.decode()
    assert mario.tax_code in page and mario_again.tax_code in page
    assert "F42" in page  # the current household of the first record
    assert page.count("Merge, keep this record") == 2 and "Not a duplicate" in page
    viewed = AuditEvent.objects.filter(action="view", actor=steward, purpose="duplicate review")
    assert set(viewed.values_list("person_id", flat=True)) == {mario.pk, mario_again.pk}

    response = client.post(
        review_url, {"decision": "keep-other", "note": "same person"}, follow=True
    )

    assert response.status_code == 200
    to_merge.refresh_from_db()
    assert to_merge.status == SuspicionStatus.MERGED
    assert to_merge.note == "same person" and to_merge.decided_by == steward
    assert to_merge.person_id == mario_again.pk
    assert not Person.objects.filter(pk=mario.pk).exists()
    assert HouseholdMembership.objects.current().get(household__code="F42").person == mario_again
    # Decided: the page shows the decision and no more buttons; a second decision is refused.
    page = client.get(review_url).content.decode()
    assert "same person" in page and "Merge, keep this record" not in page
    response = client.post(review_url, {"decision": "dismiss"}, follow=True)
    assert "This suspicion has already been decided." in messages_of(response)

    response = client.post(
        reverse("import_duplicates:review", args=[to_dismiss.pk]),
        {"decision": "dismiss", "note": "twins"},
        follow=True,
    )
    to_dismiss.refresh_from_db()
    assert to_dismiss.status == SuspicionStatus.DISMISSED and to_dismiss.note == "twins"
    assert Person.objects.filter(last_name="Verdi").count() == 2
    assert "Marked as not a duplicate." in messages_of(response)

    queue = client.get(reverse("import_duplicates:index") + "?status=open")
    assert list(queue.context["page"]) == []


def test_duplicates_of_another_municipality_are_out_of_reach(client, suspicions, terni):
    client.force_login(member_of(terni))

    assert list(client.get(reverse("import_duplicates:index")).context["page"]) == []
    url = reverse("import_duplicates:review", args=[suspicions[0].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "dismiss"}).status_code == 404
    assert DuplicateSuspicion.objects.filter(status=SuspicionStatus.OPEN).count() == 2
