"""Persons, households and the facts known about them, each fact with its provenance."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from siso_platform.periods import PeriodQuerySet

from . import tax_code as tc


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(models.Model):
    tax_code = models.CharField(
        _("tax code"),
        max_length=16,
        unique=True,
        help_text=_("Codice fiscale, or a provisional 11-digit numeric code."),
    )
    provisional_tax_code = models.BooleanField(_("provisional tax code"), default=False)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    birth_place_code = models.CharField(
        _("birthplace code"),
        max_length=4,
        blank=True,
        help_text=_("Cadastral code of the municipality, or Z code of the foreign country."),
    )
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True, default="IT")
    residence_municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("municipality of residence"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    deceased_on = models.DateField(_("date of death"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name"]
        # names and birth date: searches by name, and the duplicate check of the imports
        indexes = [models.Index(fields=["last_name", "first_name", "birth_date"])]

    def __str__(self):
        return f"{self.last_name} {self.first_name} ({self.tax_code})"

    @property
    def birth_place(self) -> str:
        place = tc.place(self.birth_place_code) if self.birth_place_code else None
        return f"{place.name} ({place.province})" if place else self.birth_place_code

    def clean_fields(self, exclude=None):
        # Normalise first, so that " rssmra80a01h501u " is not refused for its length.
        self.tax_code = tc.normalize(self.tax_code or "")
        super().clean_fields(exclude)

    def clean(self):
        try:
            decoded = tc.decode(self.tax_code)
        except tc.TaxCodeError as error:
            raise ValidationError({"tax_code": error.message}) from error
        self.provisional_tax_code = decoded.provisional
        if not decoded.provisional and not self.birth_place_code:
            self.birth_place_code = decoded.birth_place_code
        contradictions = tc.cross_check(
            decoded,
            birth_date=self.birth_date,
            sex=self.sex or None,
            birth_place_code=self.birth_place_code or None,
        )
        if contradictions:
            raise ValidationError(contradictions)


class Household(models.Model):
    """Nucleo familiare: who lives together, as the registry's family sheet says."""

    code = models.CharField(
        _("family sheet"),
        max_length=40,
        help_text=_("The registry's family-sheet number, unique within the municipality."),
    )
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="unique_family_sheet")
        ]

    def __str__(self):
        return _("Household %(code)s (%(municipality)s)") % {
            "code": self.code,
            "municipality": self.municipality.name,
        }


class Relation(models.TextChoices):
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    PARTNER = "partner", _("partner")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    SIBLING = "sibling", _("sibling")
    GRANDCHILD = "grandchild", _("grandchild")
    OTHER_RELATIVE = "other_relative", _("other relative")
    COHABITANT = "cohabitant", _("cohabitant")


class HouseholdMembership(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="household_memberships"
    )
    relation = models.CharField(_("relation to the head"), max_length=20, choices=Relation.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True, help_text=_("Exclusive."))

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("household membership")
        verbose_name_plural = _("household memberships")
        ordering = ["household", "valid_from"]
        constraints = [
            # A person belongs to at most one household at a time.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(valid_to__isnull=True),
                name="one_current_household_per_person",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="membership_period_is_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.person} - {self.get_relation_display()}"

    def clean(self):
        if not self.person_id or not self.valid_from:
            return
        overlapping = (
            HouseholdMembership.objects.filter(person_id=self.person_id)
            .exclude(pk=self.pk)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=self.valid_from))
        )
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lt=self.valid_to)
        if overlapping.exists():
            raise ValidationError(
                {"valid_from": _("This person already belongs to a household in this period.")}
            )


class FactKind(models.TextChoices):
    REGISTRY = "registry", _("registry")
    INCOME = "income", _("income")
    ISEE = "isee", _("ISEE")
    PROPERTY = "property", _("property")
    RENTAL = "rental", _("rental")
    LOCAL_TAX = "local_tax", _("local taxes")
    DISABILITY = "disability", _("disability")
    OTHER = "other", _("other")


class Fact(models.Model):
    """A value known about a person or a household for a period, and where it came from.

    A new value closes the period of the previous one (see `facts.record_fact`); history is
    never overwritten. `key` tells apart concurrent facts of one kind, e.g. the year of an
    income or the cadastral unit of a property.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=FactKind.choices)
    key = models.CharField(_("key"), max_length=60, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="facts"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="facts"
    )
    value = models.JSONField(_("value"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Exclusive."))
    source = models.CharField(
        _("source"),
        max_length=40,
        help_text=_("Where the value came from: an import source or 'operator'."),
    )
    source_reference = models.CharField(
        _("source reference"),
        max_length=100,
        blank=True,
        help_text=_("The import run (or document) that wrote the value."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        ordering = ["kind", "key", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="fact_about_person_or_household",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="fact_period_is_ordered",
            ),
            models.UniqueConstraint(
                fields=["person", "kind", "key"],
                condition=Q(valid_to__isnull=True, person__isnull=False),
                name="one_current_person_fact",
            ),
            models.UniqueConstraint(
                fields=["household", "kind", "key"],
                condition=Q(valid_to__isnull=True, household__isnull=False),
                name="one_current_household_fact",
            ),
        ]
        indexes = [models.Index(fields=["kind", "valid_from"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key} {self.valid_from}".strip()

    @property
    def subject(self):
        return self.person or self.household
