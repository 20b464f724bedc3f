from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "siso_platform.territory"
    label = "territory"
    verbose_name = _("Territory")
