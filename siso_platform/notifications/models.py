"""What is new for a user: one row per event and recipient, and their e-mail digest choice.

A row keeps no words about its object, only the object's type and id: its label is made when
the list is read, within the reader's scope of that day (visibility.py), so a name or a tax
code is never copied here and an object that left the reader's scope shows nothing."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    TASK = "task", _("New task assigned to you")
    QUEUE = "queue", _("New task in your group's queue")
    ESCALATION = "escalation", _("Overdue task escalated")
    ALERT = "alert", _("Alert assigned to you")
    REPORT_ACCEPTED = "report_accepted", _("Activity report accepted")
    REPORT_RETURNED = "report_returned", _("Activity report sent back for correction")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # the object's model label (e.g. "monitoring.alert") and id; no words about it
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("object id"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["object_type", "object_id"], name="notification_object"),
        ]

    def __str__(self):
        return f"{self.kind} · {self.object_type} {self.object_id}"


class Preference(models.Model):
    """A user's choice about the e-mail digest, and when the last one was sent to them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    digest = models.BooleanField(_("e-mail digest"), default=True)
    last_digest_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user_id)
