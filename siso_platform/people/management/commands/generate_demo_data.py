import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from siso_platform.people.demo_data import populate


class Command(BaseCommand):
    help = _(
        "Generate synthetic persons and households with valid tax codes (deterministic for a "
        "seed). A few thousand for the demo; 880000 for regional-scale benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, default=datetime.date(2026, 1, 1)
        )
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, persons, seed, as_of, batch, **options):
        if persons < 1:
            raise CommandError(_("--persons must be at least 1."))

        def progress(done):
            self.stdout.write(f"\r{done}/{persons}", ending="")
            self.stdout.flush()

        try:
            written = populate(
                persons, seed=seed, as_of=as_of, batch_persons=batch, progress=progress
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write(_("%d persons generated.") % written)
