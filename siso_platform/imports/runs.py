"""Start, resume and roll back import runs: the one way the commands, the admin and the
background tasks run a driver over a file, or undo what it did.

The file is streamed. Each batch (its rows, rejected rows, journal and the run's counters)
is one transaction, so a run stopped at any point has applied whole batches only, and
`rows_read` says where to resume. A rollback is asked for (`request_roll_back`, at once)
and then done by a task (`perform_roll_back`), a journal step per transaction, so that it
shows its progress and resumes where it stopped.
"""

import itertools
import logging
from collections.abc import Callable, Iterator

from django.core.files import File
from django.db import connection, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform import logs
from siso_platform.audit import log as audit

from . import journal
from .drivers import DRIVERS, Context
from .formats import FORMATS
from .models import WORKING, ImportRun, RejectedRow, RunStatus, current_worker
from .reading import Dialect, FileProblem, Row, converter, open_rows, open_text

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000
ANALYZE_EVERY = 25  # batches


class RunRefused(ValueError):
    """The run cannot be started, resumed or rolled back now; the message says why."""


def create(
    *,
    source: str,
    municipality,
    file,
    file_name: str,
    reference_date,
    profile=None,
    user=None,
) -> ImportRun:
    """Store the uploaded file and a pending run for it."""
    if source not in FORMATS:
        raise RunRefused(_("Unknown source “%(source)s”.") % {"source": source})
    if profile is not None and profile.source != source:
        raise RunRefused(
            _("The profile “%(profile)s” is for another source.") % {"profile": profile}
        )
    dialect = profile.dialect() if profile is not None else Dialect()
    run = ImportRun(
        source=source,
        municipality=municipality,
        profile=profile,
        dialect=dialect.to_json(),
        file_name=file_name,
        reference_date=reference_date,
        started_by=user,
    )
    run.file.save(file_name, File(file), save=False)
    run.file_size = run.file.size
    run.save()
    return run


def _claim(run: ImportRun) -> ImportRun:
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status in (RunStatus.COMPLETED, RunStatus.ROLLING_BACK, RunStatus.ROLLED_BACK):
            raise RunRefused(
                _("This run is %(status)s: start a new one.") % {"status": run.get_status_display()}
            )
        if run.status == RunStatus.RUNNING and not run.interrupted:
            raise RunRefused(_("This run is already running."))
        now = timezone.now()
        run.status, run.error, run.heartbeat_at = RunStatus.RUNNING, "", now
        run.started_at, run.worker = run.started_at or now, current_worker()
        run.save(update_fields=["status", "error", "heartbeat_at", "started_at", "worker"])
    return run


def _batches(rows: Iterator[Row], size: int, group_by: str) -> Iterator[list[Row]]:
    """Batches of about `size` rows; rows sharing a `group_by` value are never split."""
    batch: list[Row] = []
    for row in rows:
        if len(batch) >= size and (
            not group_by or batch[-1].values[group_by] != row.values[group_by]
        ):
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch


def execute(
    run: ImportRun,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportRun], None] | None = None,
) -> ImportRun:
    """Run (or resume) `run` to the end. A problem stops it as failed, with its message."""
    run = _claim(run)
    driver = DRIVERS[run.source]
    fmt = driver.fmt
    dialect = run.file_dialect
    try:
        with run.file.open("rb") as binary:
            text = open_text(binary, dialect)
            header, rows = open_rows(text, fmt, dialect)
            if header.ignored and not run.warnings:
                run.warnings = [
                    _("Columns not imported: %(names)s.") % {"names": ", ".join(header.ignored)}
                ]
                run.save(update_fields=["warnings"])
            convert = converter(fmt, dialect, header)
            ctx = Context(
                municipality_id=run.municipality_id,
                reference_date=run.reference_date,
                reference=run.reference,
                header=header,
                run_id=run.pk,
                user=run.started_by,
            )
            rows = itertools.islice(rows, run.rows_read, None)
            converted = (convert(row) for row in rows)
            for number, batch in enumerate(_batches(converted, batch_size, fmt.group_by), 1):
                _apply_batch(run, driver, ctx, batch, position=binary.tell())
                if number % ANALYZE_EVERY == 0:
                    _analyze(driver)
                if progress:
                    progress(run)
    except UnicodeDecodeError as error:
        return _fail(
            run,
            _(
                "The file is not in the %(encoding)s encoding (byte %(byte)d of the part being "
                "read): choose a mapping profile with the right encoding."
            )
            % {"encoding": dialect.encoding, "byte": error.start},
        )
    except (FileProblem, LookupError) as error:
        return _fail(run, str(error))
    except Exception as error:
        logger.exception("Import run %s failed", run.pk)
        _fail(run, _("Stopped by an unexpected error: %(error)s") % {"error": error})
        raise
    run.status, run.finished_at = RunStatus.COMPLETED, timezone.now()
    run.bytes_read = run.file_size
    run.save(update_fields=["status", "finished_at", "bytes_read"])
    audit.record(
        "update",
        actor=run.started_by,
        obj=run,
        purpose=_("import of municipal data"),
        detail={
            "source": run.source,
            "inserted": run.rows_inserted,
            "updated": run.rows_updated,
        },
    )
    logs.event(
        "import_finished",
        run_id=run.pk,
        source=run.source,
        read=run.rows_read,
        inserted=run.rows_inserted,
        updated=run.rows_updated,
        rejected=run.rows_rejected,
        held=run.rows_held,
    )
    return run


def _apply_batch(run: ImportRun, driver, ctx: Context, batch: list[Row], position: int) -> None:
    with transaction.atomic():
        for row in batch:
            if not row.errors:
                driver.check(row, ctx)
        counts = driver.apply([r for r in batch if not r.errors], ctx)
        rejected = [
            RejectedRow(
                run=run,
                row_number=row.number,
                values=row.raw,
                errors=[{"column": c, "message": m} for c, m in row.errors],
            )
            for row in batch
            if row.errors
        ]
        RejectedRow.objects.bulk_create(rejected)
        ctx.journal.save(run)
        run.rows_read += len(batch)
        run.bytes_read = position
        run.rows_inserted += counts.inserted
        run.rows_updated += counts.updated
        run.rows_unchanged += counts.unchanged
        run.rows_rejected += len(rejected)
        run.rows_held += counts.held
        run.heartbeat_at = timezone.now()
        run.save(
            update_fields=[
                "rows_read",
                "bytes_read",
                "rows_inserted",
                "rows_updated",
                "rows_unchanged",
                "rows_rejected",
                "rows_held",
                "heartbeat_at",
            ]
        )


def _analyze(driver) -> None:
    """Refresh PostgreSQL's statistics of the tables a long import is filling: planned on a
    table it still believes empty, each batch's lookups would slow down as the table grows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in driver.models:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def _fail(run: ImportRun, message: str) -> ImportRun:
    run.status, run.error, run.finished_at = RunStatus.FAILED, message, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    logs.event("import_failed", run_id=run.pk, source=run.source)
    return run


def later_runs(run: ImportRun):
    """Runs of the same municipality applied after `run`: they may build on its changes."""
    return ImportRun.objects.applied().filter(
        municipality_id=run.municipality_id, created_at__gt=run.created_at
    )


def request_roll_back(run: ImportRun, *, user=None) -> ImportRun:
    """Mark `run` to be rolled back by a task (the caller enqueues `tasks.roll_back_run`).
    Only the latest run of a municipality can be undone, and never while it runs. A rollback
    whose process stopped is asked for again to resume it; one under way is refused."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status == RunStatus.ROLLED_BACK:
            raise RunRefused(_("This run has already been rolled back."))
        if run.status in WORKING and not run.interrupted:
            if run.status == RunStatus.ROLLING_BACK:
                raise RunRefused(_("This run is already being rolled back: see its progress."))
            raise RunRefused(_("This run is running: wait for it to stop."))
        later = later_runs(run).first()
        if later is not None:
            raise RunRefused(
                _("A later run (%(run)s) builds on this one: roll that back first.")
                % {"run": later}
            )
        if run.status != RunStatus.ROLLING_BACK:  # not a resume: start from the whole journal
            interrupted = run.status == RunStatus.RUNNING
            run.rollback_from = RunStatus.FAILED if interrupted else run.status
            run.rollback_total, run.rollback_done = run.changes.count(), 0
        run.status, run.rolled_back_by, run.rollback_error = RunStatus.ROLLING_BACK, user, ""
        run.heartbeat_at, run.worker = timezone.now(), ""
        run.save(
            update_fields=[
                "status",
                "rollback_from",
                "rollback_total",
                "rollback_done",
                "rolled_back_by",
                "rollback_error",
                "heartbeat_at",
                "worker",
            ]
        )
    return run


def perform_roll_back(
    run: ImportRun, *, progress: Callable[[ImportRun], None] | None = None
) -> ImportRun:
    """Undo everything `run` changed, step by step, reporting progress; a run not waiting
    for its rollback, or one another live process is rolling back, is left alone."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.ROLLING_BACK or (run.worker and not run.interrupted):
            return run
        run.worker, run.heartbeat_at = current_worker(), timezone.now()
        run.save(update_fields=["worker", "heartbeat_at"])
    blocking = journal.protected(run)
    if blocking:
        return _refuse_roll_back(run, blocking)
    try:
        while True:
            with transaction.atomic():
                done = journal.undo_step(run)
                run.rollback_done += done
                run.heartbeat_at = timezone.now()
                run.save(update_fields=["rollback_done", "heartbeat_at"])
            if not done:
                break
            if progress:
                progress(run)
    except (ProtectedError, RestrictedError) as error:
        # used by casework after the check above: the steps done stay done; it resumes
        # once what blocks it is settled
        what = getattr(error, "protected_objects", None) or error.restricted_objects
        run.rollback_error = _refusal({o._meta.verbose_name for o in what})
        run.worker = ""
        run.heartbeat_at = None
        run.save(update_fields=["rollback_error", "worker", "heartbeat_at"])
        return run
    run.status, run.finished_at = RunStatus.ROLLED_BACK, timezone.now()
    run.rollback_done = run.rollback_total
    run.save(update_fields=["status", "finished_at", "rollback_done"])
    audit.record(
        "delete",
        actor=run.rolled_back_by,
        obj=run,
        purpose=_("rollback of a municipal data import"),
        detail={"source": run.source},
    )
    return run


def _refusal(what) -> str:
    return _(
        "Records created by this run are now used elsewhere (%(what)s): it cannot be rolled back."
    ) % {"what": ", ".join(sorted(str(name) for name in what))}


def _refuse_roll_back(run: ImportRun, what) -> ImportRun:
    run.status, run.rollback_error = run.rollback_from or RunStatus.COMPLETED, _refusal(what)
    run.worker, run.heartbeat_at = "", None
    run.save(update_fields=["status", "rollback_error", "worker", "heartbeat_at"])
    return run


def roll_back(run: ImportRun, *, user=None, progress=None) -> ImportRun:
    """Ask for and do a rollback here and now (the command line and tests); refused with
    the reason."""
    run = perform_roll_back(request_roll_back(run, user=user), progress=progress)
    if run.status != RunStatus.ROLLED_BACK:
        raise RunRefused(run.rollback_error or _("The rollback did not finish."))
    return run
