"""django_tasks_db's `db_worker`, made to outlive a locked SQLite database.

The worker already skips a lock while it looks for a task, but not when it opens that
transaction, nor when it records a task's end: there a long import holding the write lock
for longer than the connection's timeout killed it. This one waits and goes on, and leaves
any other error to stop it (`make run` starts it again).

It also leaves the tasks' loggers where settings.LOGGING puts them (WARNING): `db_worker`
raises them to INFO, one line per task run, thousands when wagtail reindexes. A failing task
is logged at ERROR with its traceback all the same; `-v 2` shows every task again.
"""

import logging
import time

from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger("django_tasks_db")

# Seconds to wait after the database was found locked, longer while it stays locked; a lock
# a minute after the last one starts again from the first.
PAUSES = (1, 2, 4, 8, 15)
CALM = 60


class PatientWorker(db_worker.Worker):
    def run(self) -> None:
        attempts, last = 0, 0.0
        while True:
            try:
                return super().run()
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                now = time.monotonic()
                attempts = 0 if now - last > CALM else attempts
                last = now
                pause = PAUSES[min(attempts, len(PAUSES) - 1)]
                attempts += 1
                logger.warning("The database is locked: the worker tries again in %ss.", pause)
                time.sleep(pause)  # its loop checks the connection again as it starts
                self.startup_delay = False


class Command(db_worker.Command):
    help = "Run the database task worker; a locked database makes it wait, not stop."

    def configure_logging(self, verbosity: int) -> None:
        # Only an explicit -v 2 or more asks for the routine lines (db_worker's own levels);
        # the default and -v 0 keep settings.LOGGING, where failures still show.
        if verbosity >= 2:
            super().configure_logging(verbosity)

    def handle(self, **options) -> None:
        # db_worker builds its Worker by the module's name for it: give it this one.
        original = db_worker.Worker
        db_worker.Worker = PatientWorker
        try:
            super().handle(**options)
        finally:
            db_worker.Worker = original
