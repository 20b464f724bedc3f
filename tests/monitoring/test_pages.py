"""The operator pages: the zone's alert inbox, an alert's actions, screenings, eligibility."""

import pytest
from django.urls import reverse

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.monitoring import alerts
from siso_platform.monitoring.models import Alert, AlertStatus, EligibilityCheck, ScreeningRun
from tests.conftest import zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert_in(household):
    def make(zone_number: int, title="Due contributi per lo stesso bisogno") -> Alert:
        home = household(zone_number)
        person = home.member(50)
        alert, _ = alerts.raise_alert(
            kind="overlap",
            key=f"test:{person.pk}",
            zone_id=zone(zone_number).pk,
            person_id=person.pk,
            household_id=home.household.pk,
            title=title,
            detail={
                "from": "2026-01-01",
                "to": None,
                "providers": ["A", "B"],
                "items": ["E1.01", "E1.06"],
            },
        )
        return alert

    return make


def test_the_inbox_shows_the_zones_alerts_only_and_audits_the_persons_shown(
    client, make_member, alert_in
):
    mine, other = alert_in(2, "Allerta della zona 2"), alert_in(5, "Allerta della zona 5")
    worker = make_member(Role.SOCIAL_WORKER, zone_number=2)
    client.force_login(worker)

    page = client.get(reverse("monitoring:alerts")).content.decode()

    assert "Allerta della zona 2" in page and "Allerta della zona 5" not in page
    assert client.get(reverse("monitoring:alert", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(actor=worker, person_id=mine.person_id).exists()
    assert not AuditEvent.objects.filter(actor=worker, person_id=other.person_id).exists()


def test_a_data_steward_has_no_inbox(client, make_member, alert_in):
    alert_in(2)
    client.force_login(make_member(Role.DATA_STEWARD, zone_number=2))
    assert client.get(reverse("monitoring:alerts")).status_code == 403


def test_take_then_resolve_with_a_reason_and_every_step_is_audited(
    english_client, make_member, alert_in
):
    alert = alert_in(2)
    worker = make_member(Role.SOCIAL_WORKER, zone_number=2)
    english_client.force_login(worker)
    url = reverse("monitoring:alert", args=[alert.pk])

    english_client.post(url, {"action": "take"})
    refused = english_client.post(url, {"action": "resolve", "resolution": "  "})
    assert "This field is required." in refused.content.decode()
    english_client.post(url, {"action": "resolve", "resolution": "L'INPS ha sospeso l'ADI"})

    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.assigned_to == worker
    assert alert.resolution == "L'INPS ha sospeso l'ADI" and alert.resolved_by == worker
    purposes = list(
        AuditEvent.objects.filter(object_type="monitoring.alert", object_id=str(alert.pk))
        .exclude(action="view")
        .order_by("pk")
        .values_list("purpose", flat=True)
    )
    assert purposes == ["alert assigned", "alert resolved"]
    page = english_client.get(url).content.decode()
    assert "L&#x27;INPS ha sospeso l&#x27;ADI" in page and "Take it" not in page


def test_assigning_to_a_colleague_offers_only_the_zones_staff(client, make_member, alert_in):
    alert = alert_in(2)
    worker = make_member(Role.SOCIAL_WORKER, zone_number=2)
    colleague = make_member(Role.OPERATOR, zone_number=2)
    stranger = make_member(Role.OPERATOR, zone_number=5)
    client.force_login(worker)
    url = reverse("monitoring:alert", args=[alert.pk])

    client.post(url, {"action": "assign", "assigned_to": stranger.pk})
    alert.refresh_from_db()
    assert alert.assigned_to is None
    client.post(url, {"action": "assign", "assigned_to": colleague.pk})
    alert.refresh_from_db()
    assert alert.assigned_to == colleague


def test_screening_pages_start_follow_and_list(
    english_client, make_member, household, seeded, django_capture_on_commit_callbacks
):
    home = household(2)
    home.member(40)
    home.isee(1000)
    worker = make_member(Role.SOCIAL_WORKER, zone_number=2)
    english_client.force_login(worker)

    form = english_client.get(reverse("monitoring:screenings")).content.decode()
    assert f'value="zone:{zone(2).pk}"' in form and f'value="zone:{zone(5).pk}"' not in form
    with django_capture_on_commit_callbacks(execute=True):
        response = english_client.post(
            reverse("monitoring:screenings"), {"territory": f"zone:{zone(2).pk}"}
        )
    run = ScreeningRun.objects.get()
    assert response.url == reverse("monitoring:screening", args=[run.pk])
    progress = english_client.get(reverse("monitoring:screening_progress", args=[run.pk])).json()
    assert progress == {
        "status": "done",
        "status_label": "done",
        "done": 1,
        "total": 1,
        "percent": 100,
        "following": False,
    }
    page = english_client.get(reverse("monitoring:screening", args=[run.pk])).content.decode()
    assert home.household.code in page  # eligible for income support, receiving nothing
    assert AuditEvent.objects.filter(actor=worker, person_id=home.members[0].pk).exists()
    # another zone's operator cannot see it, nor start one for zone 2
    english_client.force_login(make_member(Role.SOCIAL_WORKER, zone_number=5))
    assert english_client.get(reverse("monitoring:screening", args=[run.pk])).status_code == 404
    refused = english_client.post(
        reverse("monitoring:screenings"), {"territory": f"zone:{zone(2).pk}"}
    )
    assert refused.status_code == 200 and ScreeningRun.objects.count() == 1


def test_eligibility_check_on_the_record(english_client, make_member, household, seeded):
    home = household(2)
    person = home.member(40)
    home.rental(7200, person=person)
    worker = make_member(Role.SOCIAL_WORKER, zone_number=2)
    english_client.force_login(worker)
    url = reverse("monitoring:eligibility", args=[home.household.pk])

    english_client.post(url)
    page = english_client.get(url).content.decode()

    assert EligibilityCheck.objects.filter(household=home.household).count() == 4
    assert "undetermined" in page and "Missing facts: ISEE" in page and "<code>isee" not in page
    assert AuditEvent.objects.filter(
        actor=worker, person_id=person.pk, purpose="eligibility check"
    ).exists()
    english_client.force_login(make_member(Role.SOCIAL_WORKER, zone_number=5))
    assert english_client.get(url).status_code == 404
    assert english_client.post(url).status_code == 404


def test_the_record_links_to_the_eligibility_check(client, make_member, household):
    home = household(2)
    person = home.member(40)
    client.force_login(make_member(Role.SOCIAL_WORKER, zone_number=2))
    page = client.get(reverse("casework:person", args=[person.pk])).content.decode()
    assert reverse("monitoring:eligibility", args=[home.household.pk]) in page


def test_old_overlap_dates_are_shown(english_client, make_member, alert_in):
    alert = alert_in(2)
    english_client.force_login(make_member(Role.SOCIAL_WORKER, zone_number=2))
    page = english_client.get(reverse("monitoring:alert", args=[alert.pk])).content.decode()
    assert "Both run from 2026-01-01 to open." in page


def test_a_latent_need_confirmed_becomes_a_detected_need_that_the_gap_check_follows(
    client, make_member, household
):
    from siso_platform.casework.models import Need

    person = household(2).member(80)
    alert, _ = alerts.raise_alert(
        kind="latent_need",
        key="indicator:1:household:1",
        zone_id=zone(2).pk,
        person_id=person.pk,
        title="Anziano solo",
        detail={"need_category": "care", "indicator": "anziano-solo"},
    )
    worker = make_member(Role.SOCIAL_WORKER, zone_number=2)
    client.force_login(worker)

    client.post(reverse("monitoring:alert", args=[alert.pk]), {"action": "record_need"})

    need = Need.objects.get(person=person)
    assert (need.category.code, need.origin, need.detected_by) == (
        "care",
        "detected",
        "anziano-solo",
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.resolved_by == worker
