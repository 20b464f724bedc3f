"""Screen a territory now (for cron, or a whole region): every programme and indicator."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.territory.models import Municipality, SocialZone

from ... import screening
from ...models import ScreeningRun


class Command(BaseCommand):
    help = _("Screen the region, a zone or a municipality and print the run's counts.")

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--zone", type=int, help=_("the zone's number"))
        where.add_argument("--municipality", help=_("the municipality's ISTAT code"))
        parser.add_argument("--on", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--enqueue", action="store_true", help=_("run it in the task worker"))

    def handle(self, *args, zone, municipality, on, enqueue, **options):
        territory = {}
        try:
            if zone is not None:
                territory["zone"] = SocialZone.objects.get(number=zone)
            elif municipality:
                territory["municipality"] = Municipality.objects.get(istat_code=municipality)
        except (SocialZone.DoesNotExist, Municipality.DoesNotExist):
            raise CommandError(_("No such zone or municipality.")) from None
        if enqueue:
            run = screening.start(by=None, on=on, **territory)
            self.stdout.write(_("Queued: %(run)s") % {"run": run})
            return
        run = ScreeningRun.objects.create(on=on or timezone.localdate(), **territory)
        run = screening.execute(run)
        self.stdout.write(
            _("%(run)s: %(households)d households, %(alerts)d new alerts.")
            % {
                "run": run,
                "households": run.households_done,
                "alerts": run.counts.get("alerts_new", 0),
            }
        )
