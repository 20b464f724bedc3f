import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from siso_platform.imports import runs
from siso_platform.imports.formats import FORMATS
from siso_platform.imports.models import ImportRun, MappingProfile, RunStatus
from siso_platform.territory.models import Municipality


class Command(BaseCommand):
    help = _("Import a municipal data file (registry, local taxes, property, rentals, income).")

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", choices=sorted(FORMATS))
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--municipality", help=_("ISTAT code of the municipality"))
        parser.add_argument("--profile", help=_("name of the mapping profile"))
        parser.add_argument(
            "--reference-date",
            type=datetime.date.fromisoformat,
            help=_("date of the extraction (default today), YYYY-MM-DD"),
        )
        parser.add_argument("--resume", type=int, metavar="RUN", help=_("resume a stopped run"))
        parser.add_argument(
            "--rollback", type=int, metavar="RUN", help=_("undo everything a run changed")
        )
        parser.add_argument("--batch-size", type=int, default=runs.BATCH_SIZE)

    def handle(self, *args, **options):
        if options["rollback"]:
            run = self._run(options["rollback"])
            try:
                runs.roll_back(run)
            except runs.RunRefused as error:
                raise CommandError(str(error)) from error
            self.stdout.write(_("Run %(id)d rolled back.") % {"id": run.pk})
            return
        run = self._run(options["resume"]) if options["resume"] else self._create(options)
        bar = tqdm(
            total=run.file_size,
            initial=run.bytes_read,
            unit="B",
            unit_scale=True,
            desc=run.file_name,
            disable=options["verbosity"] == 0,
            file=self.stderr._out,
        )

        def advance(current):
            bar.update(current.bytes_read - bar.n)
            bar.set_postfix(rows=current.rows_read, rejected=current.rows_rejected)

        try:
            run = runs.execute(run, batch_size=options["batch_size"], progress=advance)
        except runs.RunRefused as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        self.stdout.write(
            _(
                "Run %(id)d %(status)s: %(read)d rows, %(inserted)d inserted, %(updated)d "
                "updated, %(unchanged)d unchanged, %(rejected)d rejected."
            )
            % {
                "id": run.pk,
                "status": run.get_status_display(),
                "read": run.rows_read,
                "inserted": run.rows_inserted,
                "updated": run.rows_updated,
                "unchanged": run.rows_unchanged,
                "rejected": run.rows_rejected,
            }
        )
        for warning in run.warnings:
            self.stdout.write(warning)
        if run.status == RunStatus.FAILED:
            raise CommandError(run.error)

    def _run(self, pk: int) -> ImportRun:
        try:
            return ImportRun.objects.get(pk=pk)
        except ImportRun.DoesNotExist:
            raise CommandError(_("There is no import run %(id)d.") % {"id": pk}) from None

    def _create(self, options) -> ImportRun:
        if not (options["source"] and options["file"] and options["municipality"]):
            raise CommandError(_("Give SOURCE, FILE and --municipality (or --resume RUN)."))
        try:
            municipality = Municipality.objects.get(istat_code=options["municipality"])
        except Municipality.DoesNotExist:
            raise CommandError(
                _("There is no municipality with ISTAT code %(code)s.")
                % {"code": options["municipality"]}
            ) from None
        profile = None
        if options["profile"]:
            try:
                profile = MappingProfile.objects.get(name=options["profile"])
            except MappingProfile.DoesNotExist:
                raise CommandError(
                    _("There is no mapping profile “%(name)s”.") % {"name": options["profile"]}
                ) from None
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
        try:
            with path.open("rb") as file:
                return runs.create(
                    source=options["source"],
                    municipality=municipality,
                    file=file,
                    file_name=path.name,
                    reference_date=options["reference_date"] or timezone.localdate(),
                    profile=profile,
                )
        except runs.RunRefused as error:
            raise CommandError(str(error)) from error
