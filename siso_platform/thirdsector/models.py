"""Third-sector bodies, their accreditations and the activity reports they send.

A body is an organisation of kind `third_sector_body` (its name and tax code live there)
with the data of the national third-sector register (RUNTS). Its operators reach a person
only while a case of the person is assigned to the body and the body holds an accreditation
in effect in the case's zone (`reach.py`).

Dates are the ones an operator writes: `valid_to` and `ends_on` are the last day, inclusive.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siso_platform.casework.models import Area
from siso_platform.sync.channels import entered_via_field


class LegalForm(models.TextChoices):
    ODV = "odv", _("voluntary organisation (ODV)")
    APS = "aps", _("social promotion association (APS)")
    SOCIAL_COOPERATIVE = "social_cooperative", _("social cooperative")
    SOCIAL_ENTERPRISE = "social_enterprise", _("social enterprise")
    OTHER = "other", _("other third-sector body")


class ThirdSectorBody(models.Model):
    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="third_sector_body",
        limit_choices_to={"kind": "third_sector_body"},
        verbose_name=_("organisation"),
    )
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    runts_number = models.CharField(
        _("RUNTS number"),
        max_length=30,
        unique=True,
        help_text=_("The registration number in the national third-sector register (RUNTS)."),
    )
    legal_seat = models.CharField(_("legal seat"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    pec = models.EmailField(_("certified email (PEC)"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("third-sector body")
        verbose_name_plural = _("third-sector bodies")
        ordering = ["organisation__name"]

    def __str__(self):
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def tax_code(self) -> str:
        return self.organisation.tax_code


class AccreditationStatus(models.TextChoices):
    APPLIED = "applied", _("applied for")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", pgettext_lazy("accreditation", "rejected")
    REVOKED = "revoked", _("revoked")


class AccreditationQuerySet(models.QuerySet):
    def in_effect(self, day: datetime.date):
        """Approved, not revoked, and valid on `day`."""
        return self.filter(
            status=AccreditationStatus.APPROVED, valid_from__lte=day, valid_to__gte=day
        )


class Accreditation(models.Model):
    """A body's application to a zone, and once approved the scope it may work in."""

    body = models.ForeignKey(
        ThirdSectorBody,
        on_delete=models.PROTECT,
        related_name="accreditations",
        verbose_name=_("body"),
    )
    zone = models.ForeignKey(
        "territory.SocialZone",
        on_delete=models.PROTECT,
        related_name="accreditations",
        verbose_name=_("reviewing zone"),
        help_text=_("The zone that reviews the application."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AccreditationStatus.choices,
        default=AccreditationStatus.APPLIED,
    )
    requested_areas = models.JSONField(_("areas applied for"), default=list, blank=True)
    zones = models.ManyToManyField(
        "territory.SocialZone",
        related_name="accredited_bodies",
        blank=True,
        verbose_name=_("zones granted"),
    )
    areas = models.JSONField(
        _("areas granted"), default=list, blank=True, help_text=_("Areas of users.")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("The last day."))
    process = models.OneToOneField(
        "viewflow.Process",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accreditation",
        verbose_name=_("procedure"),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reasons"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["-applied_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(
                    valid_from__isnull=False, valid_to__isnull=False, valid_to__gte=F("valid_from")
                ),
                name="approved_accreditation_has_a_period",
            )
        ]

    def __str__(self):
        return _("Accreditation of %(body)s (%(status)s)") % {
            "body": self.body,
            "status": self.get_status_display(),
        }

    def in_effect_on(self, day: datetime.date) -> bool:
        """The queryset's `in_effect`, for one accreditation already fetched."""
        return (
            self.status == AccreditationStatus.APPROVED and self.valid_from <= day <= self.valid_to
        )

    def area_labels(self) -> list[str]:
        return [str(Area(area).label) for area in self.areas if area in Area.values]


class ActivityType(models.TextChoices):
    HOME_CARE = "home_care", _("home care")
    EDUCATIONAL = "educational", _("educational support")
    ACCOMPANIMENT = "accompaniment", _("accompaniment")
    DAY_CENTRE = "day_centre", _("day centre")
    COUNSELLING = "counselling", _("counselling")
    OTHER = "other", _("other")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("waiting for review")
    CORRECTION = "correction", _("to be corrected")
    ACCEPTED = "accepted", _("accepted")


class ActivityReport(models.Model):
    """Rendicontazione: what a body did for a person under an intervention, on a day."""

    body = models.ForeignKey(
        ThirdSectorBody,
        on_delete=models.PROTECT,
        related_name="activity_reports",
        verbose_name=_("body"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="activity_reports",
        verbose_name=_("person"),
    )
    intervention = models.ForeignKey(
        "casework.Intervention",
        on_delete=models.PROTECT,
        related_name="activity_reports",
        verbose_name=_("intervention"),
    )
    date = models.DateField(_("date"))
    activity_type = models.CharField(_("activity"), max_length=20, choices=ActivityType.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    process = models.OneToOneField(
        "viewflow.Process",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activity_report",
        verbose_name=_("procedure"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="activity_reports",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    entered_via = entered_via_field()

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="report_hours_within_a_day"
            ),
        ]

    def __str__(self):
        return _("%(activity)s of %(date)s") % {
            "activity": self.get_activity_type_display(),
            "date": self.date.strftime("%d/%m/%Y"),
        }


def _attachment_path(attachment, filename: str) -> str:
    return f"activity-reports/{attachment.report_id}/{filename}"


class ReportAttachment(models.Model):
    """A file sent with an activity report; served only to who may read the report."""

    report = models.ForeignKey(
        ActivityReport,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("activity report"),
    )
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name
