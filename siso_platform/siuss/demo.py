"""Demo SIUSS flows: the municipality of Perugia's tax code (public: Comune di Perugia,
00163570542), a minor taken in charge and a benefit whose catalogue item has no INPS code,
the SINA and SINBA assessments (seeded for the region, then filled once: a person with a
benefit for disability or dependency, and the minor), then every flow built. Most flows are
ready, one with its SINA block and the minor's SINBA flow among them; a few wait on the
worklist with their reason (the unmapped benefit for its code)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from forms import submitting
from forms.models import FormVersion, Submission
from siso_platform.accounts.models import Organisation
from siso_platform.casework import actions as casework
from siso_platform.casework.models import Access, Area, CatalogueItem, Intervention, NeedCategory
from siso_platform.people.models import HouseholdMembership, Relation
from siso_platform.territory.models import Municipality

from . import actions, assessments, rules

PERUGIA_TAX_CODE = "00163570542"
REASON = "Segnalazione della scuola: frequenza irregolare e difficoltà in famiglia"


@transaction.atomic
def _minor_case(today: datetime.date) -> None:
    if Access.objects.filter(reason=REASON).exists():
        return
    perugia = Municipality.objects.get(name="Perugia")
    User = get_user_model()
    operator = User.objects.get(username="operatore")
    worker = User.objects.get(username="assistente")
    child = (
        HouseholdMembership.objects.current(today)
        .filter(
            relation=Relation.CHILD,
            person__residence_municipality=perugia,
            person__birth_date__gt=today.replace(year=today.year - 14),
            person__birth_date__lt=today.replace(year=today.year - 6),
            person__cases__isnull=True,
        )
        .select_related("person")
        .order_by("person_id")
        .first()
    )
    if child is None:
        return
    office = perugia.offices.get(is_default=True)
    opened = today - datetime.timedelta(days=60)
    access = casework.register_access(
        by=operator,
        office=office,
        person=child.person,
        channel="referral",
        reason=REASON,
        outcome="taking_in_charge",
        date=opened,
    )
    case = casework.open_case(
        by=operator,
        person=child.person,
        office=office,
        social_worker=worker,
        access=access,
        opened_on=opened,
        needs=[NeedCategory.objects.get(code="family")],
    )
    municipality = Organisation.objects.get(municipality=perugia)
    casework.record_intervention(
        by=worker,
        case=case,
        person=child.person,
        need=case.needs.first(),
        item=CatalogueItem.objects.get(code="B2.01"),
        provider=municipality,
        starts_on=opened + datetime.timedelta(days=7),
        ends_on=opened + datetime.timedelta(days=180),
        quantity=Decimal("48"),
        status="active",
    )
    # Legal advice for the family: its catalogue item has no INPS code yet (on the worklist).
    casework.record_intervention(
        by=worker,
        case=case,
        person=child.person,
        item=CatalogueItem.objects.get(code="A3.02"),
        provider=municipality,
        starts_on=opened + datetime.timedelta(days=14),
        quantity=Decimal("6"),
        status="active",
    )


# The demo's answers, INPS's codes as the questionnaires offer them.
SINA_ANSWERS = {
    "Mobilita": "2",  # moves with help
    "AttivitaVitaQuotidiana": "2",  # partly dependent
    "DisturbiAreaCognitiva": "1",
    "DisturbiComportamentali": "1",
    "NecessitaCureSanitarie": "2",
    "AreaReddituale": "2",
    "AreaSupporto": "2",
    "InvCiv": ["1", "6"],
    "FonteDerivazioneInvalidita": "1",
    "NecessitaInterventiSociali": ["A2.07", "A2.08"],  # home care, integrated home care
    "FonteDerivazioneValutazione": "1",  # UVM
    "StrumentoValutazione": "1",  # SVAMA
}
SINBA_ANSWERS = {
    "MinoreStranieroNoAcc": "2",
    "CondizioneMinore": "1",
    "LuogoVita": "1",
    "ScuolaFrequentata": "5",  # primary school
    "CondizioneLavoro": "1",
    "Disabilita": "2",
    "FonteSegnalazione": "13",  # the school, as the demo access says
    "ValutazioneMinore": "2",
    "ValutazioneFamigliaMinore": "2",
    "SegnalazioneAutoritaGiudiziaria": "2",
    "ProvvedimentoGiudiziario": "2",
    "TitoloStudioMadre": "5",
    "OccupazioneMadre": "1",
    "CollaborazioniInterventi": "7",
}
DISABILITY_AREAS = (Area.DISABILITY, Area.ELDERLY)


def _assess(slug: str, person, answers: dict, user) -> Submission | None:
    """Fill the person's assessment once, through the questionnaire's own validation."""
    if person is None or rules.assessment(person, slug) is not None:
        return None
    version = FormVersion.objects.filter(definition__slug=slug).order_by("-number").first()
    return submitting.submit(version, person, answers, user=user, channel=Submission.Channel.WEB)


def _assessments(today: datetime.date) -> None:
    assessments.seed()
    worker = get_user_model().objects.get(username="assistente")
    # A benefit for disability or dependency (home care, the care allowance...) given in Perugia.
    benefit = (
        Intervention.objects.filter(
            status__in=rules.GIVEN,
            item__area__in=DISABILITY_AREAS,
            person__residence_municipality__name="Perugia",
            person__birth_date__lt=today.replace(year=today.year - 18),
        )
        .exclude(item__inps_code="")
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if benefit is not None:
        _assess(rules.SINA_FORM, benefit.person, SINA_ANSWERS, worker)
    access = Access.objects.filter(reason=REASON).select_related("person").first()
    if access is not None:
        opened = access.date
        answers = {**SINBA_ANSWERS, "DataPrimaSegnalazione": opened.isoformat()}
        _assess(rules.SINBA_FORM, access.person, answers, worker)


def populate() -> dict:
    """Add what the demo flows need, once, and build them; returns the counts by state."""
    Organisation.objects.filter(municipality__name="Perugia", tax_code="").update(
        tax_code=PERUGIA_TAX_CODE
    )
    today = timezone.localdate()
    _minor_case(today)
    with transaction.atomic():
        _assessments(today)
    return actions.build_pending()
