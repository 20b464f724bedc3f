from django_tasks import task

from .digest import send_all


@task()
def send_digests() -> dict:
    """E-mail each user with something new one digest (run daily or hourly)."""
    return send_all()
