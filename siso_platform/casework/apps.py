from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "siso_platform.casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self):
        from . import form_targets, visibility, workflow_actions

        visibility.register()
        form_targets.register()
        workflow_actions.register()
