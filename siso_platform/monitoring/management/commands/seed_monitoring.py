"""Load the regional programmes and need indicators shipped in `monitoring/seeds/` and
publish them; definitions that already exist are left as the administrators made them."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from siso_platform.accounts.models import Organisation, OrganisationKind

from ... import publishing
from ...models import Indicator, Programme

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


class Command(BaseCommand):
    help = _("Load and publish the seeded benefit programmes and need indicators.")

    def handle(self, *args, **options):
        region = Organisation.objects.get(kind=OrganisationKind.REGION)
        added = 0
        for path in sorted(SEEDS.glob("*.json")):
            doc = publishing.read(path.read_text(encoding="utf-8"))
            model = Programme if doc["kind"] == "programme" else Indicator
            if model.objects.filter(slug=doc["slug"]).exists():
                continue
            publishing.save(doc, owner=region, publish_now=True)
            added += 1
        self.stdout.write(_("Monitoring rules: %(count)d added.") % {"count": added})
