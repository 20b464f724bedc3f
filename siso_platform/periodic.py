"""The commands of the platform's periodic jobs (purges, digests): each runs its job now, or with
`--enqueue` queues it for the task worker, as the systemd timers and the `make run` loop do."""

from django.core.management.base import BaseCommand


class PeriodicCommand(BaseCommand):
    task = None  # the task that runs the job for the worker

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue it for the task worker.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            self.stdout.write(f"queued {self.task.enqueue().id}")
            return
        self.stdout.write(self.run())

    def run(self) -> str:
        """Run the job now; what it did, in a line."""
        raise NotImplementedError
