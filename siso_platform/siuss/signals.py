"""Recording or changing a benefit queues its SIUSS flows: the request only enqueues a task,
once its transaction commits (the flow is built by the task worker)."""

from django.db import transaction


def queue_intervention_flows(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata
        return
    from .tasks import build_intervention_flows

    intervention_id = instance.pk
    transaction.on_commit(lambda: build_intervention_flows.enqueue(intervention_id))
