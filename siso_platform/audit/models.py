"""The audit log: who read or changed which personal data, when and why. Append-only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import times


class AuditEventImmutable(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEventImmutable(_("Audit events cannot be changed."))

    def delete(self):
        raise AuditEventImmutable(_("Audit events cannot be deleted."))

    _raw_delete = delete


class Action(models.TextChoices):
    VIEW = "view", _("view")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    EXPORT = "export", _("export")


class AuditEvent(models.Model):
    timestamp = models.DateTimeField(_("timestamp"), auto_now_add=True, db_index=True)
    # No database constraint: an event outlives the user and the person it names.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-timestamp", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        # Rome time, as every page shows it (a stored time is UTC).
        return (
            f"{times.shown(self.timestamp)} {self.actor_username} {self.action} "
            f"{self.object_type}:{self.object_id}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEventImmutable(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable(_("Audit events cannot be deleted."))
