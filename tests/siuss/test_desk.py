"""The zone's SIUSS desk: zone staff work their zones' flows (another zone's is a 404), the
region reads counts only, and a blocked or rejected flow is tried again. The bulk XML file
of INPS's web upload channel: test_bulk_file.py."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time
from lxml import etree

from siso_platform.accounts.models import Organisation, Role
from siso_platform.audit.models import AuditEvent
from siso_platform.casework import actions as casework
from siso_platform.casework.models import CatalogueItem, NeedCategory
from siso_platform.siuss import actions, xml
from siso_platform.siuss.models import Flow, FlowState
from siso_platform.territory.models import Municipality

from .. import factories
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db

DESK = reverse("siuss_desk:flows")
BULK = reverse("siuss_desk:bulk")
DAY_ONE = datetime.date(2026, 6, 15)
DAY_TWO = datetime.date(2026, 7, 2)


def _retry(flow) -> str:
    return reverse("siuss_desk:retry", args=[flow.pk])


def _with_tax_code(municipality: Municipality, code: str) -> Municipality:
    Organisation.objects.filter(municipality=municipality).update(tax_code=code)
    return municipality


def _case(worker, person):
    office = worker.memberships.get().office
    access = casework.register_access(
        by=worker,
        office=office,
        person=person,
        channel="in_person",
        reason="Richiesta di aiuto",
        outcome="taking_in_charge",
        date=datetime.date(2026, 1, 10),
    )
    return casework.open_case(
        by=worker,
        person=person,
        office=office,
        access=access,
        opened_on=datetime.date(2026, 1, 10),
        needs=[NeedCategory.objects.get(code="economic")],
    )


def _benefit(worker, *, code="E1.01", last_name="Rossi", amount="1800.00"):
    municipality = worker.memberships.get().office.municipality
    person = PersonFactory(last_name=last_name, sex="F", residence_municipality=municipality)
    return casework.record_intervention(
        by=worker,
        case=_case(worker, person),
        person=person,
        item=CatalogueItem.objects.get(code=code),
        provider=Organisation.objects.get(municipality=municipality),
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 7, 31),
        amount=Decimal(amount),
        status="active",
    )


def _build(intervention, day):
    with freeze_time(datetime.datetime(day.year, day.month, day.day, 10, 0)):
        return actions.build_for_intervention(intervention, today=day)


@pytest.fixture
def zone2(make_member):
    """Zone 2's staff and flows: in Perugia one ready, one blocked (an item with no INPS
    code), one rejected by INPS; in another municipality of the zone one ready."""
    perugia = _with_tax_code(Municipality.objects.get(name="Perugia"), "00163570542")
    worker = make_member(Role.SOCIAL_WORKER, zone_number=2)
    ready = _build(_benefit(worker, last_name="Pronti"), DAY_ONE)
    CatalogueItem.objects.filter(code="E1.02").update(inps_code="")
    blocked = _build(_benefit(worker, code="E1.02", last_name="Bloccati"), DAY_ONE)
    rejected = _build(_benefit(worker, code="E2.01", last_name="Respinti"), DAY_ONE)
    actions.record_outcome(rejected, "RICHIESTA_INVALIDA", description="Codice fiscale errato")
    # another municipality (ente) of zone 2, its flow built on another day
    other = (
        Municipality.objects.filter(zone__number=2).exclude(pk=perugia.pk).order_by("name").first()
    )
    _with_tax_code(other, "00000000001")
    elsewhere = make_member(Role.SOCIAL_WORKER, zone_number=2)
    elsewhere.memberships.update(office=other.offices.get(is_default=True))
    other_ready = _build(_benefit(elsewhere, last_name="Altrove"), DAY_TWO)
    assert (ready.state, blocked.state, rejected.state) == ("ready", "blocked", "rejected")
    return {
        "perugia": perugia,
        "other": other,
        "worker": worker,
        "admin": make_member(Role.ZONE_ADMIN, zone_number=2),
        "ready": ready,
        "blocked": blocked,
        "rejected": rejected,
        "other_ready": other_ready,
    }


@pytest.fixture
def zone5(make_member):
    """A flow of zone 5, whose staff is nobody of zone 2."""
    worker = make_member(Role.SOCIAL_WORKER, zone_number=5)
    _with_tax_code(worker.memberships.get().office.municipality, "00000000005")
    flow = _build(_benefit(worker, last_name="Lontani"), DAY_ONE)
    return {"worker": worker, "admin": make_member(Role.ZONE_ADMIN, zone_number=5), "flow": flow}


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ZONE_ADMIN, Role.SOCIAL_WORKER])
def test_zone_staff_see_their_zones_flows_by_name(client, zone2, zone5, make_member, role):
    client.force_login(make_member(role, zone_number=2))
    page = client.get(DESK)
    assert page.status_code == 200
    body = page.content.decode()
    for name in ("Pronti", "Bloccati", "Respinti", "Altrove"):
        assert name in body
    assert "Lontani" not in body and zone5["flow"].id_flusso not in body
    assert "Codice fiscale errato" in body  # INPS's reason of the rejection
    assert "E1.02" in zone2["blocked"].blocked_reason and "E1.02" in body
    # a link to the benefit to fix
    assert reverse("casework:change_intervention", args=[zone2["blocked"].intervention_id]) in body
    viewed = AuditEvent.objects.filter(object_type="siuss.flow", action="view")
    assert viewed.count() == 4  # one per person named


def test_another_zones_staff_get_404_on_a_flow(client, zone2, zone5):
    for user in (zone5["admin"], zone5["worker"]):
        client.force_login(user)
        assert client.post(_retry(zone2["blocked"])).status_code == 404
        assert client.post(reverse("siuss_desk:retry", args=[999_999])).status_code == 404
        assert "Bloccati" not in client.get(DESK).content.decode()


@pytest.mark.parametrize(
    "role,zone",
    [
        (Role.OPERATOR, 2),
        (Role.OPERATOR, 5),
        (Role.THIRD_SECTOR_OPERATOR, None),
        (Role.DATA_STEWARD, 2),
        (Role.AUDITOR, None),
    ],
)
def test_other_roles_are_refused(client, zone2, make_member, role, zone):
    if role == Role.THIRD_SECTOR_OPERATOR:
        body = factories.accredited_body("Cooperativa Prova", 2)
        user = make_member(role, organisation=body.organisation)
    else:
        user = make_member(role, zone_number=zone)
    client.force_login(user)
    assert client.get(DESK).status_code == 403
    assert client.get(BULK).status_code == 403
    assert client.post(_retry(zone2["blocked"])).status_code == 403
    zone2["blocked"].refresh_from_db()
    assert zone2["blocked"].state == FlowState.BLOCKED


def test_anonymous_is_sent_to_sign_in(client, zone2):
    for response in (client.get(DESK), client.get(BULK), client.post(_retry(zone2["blocked"]))):
        assert response.status_code == 302 and response["Location"].startswith("/accedi/")


def test_the_region_reads_counts_only(client, zone2, zone5, make_member):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    page = client.get(DESK)
    assert page.status_code == 200
    body = page.content.decode()
    for person_word in ("Pronti", "Bloccati", "Respinti", "Lontani", "Codice fiscale errato"):
        assert person_word not in body
    assert zone2["ready"].intervention.person.tax_code not in body
    counts = {row["state"]: row["count"] for row in page.context["by_state"]}
    assert counts == {"blocked": 1, "rejected": 1, "ready": 3, "sent": 0, "accepted": 0}
    assert "rows" not in page.context
    assert client.post(_retry(zone2["blocked"])).status_code == 403
    assert client.get(BULK).status_code == 403


def test_a_social_worker_may_not_download_the_bulk_file(client, zone2):
    client.force_login(zone2["worker"])
    assert client.get(BULK).status_code == 403
    assert client.get(DESK).context["bulk_form"] is None


# --- counts and filters -----------------------------------------------------------------------


def test_counts_by_state_and_month_and_filters(client, zone2, zone5):
    client.force_login(zone2["admin"])
    page = client.get(DESK)
    counts = {row["state"]: row["count"] for row in page.context["by_state"]}
    assert counts == {"blocked": 1, "rejected": 1, "ready": 2, "sent": 0, "accepted": 0}
    # by the month each was built, newest first: July (the other municipality's), June
    july, june = page.context["by_month"]
    assert (july["month"], july["total"], july["cells"]) == (
        datetime.date(2026, 7, 1),
        1,
        [0, 0, 1, 0, 0],
    )
    assert (june["month"], june["total"], june["cells"]) == (
        datetime.date(2026, 6, 1),
        3,
        [1, 1, 1, 0, 0],
    )
    # the list puts what needs work first
    states = [row["flow"].state for row in page.context["rows"]]
    assert states == ["blocked", "rejected", "ready", "ready"]

    by_municipality = client.get(DESK, {"municipality": zone2["other"].pk})
    assert [row["flow"].pk for row in by_municipality.context["rows"]] == [zone2["other_ready"].pk]
    item = CatalogueItem.objects.get(code="E1.02")
    by_item = client.get(DESK, {"item": item.pk})
    assert [row["flow"].pk for row in by_item.context["rows"]] == [zone2["blocked"].pk]
    by_item_counts = {row["state"]: row["count"] for row in by_item.context["by_state"]}
    assert by_item_counts["blocked"] == 1 and by_item_counts["ready"] == 0
    by_state = client.get(DESK, {"state": "rejected"})
    assert [row["flow"].pk for row in by_state.context["rows"]] == [zone2["rejected"].pk]
    # a state filter narrows the list, not the counts by state
    assert sum(row["count"] for row in by_state.context["by_state"]) == 4
    # another zone's municipality is no choice
    foreign = zone5["flow"].ente_code
    municipality = Municipality.objects.get(cadastral_code=foreign)
    assert client.get(DESK, {"municipality": municipality.pk}).context["filter"].errors


def test_the_page_is_italian_with_reasons_in_italian(client, zone2):
    client.force_login(zone2["admin"])
    body = client.get(DESK).content.decode()
    with translation.override("it"):
        assert translation.gettext("SIUSS flows") in body
        assert translation.gettext("Try again") in body
        reason = translation.gettext("the catalogue item %(code)s has no INPS benefit code") % {
            "code": "E1.02"
        }
    assert reason in body


# --- trying again -----------------------------------------------------------------------------


def test_retry_a_blocked_flow_once_fixed(client, zone2):
    blocked = zone2["blocked"]
    client.force_login(zone2["worker"])
    # not fixed yet: still blocked
    response = client.post(_retry(blocked))
    assert response.status_code == 302 and response["Location"].startswith(DESK)
    blocked.refresh_from_db()
    assert blocked.state == FlowState.BLOCKED
    CatalogueItem.objects.filter(code="E1.02").update(inps_code="A1.05")
    client.post(_retry(blocked))
    blocked.refresh_from_db()
    assert blocked.state == FlowState.READY and blocked.id_flusso
    assert xml.schema(blocked.kind).validate(etree.fromstring(blocked.xml.encode()))
    event = (
        AuditEvent.objects.filter(object_type="siuss.flow", action="update").order_by("pk").last()
    )
    assert event.object_id == str(blocked.pk) and event.person_id == blocked.intervention.person_id
    # a ready flow has nothing to try again
    client.post(_retry(blocked))
    assert Flow.objects.filter(intervention=blocked.intervention).count() == 1


def test_retry_a_rejected_flow_sends_a_new_one(client, zone2):
    rejected = zone2["rejected"]
    client.force_login(zone2["admin"])
    client.post(_retry(rejected))
    rejected.refresh_from_db()
    assert rejected.state == FlowState.REJECTED  # INPS's verdict stays
    (new,) = Flow.objects.filter(supersedes=rejected)
    assert new.state == FlowState.READY and new.id_flusso != rejected.id_flusso
    # followed now: no second new flow
    client.post(_retry(rejected))
    assert Flow.objects.filter(intervention=rejected.intervention).count() == 2
    rows = {row["flow"].pk: row for row in client.get(DESK).context["rows"]}
    assert rows[rejected.pk]["retry"] is False


def test_retry_is_post_only(client, zone2):
    client.force_login(zone2["admin"])
    assert client.get(_retry(zone2["blocked"])).status_code == 405


# The bulk file (prepared in the background): tests/siuss/test_bulk_file.py
