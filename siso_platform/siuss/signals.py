"""Recording or changing a benefit queues its SIUSS flows: the request only enqueues a task,
once its transaction commits (the flow is built by the task worker)."""

from django.db import transaction


def queue_intervention_flows(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata
        return
    from .tasks import build_intervention_flows

    intervention_id = instance.pk
    transaction.on_commit(lambda: build_intervention_flows.enqueue(intervention_id))


def queue_assessment_flows(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A SINA or SINBA assessment submitted: the person's flows are built again (their SINA
    block, their SINBA flow), off the request."""
    if raw or not created or instance.subject_id is None:
        return
    from .assessments import is_assessment
    from .tasks import build_person_flows

    if not is_assessment(instance.version.definition):
        return
    person_id = instance.subject_id
    transaction.on_commit(lambda: build_person_flows.enqueue(person_id))
