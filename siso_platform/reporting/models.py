"""Reporting keeps no data of its own: one table-less model carries its permissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportingPermissions(models.Model):
    """No table (`managed = False`): only the content type its permissions hang on."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("regional reporting")
        verbose_name_plural = _("regional reporting")
        permissions = [
            ("view_aggregates", _("Can see regional aggregate reports")),
            (
                "export_interventions",
                _("Can export interventions with personal data in the national flat format"),
            ),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
