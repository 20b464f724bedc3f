import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from siso_platform.imports.samples import (
    DIALECTS,
    read_bad_rows,
    write_registry_rows,
    write_samples,
)
from siso_platform.territory.models import Municipality


def _share(text: str) -> float:
    share = float(text)
    if not 0 <= share <= 1:
        raise ValueError(text)
    return share


class Command(BaseCommand):
    help = _(
        "Write sample import files (registry, local taxes, property, rentals, income) for a "
        "municipality from the persons recorded there, optionally in a municipal dialect, with "
        "spoiled rows or as a later registry extraction; or a synthetic registry of any size."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--municipality", required=True, help=_("ISTAT code of the municipality.")
        )
        parser.add_argument("--out", required=True, type=Path, help=_("Directory to write to."))
        parser.add_argument(
            "--bad-share",
            type=_share,
            default=0.0,
            help=_("Share of rows (0-1) given one defect each, listed in <source>.bad_rows.json."),
        )
        parser.add_argument(
            "--dialect",
            choices=sorted(DIALECTS),
            default="canonical",
            help=_("How the files are written: the canonical format or a municipal export."),
        )
        parser.add_argument(
            "--changes",
            action="store_true",
            help=_(
                "Write only a later registry extraction: one move, one death, one new address "
                "(see registry.changes.json)."
            ),
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--reference-date",
            type=datetime.date.fromisoformat,
            default=None,
            help=_("Date of the extraction, yyyy-mm-dd (default: today)."),
        )
        parser.add_argument(
            "--registry-rows",
            type=int,
            default=None,
            help=_(
                "Write a synthetic registry.csv of this many rows instead, without reading "
                "the persons recorded (for benchmarks)."
            ),
        )

    def handle(self, *args, municipality, out, bad_share, dialect, changes, seed, **options):
        try:
            town = Municipality.objects.get(istat_code=municipality)
        except Municipality.DoesNotExist:
            raise CommandError(
                _("No municipality has the ISTAT code %(code)s.") % {"code": municipality}
            ) from None
        reference_date = options["reference_date"]
        registry_rows = options["registry_rows"]
        if registry_rows is not None:
            if registry_rows < 1:
                raise CommandError(_("--registry-rows must be at least 1."))
            if changes:
                raise CommandError(_("--changes needs the persons recorded: drop --registry-rows."))
            path = out / "registry.csv"
            kwargs = {"as_of": reference_date} if reference_date else {}
            written = write_registry_rows(
                path,
                registry_rows,
                town.cadastral_code,
                seed=seed,
                dialect=DIALECTS[dialect],
                bad_share=bad_share,
                **kwargs,
            )
            paths = {"registry": path}
        else:
            paths = write_samples(
                town,
                out,
                bad_share=bad_share,
                dialect=DIALECTS[dialect],
                seed=seed,
                reference_date=reference_date,
                changes=changes,
            )
            written = None
        for source, path in paths.items():
            if written is None:
                with open(path, "rb") as f:
                    rows = sum(1 for _line in f) - 1
            else:
                rows = written
            self.stdout.write(
                _("%(source)s: %(rows)d rows (%(bad)d spoiled) in %(path)s")
                % {"source": source, "rows": rows, "bad": len(read_bad_rows(path)), "path": path}
            )
        if changes:
            self.stdout.write(_("What changed: %(path)s") % {"path": out / "registry.changes.json"})
