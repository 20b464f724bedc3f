from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "siso_platform.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self):
        from . import signals  # noqa: F401
        from .roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, sender=self)
