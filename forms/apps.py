from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "forms"
    label = "forms"
    verbose_name = _("Questionnaires")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import published

        from definitions.publishing import freeze_on_publish

        from .models import FormDefinition

        published.connect(freeze_on_publish, sender=FormDefinition)
