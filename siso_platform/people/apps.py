from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "siso_platform.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from .form_hooks import register

        register()
