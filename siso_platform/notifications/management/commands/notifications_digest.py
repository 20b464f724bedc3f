from django.core.management.base import BaseCommand

from siso_platform.notifications.digest import send_all
from siso_platform.notifications.tasks import send_digests


class Command(BaseCommand):
    help = "E-mail each user with unread notifications since their last digest one message."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the digest for the task worker."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = send_digests.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        done = send_all()
        self.stdout.write(f"digests sent: {done['sent']}, failed: {done['failed']}")
