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


@task()
def prepare_bulk_file(bulk_id: int) -> dict:
    """Write a bulk file for INPS's web upload in the background; its page follows it."""
    from .bulk_files import prepare
    from .models import BulkFile

    bulk = prepare(BulkFile.objects.get(pk=bulk_id))
    return {"state": bulk.state, "flows": bulk.written}


@task()
def purge_bulk_files() -> dict:
    """Delete the bulk files kept longer than their week (they carry tax codes)."""
    from .bulk_files import purge

    return {"deleted": purge()}
