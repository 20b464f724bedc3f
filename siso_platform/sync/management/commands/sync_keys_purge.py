from django.conf import settings
from django.core.management.base import BaseCommand

from siso_platform.sync.idempotency import purge
from siso_platform.sync.tasks import purge_idempotency_keys


class Command(BaseCommand):
    help = (
        f"Forget the field app's Idempotency-Keys older than {settings.SISO_IDEMPOTENCY_DAYS} "
        "days (SISO_IDEMPOTENCY_DAYS, longer than a device token lives); run it every day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the purge for the task worker."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = purge_idempotency_keys.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        self.stdout.write(f"idempotency keys deleted: {purge()}")
