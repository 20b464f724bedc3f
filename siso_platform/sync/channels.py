"""Which channel a record came from: the operator pages, the phone app or an import.

Kept on each record the field app writes (`entered_via`), set by whoever calls the domain
action: the web pages leave the default, the API says "app" for a device token, the imports
say "import". Not the contact channel of an access (`Access.channel`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnteredVia(models.TextChoices):
    WEB = "web", _("web pages")
    APP = "app", _("phone app")
    IMPORT = "import", _("import")


def entered_via_field():
    return models.CharField(
        _("entered via"), max_length=10, choices=EnteredVia.choices, default=EnteredVia.WEB
    )
