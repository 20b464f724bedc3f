from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "siso_platform.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from django.db.models.signals import post_save
        from wagtail.signals import published

        from definitions.publishing import freeze_on_publish
        from siso_platform.casework.models import Intervention

        from . import detection, workflow_actions  # noqa: F401 (registers actions)
        from .models import Indicator, Programme

        published.connect(freeze_on_publish, sender=Programme)
        published.connect(freeze_on_publish, sender=Indicator)
        post_save.connect(detection.check_saved_intervention, sender=Intervention)
