from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThirdSectorConfig(AppConfig):
    name = "siso_platform.thirdsector"
    label = "thirdsector"
    verbose_name = _("Third sector")

    def ready(self):
        from . import reach, under_review, workflow_actions

        reach.register()
        under_review.register()
        workflow_actions.register()
