from django.core.management.base import BaseCommand

from siso_platform.siuss.bulk_files import KEPT_FOR, purge
from siso_platform.siuss.tasks import purge_bulk_files


class Command(BaseCommand):
    help = (
        f"Delete the SIUSS bulk files asked for more than {KEPT_FOR.days} days ago "
        "(they carry tax codes); run it every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the purge for the task worker."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = purge_bulk_files.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        self.stdout.write(f"bulk files deleted: {purge()}")
