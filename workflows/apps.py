from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    label = "workflows"
    verbose_name = _("Procedures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import published

        from definitions.publishing import freeze_on_publish

        from . import (
            builtin_actions,  # noqa: F401  (registers the engine's own actions)
            views,
        )
        from .models import WorkflowDefinition

        published.connect(freeze_on_publish, sender=WorkflowDefinition)
        views.register()
