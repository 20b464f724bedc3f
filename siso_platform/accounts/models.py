"""Organisations (region, zones, municipalities, third-sector and other bodies) and the roles
users hold in them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from siso_platform.periods import PeriodQuerySet


class OrganisationKind(models.TextChoices):
    REGION = "region", _("region")
    SOCIAL_ZONE = "social_zone", _("social zone")
    MUNICIPALITY = "municipality", _("municipality")
    THIRD_SECTOR_BODY = "third_sector_body", _("third-sector body")
    OTHER_PUBLIC_BODY = "other_public_body", _("other public body")


class Role(models.TextChoices):
    REGIONAL_ADMIN = "regional_admin", _("regional administrator")
    ZONE_ADMIN = "zone_admin", _("zone administrator")
    OPERATOR = "operator", _("operator")
    SOCIAL_WORKER = "social_worker", _("social worker")
    DATA_STEWARD = "data_steward", _("data steward")
    THIRD_SECTOR_OPERATOR = "third_sector_operator", _("third-sector operator")
    AUDITOR = "auditor", _("auditor")


# Which roles make sense in which kind of organisation.
ROLES_BY_KIND = {
    OrganisationKind.REGION: {Role.REGIONAL_ADMIN, Role.AUDITOR},
    OrganisationKind.SOCIAL_ZONE: {
        Role.ZONE_ADMIN,
        Role.OPERATOR,
        Role.SOCIAL_WORKER,
        Role.AUDITOR,
    },
    OrganisationKind.MUNICIPALITY: {Role.OPERATOR, Role.SOCIAL_WORKER, Role.DATA_STEWARD},
    OrganisationKind.THIRD_SECTOR_BODY: {Role.THIRD_SECTOR_OPERATOR},
    OrganisationKind.OTHER_PUBLIC_BODY: {Role.OPERATOR},
}

_TERRITORY_FIELD = {
    OrganisationKind.REGION: "region",
    OrganisationKind.SOCIAL_ZONE: "zone",
    OrganisationKind.MUNICIPALITY: "municipality",
}


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    tax_code = models.CharField(_("tax code"), max_length=16, blank=True)
    region = models.OneToOneField(
        "territory.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("region"),
    )
    zone = models.OneToOneField(
        "territory.SocialZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("social zone"),
    )
    municipality = models.OneToOneField(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("municipality"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            # A public body of the territory points at exactly its own piece of territory.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="region",
                        region__isnull=False,
                        zone__isnull=True,
                        municipality__isnull=True,
                    )
                    | Q(
                        kind="social_zone",
                        region__isnull=True,
                        zone__isnull=False,
                        municipality__isnull=True,
                    )
                    | Q(
                        kind="municipality",
                        region__isnull=True,
                        zone__isnull=True,
                        municipality__isnull=False,
                    )
                    | Q(
                        kind__in=["third_sector_body", "other_public_body"],
                        region__isnull=True,
                        zone__isnull=True,
                        municipality__isnull=True,
                    )
                ),
                name="organisation_territory_matches_kind",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        field = _TERRITORY_FIELD.get(self.kind)
        if field and not getattr(self, f"{field}_id"):
            raise ValidationError({field: _("Required for this kind of organisation.")})
        for other in set(_TERRITORY_FIELD.values()) - {field}:
            if getattr(self, f"{other}_id"):
                raise ValidationError({other: _("Not allowed for this kind of organisation.")})


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class MembershipQuerySet(PeriodQuerySet):
    def active(self, on: datetime.date | None = None):
        """The memberships in effect: only an approved one gives a scope or a permission."""
        return self.current(on or timezone.localdate()).filter(
            organisation__active=True, status=MembershipStatus.APPROVED
        )


class Membership(models.Model):
    """A user's role in an organisation, for a period; an operator works at an office."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    office = models.ForeignKey(
        "territory.CitizenOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("citizen office"),
    )
    valid_from = models.DateField(_("from"), default=datetime.date.today)
    valid_to = models.DateField(_("to"), null=True, blank=True, help_text=_("Exclusive."))
    # Four eyes: `actions` creates an elevated grant pending until a second administrator
    # approves it. Rows made outside `actions` (fixtures, the demo) are approved.
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPROVED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("approved or rejected on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} @ {self.organisation}"

    def clean(self):
        if not self.organisation_id:
            return
        kind = self.organisation.kind
        if self.role not in ROLES_BY_KIND.get(kind, set()):
            raise ValidationError(
                {
                    "role": _("The role %(role)s does not exist in a %(kind)s.")
                    % {
                        "role": Role(self.role).label,
                        "kind": OrganisationKind(kind).label,
                    }
                }
            )
        if self.office_id and not _office_belongs(self.office, self.organisation):
            raise ValidationError(
                {"office": _("The office is outside the organisation's territory.")}
            )


def _office_belongs(office, organisation) -> bool:
    municipality = office.municipality
    if organisation.kind == OrganisationKind.MUNICIPALITY:
        return municipality.pk == organisation.municipality_id
    if organisation.kind == OrganisationKind.SOCIAL_ZONE:
        return municipality.zone_id == organisation.zone_id
    return True


class DeviceToken(AbstractAuthToken):
    """A personal API token for one device of a user's (knox: only its hash is stored).

    Deleting it revokes it at once: every request looks its hash up.
    """

    device = models.CharField(
        _("device"), max_length=100, help_text=_("The phone or computer the token was made for.")
    )
    # A user who owes a second factor is served only with tokens issued after a right code:
    # tokens made before the role required it, or before the user set one up, stop working.
    second_factor = models.BooleanField(
        _("second factor"),
        default=False,
        help_text=_("Issued after a right code of the user's authenticator app."),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.user} · {self.device} · {self.token_key}"
