from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "siso_platform.reporting"
    label = "reporting"
    verbose_name = _("Regional reporting")

    def ready(self):
        from . import wagtail_spreadsheets

        wagtail_spreadsheets.install()
