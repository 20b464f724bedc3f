from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiussConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "siso_platform.siuss"
    label = "siuss"
    verbose_name = _("National feed (SIUSS)")
