from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "siso_platform.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from django.db.models.signals import pre_save
        from wagtail.models import ModelLogEntry

        from .form_hooks import register
        from .log_labels import neutralise

        register()
        pre_save.connect(neutralise, sender=ModelLogEntry, dispatch_uid="people.neutral_log_labels")
