from django.core.management.base import BaseCommand

from workflows.deadlines import sweep
from workflows.tasks import sweep_workflows


class Command(BaseCommand):
    help = "Fire due waits and escalate overdue workflow tasks; run it every few minutes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the sweep for the task worker."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = sweep_workflows.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        done = sweep()
        self.stdout.write(f"timers fired: {done['timers']}, tasks escalated: {done['escalated']}")
