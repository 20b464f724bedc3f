"""The region's territory: social zones, municipalities and their citizen offices."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    istat_code = models.CharField(_("ISTAT code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class SocialZone(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="zones")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    lead_municipality = models.ForeignKey(
        "Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead municipality"),
    )
    # SIUSS: a zone that sends the flows of all its municipalities does so under the code INPS
    # gives it (a letter and three digits, as a cadastral code); blank, each municipality sends
    # its own under its cadastral code.
    inps_code = models.CharField(
        _("INPS ente code"),
        max_length=4,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z][0-9]{3}$",
                _("Write the code INPS gave the zone: a capital letter and three digits."),
            )
        ],
        help_text=_(
            "Fill it in only if the zone sends the SIUSS flows of all its municipalities to "
            "INPS. Leave it blank if each municipality sends its own."
        ),
    )

    class Meta:
        verbose_name = _("social zone")
        verbose_name_plural = _("social zones")
        ordering = ["region", "number"]
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="unique_zone_number"),
            models.UniqueConstraint(
                fields=["inps_code"], condition=~Q(inps_code=""), name="unique_zone_inps_code"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # The e-service is mounted at /waas/<code>/: a zone's code must name no municipality.
        if self.inps_code and Municipality.objects.filter(cadastral_code=self.inps_code).exists():
            raise ValidationError(
                {"inps_code": _("This is a municipality's cadastral code, not the zone's.")}
            )


class Municipality(models.Model):
    istat_code = models.CharField(_("ISTAT code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=2)
    cadastral_code = models.CharField(_("cadastral code"), max_length=4, unique=True)
    population_2011 = models.PositiveIntegerField(_("population (2011 census)"))
    zone = models.ForeignKey(
        SocialZone,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("social zone"),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.province})"


class CitizenOffice(models.Model):
    """Ufficio di Cittadinanza: where citizens are received and followed."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_default = models.BooleanField(
        _("default office"),
        default=False,
        help_text=_("The office created for every municipality when the territory is loaded."),
    )

    class Meta:
        verbose_name = _("citizen office")
        verbose_name_plural = _("citizen offices")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unique_office_name"),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=models.Q(is_default=True),
                name="one_default_office_per_municipality",
                violation_error_message=_("This municipality already has a default office."),
            ),
        ]

    def __str__(self):
        return self.name

    def validate_constraints(self, exclude=None):
        # No form shows is_default, so Django would skip the one-default rule when a default
        # office moves to another municipality, and the database would refuse the save (a 500).
        # The instance carries the flag all the same: check the rule with it.
        super().validate_constraints(exclude=set(exclude or ()) - {"is_default"})

    @property
    def zone(self):
        return self.municipality.zone


class Closure(models.Model):
    """A day a municipality's offices (or one of them) are closed beyond weekends and national
    holidays: the patron saint's day every year, or a single day. Working-day deadlines skip
    it (see `closures.closed_on`)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="closures",
        verbose_name=_("municipality"),
    )
    office = models.ForeignKey(
        CitizenOffice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("office"),
        help_text=_("Leave empty when every office of the municipality is closed."),
    )
    date = models.DateField(_("date"))
    every_year = models.BooleanField(
        _("every year"),
        default=False,
        help_text=_("Closed on this day and month every year, as on the patron saint's day."),
    )
    reason = models.CharField(_("reason"), max_length=150)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["municipality__name", "date__month", "date__day"]

    def __str__(self):
        return f"{self.municipality.name}: {self.reason}"

    def when(self) -> str:
        if self.every_year:
            return _("%(day)s, every year") % {"day": date_format(self.date, "j F")}
        return date_format(self.date, "j F Y")

    when.short_description = _("when")

    def clean(self):
        super().clean()
        if (
            self.office_id
            and self.municipality_id
            and self.office.municipality_id != self.municipality_id
        ):
            raise ValidationError({"office": _("This office is not in the municipality chosen.")})
