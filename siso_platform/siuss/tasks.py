from django_tasks import task

from . import actions


@task()
def build_intervention_flows(intervention_id: int) -> None:
    """Bring a recorded or changed benefit's SIUSS flows up to date, off the request."""
    actions.build_after_change(intervention_id)


@task()
def build_person_flows(person_id: int) -> None:
    """After a SINA or SINBA assessment: the person's flows, brought up to date."""
    from .assessments import build_flows_of

    build_flows_of(person_id)
