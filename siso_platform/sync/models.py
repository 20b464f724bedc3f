from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """A write the app made with an `Idempotency-Key`: the key, what was asked (the
    fingerprint of the request's content) and what it created. Inserted in the same
    transaction as the record, so that a retry, a lost answer or a second tab finds it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    endpoint = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_write_per_user_and_key")
        ]

    def __str__(self):
        return f"{self.endpoint} {self.key}"

    @property
    def created_object(self):
        if self.content_type_id is None or self.object_id is None:
            return None
        model = self.content_type.model_class()
        return model._default_manager.filter(pk=self.object_id).first()
