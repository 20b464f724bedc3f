from django_tasks import task

from . import screening
from .models import ScreeningRun


@task()
def screen(run_id: int) -> dict:
    """Run a screening in the background; its page follows the progress."""
    run = screening.execute(ScreeningRun.objects.get(pk=run_id))
    return {"status": run.status, "households": run.households_done}
