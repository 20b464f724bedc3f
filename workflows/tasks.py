from django_tasks import task

from .deadlines import sweep


@task()
def sweep_workflows() -> dict:
    """Fire due waits and escalate overdue tasks (run every few minutes)."""
    return sweep()
