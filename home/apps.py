from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home and content")

    def ready(self):
        from .permissions import ensure_page_permissions

        post_migrate.connect(ensure_page_permissions, sender=self)
