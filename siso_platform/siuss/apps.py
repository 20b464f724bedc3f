from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiussConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "siso_platform.siuss"
    label = "siuss"
    verbose_name = _("National feed (SIUSS)")

    def ready(self):
        from django.db.models.signals import post_save

        from forms.models import Submission
        from siso_platform.casework.models import Intervention

        from .signals import queue_assessment_flows, queue_intervention_flows

        post_save.connect(
            queue_intervention_flows, sender=Intervention, dispatch_uid="siuss_intervention_flows"
        )
        post_save.connect(
            queue_assessment_flows, sender=Submission, dispatch_uid="siuss_assessment_flows"
        )
