"""Monitoring records: benefit programmes and need indicators (rules over the household fact
sheet, versioned like questionnaires), complementary items, alerts, screenings and checks.

Rules are edited as wagtail drafts and frozen into immutable versions when published; every
check and screening result points at the version it used.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from definitions.models import Definition, Version
from forms import logic


def validate_rule(rule) -> None:
    found = logic.check(rule)
    if found:
        raise ValidationError(_("The rule is not valid JSON Logic: %s") % "; ".join(found))


class RuleDefinition(Definition):
    """What programmes and indicators share: an owner (its territory) and a JSON Logic rule."""

    rule = models.JSONField(
        _("rule"),
        validators=[validate_rule],
        help_text=_("JSON Logic over the household fact sheet; true means it applies."),
    )

    class Meta(Definition.Meta):
        abstract = True

    def snapshot(self) -> dict:
        """What a version freezes: everything an evaluation depends on."""
        zone = getattr(self.owner, "zone_id", None)
        return {"slug": self.slug, "title": self.title, "zone": zone, "rule": self.rule}

    def version_content(self) -> dict:
        return self.snapshot()

    def publish_problems(self) -> list:
        # An invalid rule never gets here: the field's validator refuses it on `rule`.
        from .rules import unknown_names

        return [
            _("“%s” is not a name of the household fact sheet") % name
            for name in unknown_names(self.rule)
        ]


class AmountPeriod(models.TextChoices):
    """How often a programme's amount is paid; `per_year` says how many times in a year
    (a one-off sum is counted once in the year it is paid)."""

    ONCE = "once", _("one-off")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


PAYMENTS_PER_YEAR = {AmountPeriod.ONCE: 1, AmountPeriod.MONTH: 12, AmountPeriod.YEAR: 1}


class Programme(RuleDefinition):
    """A benefit (misura): who is eligible for a catalogue item, where and when, and
    optionally how much it pays each household."""

    item = models.ForeignKey(
        "casework.CatalogueItem",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("catalogue item it funds"),
    )
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("The last day; empty while open.")
    )
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.01"), message=_("The amount must be more than zero."))
        ],
        help_text=_(
            "What each household receives, in euro. Leave it empty if the programme pays no "
            "fixed sum: the dry run then estimates no cost."
        ),
    )
    amount_period = models.CharField(
        _("how often it is paid"),
        max_length=10,
        choices=AmountPeriod.choices,
        blank=True,
        help_text=_("Once only, every month or every year."),
    )

    class Meta(RuleDefinition.Meta):
        verbose_name = _("benefit programme")
        verbose_name_plural = _("benefit programmes")

    def clean(self):
        errors = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The programme ends before it starts.")
        if self.amount is not None and not self.amount_period:
            errors["amount_period"] = _("Say how often the amount is paid.")
        if self.amount is None and self.amount_period:
            errors["amount"] = _("Write the amount, or leave how often it is paid empty.")
        if errors:
            raise ValidationError(errors)

    def snapshot(self) -> dict:
        snap = {
            **super().snapshot(),
            "item": self.item.code,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
        }
        # Only when stated, so publishing an unchanged older programme makes no new version.
        if self.amount is not None:
            snap.update(amount=f"{self.amount:.2f}", amount_period=self.amount_period)
        return snap


class Severity(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class Indicator(RuleDefinition):
    """A need indicator: a situation that suggests a latent need in a household."""

    need_category = models.ForeignKey(
        "casework.NeedCategory",
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("need category"),
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    message = models.TextField(_("message"), help_text=_("What the social worker reads."))

    class Meta(RuleDefinition.Meta):
        verbose_name = _("need indicator")
        verbose_name_plural = _("need indicators")

    def snapshot(self) -> dict:
        return {
            **super().snapshot(),
            "need_category": self.need_category.code,
            "severity": self.severity,
            "message": self.message,
        }


class RuleVersion(Version):
    content_field = "snapshot"

    snapshot = models.JSONField(_("content"))

    class Meta(Version.Meta):
        abstract = True

    def __str__(self):
        return f"{self.snapshot['title']} v{self.number}"

    @property
    def rule(self):
        return self.snapshot["rule"]

    @property
    def title(self) -> str:
        return self.snapshot["title"]


class ProgrammeVersion(RuleVersion):
    definition = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="versions")

    class Meta(RuleVersion.Meta):
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="one_programme_number")
        ]


class IndicatorVersion(RuleVersion):
    definition = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="versions")

    class Meta(RuleVersion.Meta):
        verbose_name = _("indicator version")
        verbose_name_plural = _("indicator versions")
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="one_indicator_number")
        ]


class ComplementaryItems(models.Model):
    """Two catalogue items meant to be given together: their overlap is not double funding."""

    first = models.ForeignKey(
        "casework.CatalogueItem",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("catalogue item"),
    )
    second = models.ForeignKey(
        "casework.CatalogueItem",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("complementary item"),
    )
    reason = models.CharField(_("why they go together"), max_length=300)

    class Meta:
        verbose_name = _("complementary items")
        verbose_name_plural = _("complementary items")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_complementary_pair")
        ]

    def __str__(self):
        return f"{self.first.code} + {self.second.code}"

    def clean(self):
        if self.first_id and self.first_id == self.second_id:
            raise ValidationError({"second": _("Choose two different items.")})
        if self.first_id and self.second_id:
            pair = Q(first=self.first_id, second=self.second_id)
            pair |= Q(first=self.second_id, second=self.first_id)
            if ComplementaryItems.objects.filter(pair).exclude(pk=self.pk).exists():
                raise ValidationError({"second": _("These items are already complementary.")})


@register_setting(icon="warning")
class MonitoringSettings(BaseGenericSetting):
    gap_days = models.PositiveIntegerField(
        _("days a need may wait"),
        default=60,
        help_text=_(
            "An open need with no running intervention of its category for longer than this "
            "raises an unmet-need alert."
        ),
    )

    class Meta:
        verbose_name = _("monitoring settings")


class AlertKind(models.TextChoices):
    OVERLAP = "overlap", _("double funding")
    GAP = "gap", _("unmet need")
    LATENT_NEED = "latent_need", _("latent need")
    REVIEW = "review", _("to review")


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert status", "open")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")


class AlertQuerySet(models.QuerySet):
    def unresolved(self):
        return self.exclude(status=AlertStatus.RESOLVED)


class Alert(models.Model):
    """A situation a zone's social workers should look at. Alerts are resolved, never deleted;
    `key` names the situation, so a resolved one is not raised again."""

    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    key = models.CharField(_("key"), max_length=120, unique=True)
    zone = models.ForeignKey(
        "territory.SocialZone",
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("social zone"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("person"),
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("household"),
    )
    title = models.CharField(_("title"), max_length=300)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=15, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts_assigned",
        verbose_name=_("assigned to"),
    )
    resolution = models.TextField(_("resolution reason"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["zone", "status", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution=""),
                name="resolved_alert_has_reason",
            )
        ]

    def __str__(self):
        return self.title


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ScreeningRun(models.Model):
    """Every programme and indicator in effect, over every household of a territory."""

    zone = models.ForeignKey(
        "territory.SocialZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social zone"),
    )
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    on = models.DateField(_("as of"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    households_total = models.PositiveIntegerField(_("households"), default=0)
    households_done = models.PositiveIntegerField(_("households screened"), default=0)
    programmes = models.ManyToManyField(ProgrammeVersion, related_name="+", blank=True)
    indicators = models.ManyToManyField(IndicatorVersion, related_name="+", blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-created_at", "-pk"]
        permissions = [("view_territory_analysis", _("Can see the territory analysis"))]

    def __str__(self):
        return _("Screening of %(territory)s as of %(on)s") % {
            "territory": self.territory_name,
            "on": self.on.strftime("%d/%m/%Y"),
        }

    @property
    def territory_name(self) -> str:
        if self.municipality_id:
            return self.municipality.name
        if self.zone_id:
            return str(self.zone)
        return str(_("the region"))

    @property
    def progress(self) -> int:
        if not self.households_total:
            return 100 if self.status == RunStatus.DONE else 0
        return round(100 * self.households_done / self.households_total)


class ResultList(models.TextChoices):
    LATENT = "latent", _("eligible, receiving nothing")
    REVIEW = "review", _("receiving, no longer eligible")
    UNDETERMINED = "undetermined", _("undetermined")
    MATCH = "match", _("indicator matched")


class ScreeningResult(models.Model):
    """One household on one of a screening's lists; households on no list are only counted."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="results")
    household = models.ForeignKey(
        "people.Household", on_delete=models.CASCADE, related_name="+", verbose_name=_("household")
    )
    programme = models.ForeignKey(
        ProgrammeVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    indicator = models.ForeignKey(
        IndicatorVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_list = models.CharField(_("list"), max_length=15, choices=ResultList.choices)
    missing = models.JSONField(_("missing facts"), default=list, blank=True)
    explanation = models.JSONField(_("explanation"), null=True, blank=True)

    class Meta:
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        indexes = [models.Index(fields=["run", "on_list"])]

    def __str__(self):
        return f"{self.get_on_list_display()} · {self.programme or self.indicator}"


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", _("eligible")
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    UNDETERMINED = "undetermined", _("undetermined")


class EligibilityCheck(models.Model):
    """One household checked against one programme version, with the explanation."""

    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    programme = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT, related_name="checks")
    on = models.DateField(_("as of"))
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices)
    receiving = models.BooleanField(_("already receiving"), default=False)
    explanation = models.JSONField(_("explanation"))
    missing = models.JSONField(_("missing facts"), default=list, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        ordering = ["-checked_at", "-pk"]

    def __str__(self):
        return f"{self.programme} · {self.get_outcome_display()}"


class DryRun(models.Model):
    """A draft programme or indicator tried over a zone or the region before it is published.
    It writes no lists and raises no alerts; it keeps counts only, never a household."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="dry_runs"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="dry_runs"
    )
    zone = models.ForeignKey(
        "territory.SocialZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social zone"),
        help_text=_("Empty: the whole region."),
    )
    on = models.DateField(_("as of"))
    rule = models.JSONField(_("rule tried"))
    item = models.CharField(_("catalogue item"), max_length=20, blank=True)
    # The draft's amount when the run started: the cost is worked out from it and the counts.
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_period = models.CharField(
        _("how often it is paid"), max_length=10, choices=AmountPeriod.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    households_total = models.PositiveIntegerField(_("households"), default=0)
    households_done = models.PositiveIntegerField(_("households tried"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dry run")
        verbose_name_plural = _("dry runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Dry run of %(rule)s over %(territory)s") % {
            "rule": self.definition,
            "territory": self.territory_name,
        }

    @property
    def definition(self):
        return self.programme or self.indicator

    @property
    def territory_name(self) -> str:
        return str(self.zone) if self.zone_id else str(_("the whole region"))

    @property
    def progress(self) -> int:
        if not self.households_total:
            return 100 if self.status == RunStatus.DONE else 0
        return round(100 * self.households_done / self.households_total)
