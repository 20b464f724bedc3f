from django_tasks import task

from . import actions


@task()
def build_intervention_flows(intervention_id: int) -> None:
    """Bring a recorded or changed benefit's SIUSS flows up to date, off the request."""
    actions.build_after_change(intervention_id)
