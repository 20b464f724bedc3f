from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from siso_platform.territory.loading import load_territory
from siso_platform.territory.municipalities_csv import UMBRIA_CSV, TerritoryFileError, read_file


class Command(BaseCommand):
    help = _("Load the region's social zones, municipalities and default citizen offices.")

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=UMBRIA_CSV)

    def handle(self, *args, file: Path, **options):
        try:
            rows = read_file(file)
        except (OSError, TerritoryFileError) as error:
            raise CommandError(str(error)) from error
        report = load_territory(rows)
        if not report.changed:
            self.stdout.write(_("Territory already up to date (%d municipalities).") % len(rows))
            return
        for message, counts in (
            (_("created %(number)d %(kind)s"), report.created),
            (_("updated %(number)d %(kind)s"), report.updated),
        ):
            for kind, number in sorted(counts.items()):
                label = apps.get_model("territory", kind)._meta.verbose_name_plural
                self.stdout.write(message % {"number": number, "kind": label})
