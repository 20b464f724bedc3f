from django.conf import settings

from siso_platform.periodic import PeriodicCommand
from siso_platform.sync.idempotency import purge
from siso_platform.sync.tasks import purge_idempotency_keys


class Command(PeriodicCommand):
    help = (
        f"Forget the field app's Idempotency-Keys older than {settings.SISO_IDEMPOTENCY_DAYS} "
        "days (SISO_IDEMPOTENCY_DAYS, longer than a device token lives); run it every day."
    )
    task = purge_idempotency_keys

    def run(self):
        return f"idempotency keys deleted: {purge()}"
