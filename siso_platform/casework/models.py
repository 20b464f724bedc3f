"""Casework records: the regional catalogues, and who came, who is followed, which needs they
have and which interventions they receive from whom.

Models hold data and database guarantees only; the rules a user can break (an intervention
ending before it starts, a closed case) live in `rules.py` and are applied by `actions.py`,
the one way every page, API call and workflow changes these records.

Periods here are the dates an operator writes: `ends_on` is the last day (inclusive), empty
while open, as in "from 1 January to 31 December".
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siso_platform.periods import DatesQuerySet
from siso_platform.sync.channels import entered_via_field

from . import rules


class Area(models.TextChoices):
    """Areas of users of the national nomenclature of social interventions and services."""

    FAMILIES_MINORS = "families_minors", _("families and minors")
    DISABILITY = "disability", _("disability")
    ADDICTIONS = "addictions", _("addictions")
    ELDERLY = "elderly", _("elderly")
    IMMIGRANTS = "immigrants", _("immigrants")
    POVERTY = "poverty", _("poverty and adult hardship")
    MULTI_USER = "multi_user", _("multi-user")


class InterventionKind(models.TextChoices):
    PROFESSIONAL = "professional", _("professional service")
    HOME = "home", _("home service")
    DAY_CENTRE = "day_centre", _("day centre")
    RESIDENTIAL = "residential", _("residential")
    CASH = "cash", _("cash transfer")
    VOUCHER = "voucher", _("voucher")


class Unit(models.TextChoices):
    EURO = "euro", _("euro")
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")


class MeansTest(models.TextChoices):
    """Whether a benefit depends on the beneficiary's means (SIUSS `PresenzaProvaMezzi`)."""

    ISEE = "isee", _("subject to ISEE")
    OTHER = "other", _("means-tested, but not through ISEE")
    NONE = "none", _("not means-tested")


class BenefitCharacter(models.TextChoices):
    """SIUSS `CaratterePrestazione`: how the recorded amount and quantity are read."""

    PERIODIC = "periodic", _("periodic: amount and quantity cover the whole period")
    ONE_OFF = "one_off", _("one-off: the amount is paid once")


class UserArea(models.TextChoices):
    """SIUSS `AreaUtenza`: the three areas of users INPS counts."""

    FAMILIES_MINORS = "families_minors", _("families and minors")
    DISABILITY = "disability", _("disability and dependency")
    POVERTY = "poverty", _("poverty and social exclusion")


class CatalogueQuerySet(models.QuerySet):
    def in_use(self):
        return self.filter(active=True)


class NeedCategory(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(
        _("in use"), default=True, help_text=_("Retired categories stay on past records.")
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("need category")
        verbose_name_plural = _("need categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class InpsBenefit(models.Model):
    """A row of INPS's table of social benefits (SIUSS `CodicePrestazione`), which the region
    keeps as INPS publishes it; catalogue items are mapped to its codes. Seeded from
    `data/inps_benefits.csv` (its source: `data/SOURCES.md`)."""

    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        validators=[MinLengthValidator(5)],
        help_text=_("As INPS's table writes it, e.g. A2.07 (5 to 10 characters)."),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("As INPS's table names it."))
    active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_(
            "A code no longer in use is not offered to catalogue items; those that have it keep it."
        ),
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("INPS benefit")
        verbose_name_plural = _("INPS benefits")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} · {self.name}"


class CatalogueItem(models.Model):
    """An intervention or service of the regional catalogue."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("The code of the national nomenclature, e.g. B1.01."),
    )
    name = models.CharField(_("name"), max_length=200)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=InterventionKind.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    need_category = models.ForeignKey(
        NeedCategory,
        on_delete=models.PROTECT,
        related_name="catalogue_items",
        verbose_name=_("need it answers"),
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Retired items can no longer be recorded; past interventions keep them."),
    )
    # What the national feed (SIUSS) needs to know about the item's benefits: see docs/siuss.md.
    inps_code = models.CharField(
        _("INPS benefit code"),
        max_length=10,
        blank=True,
        validators=[MinLengthValidator(5)],
        help_text=_(
            "The benefit's code in INPS's table of social benefits (Catalogues > INPS "
            "benefits). Without it, the item's benefits are not sent to INPS and wait on the "
            "SIUSS worklist."
        ),
    )
    # Follows the INPS table (`clean`, `catalogues.follow_inps_table`): never typed.
    inps_name = models.CharField(
        _("INPS benefit name"),
        max_length=200,
        blank=True,
        validators=[MinLengthValidator(rules.INPS_NAME_MIN_LENGTH)],
        help_text=_("As INPS's table names it; when empty, the item's name is sent."),
    )
    means_test = models.CharField(
        _("means test"), max_length=10, choices=MeansTest.choices, blank=True
    )
    benefit_character = models.CharField(
        _("character of the benefit"), max_length=10, choices=BenefitCharacter.choices, blank=True
    )
    user_area = models.CharField(
        _("area of users for INPS"),
        max_length=20,
        choices=UserArea.choices,
        blank=True,
        help_text=_(
            "When empty: from the item's area; for a multi-user item, from the beneficiary (a "
            "minor: families and minors; with a civil invalidity: disability; otherwise "
            "poverty)."
        ),
    )
    isee_threshold = models.DecimalField(
        _("ISEE threshold (euro)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The highest ISEE admitted to the benefit, for a means-tested item."),
    )
    unit_cost = models.DecimalField(
        _("cost of an hour or day (euro)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "For items counted in hours or days: values a benefit recorded without an amount."
        ),
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("intervention catalogue")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        # The code must be one of INPS's table (a typo would reach INPS as a benefit nobody
        # knows); the name comes with it.
        super().clean()
        benefit = InpsBenefit.objects.filter(code=self.inps_code).first()
        problems = rules.inps_code_problems(self.inps_code, in_table=benefit is not None)
        if problems:
            raise ValidationError(problems)
        self.inps_name = rules.inps_name_of(benefit.name) if benefit else ""


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("at the office")
    PHONE = "phone", _("phone")
    EMAIL = "email", _("email or letter")
    HOME_VISIT = "home_visit", _("home visit")
    REFERRAL = "referral", _("referred by another service")


class AccessOutcome(models.TextChoices):
    INFORMATION = "information", _("information")
    REFERRAL = "referral", _("referral to another service")
    TAKING_IN_CHARGE = "taking_in_charge", _("taking in charge")


class Access(models.Model):
    """Accesso: a contact of a person with a citizen office."""

    office = models.ForeignKey(
        "territory.CitizenOffice",
        on_delete=models.PROTECT,
        related_name="accesses",
        verbose_name=_("citizen office"),
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="accesses", verbose_name=_("person")
    )
    date = models.DateField(_("date"), default=datetime.date.today)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    reason = models.TextField(_("reason"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=AccessOutcome.choices)
    referred_to = models.CharField(
        _("referred to"), max_length=200, blank=True, help_text=_("The service, for a referral.")
    )
    intake = models.OneToOneField(
        "forms.Submission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access",
        verbose_name=_("intake questionnaire"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="accesses_recorded",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Set when the access brought in a person the zone did not follow (found on the register
    # by exact tax code): why the zone needs their record, shown to every zone that reads it.
    register_reason = models.TextField(_("why the record is needed"), blank=True)
    entered_via = entered_via_field()
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("access")
        verbose_name_plural = _("accesses")
        ordering = ["-date", "-recorded_at"]

    def __str__(self):
        return _("Access of %(date)s") % {"date": self.date.strftime("%d/%m/%Y")}


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class ClosingOutcome(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("goals reached")
    TRANSFERRED = "transferred", _("transferred to another service")
    MOVED = "moved", _("moved away")
    DECEASED = "deceased", _("deceased")
    WITHDRAWN = "withdrawn", _("withdrawn by the person")
    OTHER = "other", _("other")


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CaseStatus.OPEN)


class Case(models.Model):
    """Presa in carico: a person (and their household) followed by a social worker."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("household"),
    )
    zone = models.ForeignKey(
        "territory.SocialZone",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("social zone"),
    )
    office = models.ForeignKey(
        "territory.CitizenOffice",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("citizen office"),
    )
    access = models.ForeignKey(
        Access,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("from the access"),
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_followed",
        verbose_name=_("responsible social worker"),
    )
    opened_on = models.DateField(_("opened on"), default=datetime.date.today)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    closing_outcome = models.CharField(
        _("closing outcome"), max_length=20, choices=ClosingOutcome.choices, blank=True
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            # One case at a time per person and zone: a second one would split the record.
            models.UniqueConstraint(
                fields=["person", "zone"],
                condition=~Q(status="closed"),
                name="one_open_case_per_person_and_zone",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closes_after_opening",
            ),
        ]

    def __str__(self):
        return _("Case %(number)s of %(person)s") % {
            "number": self.pk,
            "person": f"{self.person.last_name} {self.person.first_name}",
        }

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class NeedOrigin(models.TextChoices):
    EXPRESSED = "expressed", _("expressed")
    DETECTED = "detected", _("detected")


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("need status", "open")
    ADDRESSED = "addressed", _("being addressed")
    CLOSED = "closed", pgettext_lazy("need status", "closed")


class Need(models.Model):
    """Bisogno: expressed by the person, or detected by an operator or an indicator."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="needs", verbose_name=_("person")
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("household"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("case"),
    )
    category = models.ForeignKey(
        NeedCategory, on_delete=models.PROTECT, related_name="needs", verbose_name=_("category")
    )
    origin = models.CharField(_("origin"), max_length=10, choices=NeedOrigin.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    noted_on = models.DateField(_("noted on"), default=datetime.date.today)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    detected_by = models.CharField(
        _("detected by"),
        max_length=100,
        blank=True,
        help_text=_("The indicator that detected a latent need; empty when an operator noted it."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-noted_on", "-pk"]

    def __str__(self):
        return f"{self.category} ({self.get_origin_display()})"


class CarePlan(models.Model):
    """Progetto personalizzato: what the case aims at and when it is reviewed."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="care_plan", verbose_name=_("case")
    )
    summary = models.TextField(_("overall objective"), blank=True)
    agreed_on = models.DateField(_("agreed with the person on"), null=True, blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")

    def __str__(self):
        return _("Care plan of case %(number)s") % {"number": self.case_id}


class CarePlanVersion(models.Model):
    """One saved state of a care plan: every change writes one, none is ever rewritten, so the
    record shows what was agreed when, by whom, and from which page or procedure step."""

    plan = models.ForeignKey(
        CarePlan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("care plan")
    )
    number = models.PositiveIntegerField(_("version"))
    summary = models.TextField(_("overall objective"), blank=True)
    agreed_on = models.DateField(_("agreed with the person on"), null=True, blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    # [{"description", "due_on" (ISO date or null), "status"}], in the plan's order
    goals = models.JSONField(_("goals"), default=list)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the change was made: the case page or a procedure step."),
    )
    submission = models.ForeignKey(
        "forms.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("questionnaire"),
    )

    class Meta:
        verbose_name = _("care plan version")
        verbose_name_plural = _("care plan versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_care_plan_version_number")
        ]

    def __str__(self):
        return _("Version %(number)s of the care plan of case %(case)s") % {
            "number": self.number,
            "case": self.plan.case_id,
        }

    def goal_rows(self) -> list[dict]:
        """The snapshot's goals with dates and status labels, for the record page."""
        labels = dict(GoalStatus.choices)
        return [
            {
                "description": goal.get("description", ""),
                "due_on": datetime.date.fromisoformat(goal["due_on"])
                if goal.get("due_on")
                else None,
                "status": labels.get(goal.get("status"), goal.get("status") or ""),
            }
            for goal in self.goals
        ]


class GoalStatus(models.TextChoices):
    PENDING = "pending", _("in progress")
    REACHED = "reached", _("reached")
    NOT_REACHED = "not_reached", _("not reached")


class Goal(models.Model):
    plan = models.ForeignKey(
        CarePlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("care plan")
    )
    description = models.CharField(_("goal"), max_length=300)
    due_on = models.DateField(_("by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=GoalStatus.choices, default=GoalStatus.PENDING
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.description


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", pgettext_lazy("intervention status", "active")
    SUSPENDED = "suspended", _("suspended")
    ENDED = "ended", _("ended")


class InterventionSource(models.TextChoices):
    OPERATOR = "operator", _("recorded by an operator")
    IMPORT = "import", _("imported")


class Beneficiary(models.TextChoices):
    PERSON = "person", _("the person")
    HOUSEHOLD = "household", _("the household")
    BOTH = "both", _("the person and the household")


class InterventionQuerySet(DatesQuerySet):
    def running_on(self, day: datetime.date):
        """Interventions given on `day`: started, not yet ended, neither planned nor suspended."""
        return self.in_effect(day).filter(status=InterventionStatus.ACTIVE)

    def placed(self):
        """With where each counts (`place_zone`, `place_municipality`): its case's zone and
        office, or, without a case, where its beneficiary lives."""
        return self.annotate(
            place_zone=Coalesce(
                "case__zone",
                "person__residence_municipality__zone",
                "household__municipality__zone",
            ),
            place_municipality=Coalesce(
                "case__office__municipality",
                "person__residence_municipality",
                "household__municipality",
            ),
        )


class Intervention(models.Model):
    """Prestazione: a catalogued benefit or service given by a provider to a beneficiary."""

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("case"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("beneficiary person"),
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("beneficiary household"),
    )
    need = models.ForeignKey(
        Need,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("need"),
    )
    item = models.ForeignKey(
        CatalogueItem,
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name=_("intervention"),
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="interventions_provided",
        verbose_name=_("provider"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True, help_text=_("The last day."))
    amount = models.DecimalField(
        _("amount (euro)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("In the unit of the catalogue item: hours or days."),
    )
    delivered_quantity = models.DecimalField(
        _("delivered quantity"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("In the unit of the catalogue item, from the accepted activity reports."),
    )
    # Who pays what of the amount, over the same period (SIUSS `ImportoQuotaUtente` and
    # `ImportoQuotaSSN`; the ente pays the rest). Blank: not recorded.
    user_share = models.DecimalField(
        _("paid by the beneficiary (euro)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The part of the amount the beneficiary pays, for the same period."),
    )
    health_share = models.DecimalField(
        _("paid by the health service (euro)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The part of the amount the health service pays, for the same period."),
    )
    means_test_waived = models.BooleanField(
        _("granted without a means test"),
        default=False,
        help_text=_(
            "The benefit usually depends on the ISEE, but this beneficiary receives it for "
            "another reason of need (a child with a disability at the nursery, a large family)."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InterventionStatus.choices,
        default=InterventionStatus.PLANNED,
    )
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=InterventionSource.choices,
        default=InterventionSource.OPERATOR,
    )
    source_reference = models.CharField(
        _("source reference"),
        max_length=100,
        blank=True,
        help_text=_("For imported interventions: the import run and row."),
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    entered_via = entered_via_field()
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(household__isnull=False),
                name="intervention_has_beneficiary",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="intervention_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(amount__isnull=True) | Q(amount__gte=0))
                & (Q(quantity__isnull=True) | Q(quantity__gte=0)),
                name="intervention_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.item} ({self.provider})"

    @property
    def beneficiary(self) -> str:
        if self.person_id and self.household_id:
            return Beneficiary.BOTH
        return Beneficiary.PERSON if self.person_id else Beneficiary.HOUSEHOLD


class Delivery(models.Model):
    """What an intervention delivered on a day, recorded by the zone's staff (a home visit,
    hours of home care): adds to the intervention's delivered quantity, as an accepted
    activity report of a body does."""

    intervention = models.ForeignKey(
        Intervention,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("intervention"),
    )
    date = models.DateField(_("date"))
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        help_text=_("In the unit of the catalogue item: hours or days."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    entered_via = entered_via_field()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_quantity_positive")
        ]

    def __str__(self):
        return _("Delivery of %(date)s") % {"date": self.date.strftime("%d/%m/%Y")}


class Assignment(models.Model):
    """A case entrusted to a third-sector body for a period: its operators then see the person."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("case")
    )
    body = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("third-sector body"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True, help_text=_("The last day."))
    purpose = models.TextField(_("what the body is asked to do"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    objects = DatesQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.body} · {self.case}"


class NoteKind(models.TextChoices):
    INTERVIEW = "interview", _("interview")
    HOME_VISIT = "home_visit", _("home visit")
    PHONE_CALL = "phone_call", _("phone call")
    NOTE = "note", _("note")


class DiaryNote(models.Model):
    """Diario: a dated note on a case. Append-only: a note is never edited; a correction is a
    new note that names the one it corrects, so the diary keeps what was written and when."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="diary_notes", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=15, choices=NoteKind.choices)
    happened_on = models.DateField(_("date of the event"), default=datetime.date.today)
    text = models.TextField(_("text"))
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects the note"),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    entered_via = entered_via_field()

    class Meta:
        verbose_name = _("diary note")
        verbose_name_plural = _("diary notes")
        ordering = ["-happened_on", "-written_at", "-pk"]

    def __str__(self):
        return _("%(kind)s of %(date)s") % {
            "kind": self.get_kind_display(),
            "date": self.happened_on.strftime("%d/%m/%Y"),
        }


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("identity document")
    ISEE = "isee", _("ISEE certificate")
    CERTIFICATE = "certificate", _("certificate")
    REPORT = "report", _("report")
    OTHER = "other", _("other")


def _document_path(document, filename: str) -> str:
    # A random name on disk: a file's own name may carry the person's name (docs/files.md).
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"record-documents/{document.person_id}/{uuid.uuid4().hex}.{suffix}"


class RecordDocument(models.Model):
    """A document on a person's record, and on one of their cases when it belongs there;
    kept in private storage and handed out only by the scoped, audited download view."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="record_documents",
        verbose_name=_("person"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("case"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=15, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=_document_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    entered_via = entered_via_field()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title


class AppointmentKind(models.TextChoices):
    INTERVIEW = "interview", _("interview")
    HOME_VISIT = "home_visit", _("home visit")
    PHONE_CALL = "phone_call", _("phone call")
    MEETING = "meeting", _("meeting")


class AppointmentPlace(models.TextChoices):
    OFFICE = "office", _("at the office")
    HOME = "home", _("at the person's home")
    OTHER = "other", _("elsewhere")


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    DONE = "done", _("held")
    CANCELLED = "cancelled", _("cancelled")


class Appointment(models.Model):
    """An entry of an operator's diary (agenda): whom they meet, when, where and why."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("operator"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("person"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("case"),
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    kind = models.CharField(_("kind"), max_length=15, choices=AppointmentKind.choices)
    place = models.CharField(_("place"), max_length=10, choices=AppointmentPlace.choices)
    place_detail = models.CharField(
        _("address or details of the place"), max_length=200, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.SCHEDULED,
    )
    diary_note = models.OneToOneField(
        DiaryNote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointment",
        verbose_name=_("diary note"),
    )
    booked_at = models.DateTimeField(_("booked at"), default=timezone.now)
    # What the app's sync compares with its cursor: booked, moved, cancelled or done since.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="appointment_lasts_some_time"
            )
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return _("%(kind)s of %(when)s") % {
            "kind": self.get_kind_display(),
            "when": local.strftime("%d/%m/%Y %H:%M"),
        }

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)
