"""A municipality's registry file cannot move a person resident elsewhere unseen: the row
waits as a transfer, visible to both municipalities, until the previous one records the
emigration or one of its data stewards confirms (or rejects) it."""

import datetime

import pytest
from django.urls import reverse

from siso_platform.accounts.models import Membership, Organisation, Role
from siso_platform.accounts.roles import ensure_role_groups
from siso_platform.audit.models import AuditEvent
from siso_platform.imports.models import RunStatus, Transfer, TransferStatus
from siso_platform.imports.runs import roll_back
from siso_platform.people.models import HouseholdMembership, Person
from siso_platform.territory.models import Municipality
from tests.factories import UserFactory

from .conftest import csv_text, family, person_row, run_import

pytestmark = pytest.mark.django_db
MARIO = ("Rossi", "Mario", "M", datetime.date(1980, 1, 1))
MOVED_ON = datetime.date(2026, 2, 28)


@pytest.fixture(autouse=True)
def role_groups(db):
    ensure_role_groups()


@pytest.fixture
def terni(db):
    return Municipality.objects.get(istat_code="055032")


@pytest.fixture
def foligno(db):
    return Municipality.objects.get(istat_code="054018")


def member(organisation, role=Role.DATA_STEWARD):
    user = UserFactory()
    Membership.objects.create(
        user=user, organisation=organisation, role=role, valid_from=datetime.date(2020, 1, 1)
    )
    return user


def steward_of(municipality):
    return member(Organisation.objects.get(municipality=municipality))


def zone_admin_of(municipality):
    return member(Organisation.objects.get(zone=municipality.zone), Role.ZONE_ADMIN)


@pytest.fixture
def resident_of_perugia(perugia):
    """The Rossi family, registered in Perugia by Perugia's own file."""
    run_import("registry", csv_text("registry", family()), perugia)
    return Person.objects.get(first_name="Mario")


def terni_registers_mario(terni):
    row = person_row(*MARIO, "T7", "head", address="Via Roma 1", registered_on="2026-02-10")
    return run_import("registry", csv_text("registry", [row]), terni, on=MOVED_ON)


def perugia_records_the_emigration(perugia):
    row = person_row(
        *MARIO, "F1", "head", cancelled_on="2026-02-05", cancellation_reason="emigration"
    )
    return run_import("registry", csv_text("registry", [row]), perugia, on=MOVED_ON)


def current_municipality(person):
    membership = HouseholdMembership.objects.current().get(person=person)
    return membership.household.municipality


def test_a_file_naming_a_resident_of_another_municipality_moves_nobody(
    perugia, terni, resident_of_perugia
):
    run = terni_registers_mario(terni)

    mario = Person.objects.get(pk=resident_of_perugia.pk)
    assert mario.residence_municipality == perugia
    assert mario.address == "Via dei Priori 12"
    assert current_municipality(mario) == perugia  # nor into Terni's family sheet
    transfer = Transfer.objects.get()
    assert (transfer.person, transfer.from_municipality, transfer.to_municipality) == (
        mario,
        perugia,
        terni,
    )
    assert transfer.status == TransferStatus.PENDING
    assert (transfer.run, transfer.row_number) == (run, 2)
    assert transfer.values["address"] == "Via Roma 1"  # the row is kept whole
    # The run's report counts the held row, and nothing else.
    assert run.status == RunStatus.COMPLETED
    assert (run.rows_held, run.rows_inserted, run.rows_updated, run.rows_rejected) == (1, 0, 0, 0)


def test_the_same_file_again_keeps_one_transfer_waiting(perugia, terni, resident_of_perugia):
    terni_registers_mario(terni)
    again = terni_registers_mario(terni)

    assert again.rows_held == 1
    assert Transfer.objects.get().run == again


def test_the_previous_municipality_s_emigration_completes_the_transfer(
    perugia, terni, resident_of_perugia
):
    terni_registers_mario(terni)

    perugia_records_the_emigration(perugia)

    transfer = Transfer.objects.get()
    assert transfer.status == TransferStatus.COMPLETED
    mario = Person.objects.get(pk=resident_of_perugia.pk)
    assert (mario.residence_municipality, mario.address) == (terni, "Via Roma 1")
    membership = HouseholdMembership.objects.current().get(person=mario)
    assert (membership.household.municipality, membership.household.code) == (terni, "T7")
    assert membership.valid_from == datetime.date(2026, 2, 10)
    assert AuditEvent.objects.filter(
        object_type="imports.transfer", person_id=mario.pk, detail__decision="emigration"
    ).exists()


def test_both_municipalities_see_the_transfer_and_no_one_else(
    client, perugia, terni, foligno, resident_of_perugia
):
    terni_registers_mario(terni)
    transfer = Transfer.objects.get()
    review = reverse("import_transfers:review", args=[transfer.pk])

    for user in (
        steward_of(perugia),
        steward_of(terni),
        zone_admin_of(perugia),
        zone_admin_of(terni),
    ):
        client.force_login(user)
        listed = client.get(reverse("import_transfers:index")).context["page"]
        assert [t.pk for t in listed] == [transfer.pk]
        page = client.get(review)
        assert page.status_code == 200
        assert resident_of_perugia.tax_code in page.content.decode()
        assert AuditEvent.objects.filter(
            actor=user, action="view", object_type="imports.transfer", person_id=mario_pk(transfer)
        ).exists()

    # A steward of a third municipality: not listed, and the page does not exist for them.
    client.force_login(steward_of(foligno))
    assert list(client.get(reverse("import_transfers:index")).context["page"]) == []
    assert client.get(review).status_code == 404
    assert client.post(review, {"decision": "confirm"}).status_code == 404
    assert Transfer.objects.get().status == TransferStatus.PENDING


def mario_pk(transfer):
    return transfer.person_id


def test_a_steward_of_the_previous_municipality_confirms_and_the_move_is_applied(
    english_client, perugia, terni, resident_of_perugia
):
    terni_registers_mario(terni)
    transfer = Transfer.objects.get()
    review = reverse("import_transfers:review", args=[transfer.pk])

    # The importing municipality sees it, but only the one the person leaves decides.
    english_client.force_login(steward_of(terni))
    assert "Confirm the transfer" not in english_client.get(review).content.decode()
    response = english_client.post(review, {"decision": "confirm"}, follow=True)
    assert "Only the data stewards of the municipality the person leaves decide." in [
        str(m) for m in response.context["messages"]
    ]
    assert Person.objects.get(pk=resident_of_perugia.pk).residence_municipality == perugia

    perugia_steward = steward_of(perugia)
    english_client.force_login(perugia_steward)
    assert "Confirm the transfer" in english_client.get(review).content.decode()
    english_client.post(review, {"decision": "confirm", "note": "Confirmed by phone"})

    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == (TransferStatus.COMPLETED, perugia_steward)
    mario = Person.objects.get(pk=resident_of_perugia.pk)
    assert mario.residence_municipality == terni
    assert current_municipality(mario) == terni  # Perugia's membership closed, Terni's opened
    assert HouseholdMembership.objects.filter(person=mario).count() == 2
    assert AuditEvent.objects.filter(
        actor=perugia_steward, object_type="imports.transfer", detail__decision="confirmed"
    ).exists()


def test_a_rejected_transfer_moves_nobody(english_client, perugia, terni, resident_of_perugia):
    terni_registers_mario(terni)
    transfer = Transfer.objects.get()
    english_client.force_login(zone_admin_of(perugia))

    english_client.post(
        reverse("import_transfers:review", args=[transfer.pk]),
        {"decision": "reject", "note": "Still lives here"},
    )

    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED
    assert Person.objects.get(pk=resident_of_perugia.pk).residence_municipality == perugia
    # A later emigration no longer revives it.
    perugia_records_the_emigration(perugia)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED


def test_the_run_page_and_the_api_count_the_held_rows(client, perugia, terni, resident_of_perugia):
    run = terni_registers_mario(terni)
    client.force_login(steward_of(terni))

    assert client.get(reverse("import_runs:status", args=[run.pk])).json()["held"] == 1
    page = client.get(reverse("import_runs:detail", args=[run.pk])).content.decode()
    assert reverse("import_transfers:index") + f"?run={run.pk}" in page
    assert client.get(f"/api/v1/import-runs/{run.pk}/").json()["rows_held"] == 1


def test_without_a_current_residence_or_in_the_same_municipality_rows_import_as_before(
    perugia, terni, resident_of_perugia
):
    perugia_records_the_emigration(perugia)  # Mario has no residence now
    run = terni_registers_mario(terni)
    assert (run.rows_held, run.rows_updated) == (0, 1)
    assert Person.objects.get(pk=resident_of_perugia.pk).residence_municipality == terni

    # Perugia's own residents: Anna heads the family sheet now.
    rest = family()[1:]
    rest[0].update(relation="head", registered_on="2026-02-06")
    run = run_import("registry", csv_text("registry", rest), perugia, on=MOVED_ON)
    assert (run.rows_held, run.rows_updated, run.rows_rejected) == (0, 1, 0)
    assert Person.objects.get(first_name="Anna").residence_municipality == perugia
    assert not Transfer.objects.exists()


def test_rolling_back_the_run_withdraws_its_transfers(perugia, terni, resident_of_perugia):
    run = terni_registers_mario(terni)

    roll_back(run)

    assert not Transfer.objects.exists()
    assert Person.objects.get(pk=resident_of_perugia.pk).residence_municipality == perugia
