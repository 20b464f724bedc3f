"""Build every SIUSS flow still to build, of a zone or of all: benefits given without an up-to-
date flow, minors' cases, blocked flows whose record was fixed."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from siso_platform.territory.models import SocialZone

from ... import actions
from ...models import FlowState


class Command(BaseCommand):
    help = _("Build the SIUSS flows still to build, of a zone or of the whole region.")

    def add_arguments(self, parser):
        parser.add_argument("--zone", type=int, help=_("the zone's number"))
        parser.add_argument("--on", type=datetime.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, zone, on, **options):
        where = None
        if zone is not None:
            try:
                where = SocialZone.objects.get(number=zone)
            except SocialZone.DoesNotExist:
                raise CommandError(_("No such zone.")) from None
        counts = actions.build_pending(zone=where, today=on)
        self.stdout.write(
            ", ".join(f"{FlowState(state).label}: {count}" for state, count in counts.items())
        )
