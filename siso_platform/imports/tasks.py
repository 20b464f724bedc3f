from django_tasks import task

from . import runs
from .models import ImportRun


@task()
def execute_run(run_id: int) -> dict:
    """Run (or resume) an import in the background; the admin page follows its progress."""
    run = runs.execute(ImportRun.objects.get(pk=run_id))
    return {"status": run.status, "rejected": run.rows_rejected}


@task()
def roll_back_run(run_id: int) -> dict:
    """Undo an import in the background, however large; the admin page follows its
    progress. Enqueued twice, the second finds it done or under way and does nothing."""
    run = runs.perform_roll_back(ImportRun.objects.get(pk=run_id))
    return {"status": run.status}
