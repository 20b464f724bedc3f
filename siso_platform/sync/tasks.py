from django_tasks import task


@task()
def purge_idempotency_keys() -> dict:
    """Forget the app's Idempotency-Keys older than `SISO_IDEMPOTENCY_DAYS`."""
    from .idempotency import purge

    return {"deleted": purge()}
