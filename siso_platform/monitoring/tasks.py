from django_tasks import task

from . import dry_runs, screening
from .models import DryRun, ScreeningRun


@task()
def screen(run_id: int) -> dict:
    """Run a screening in the background; its page follows the progress."""
    run = screening.execute(ScreeningRun.objects.get(pk=run_id))
    return {"status": run.status, "households": run.households_done}


@task()
def dry_run(run_id: int) -> dict:
    """Try a draft rule in the background; its page follows the progress."""
    run = dry_runs.execute(DryRun.objects.get(pk=run_id))
    return {"status": run.status, "households": run.households_done}
