from siso_platform.notifications.digest import send_all
from siso_platform.notifications.tasks import send_digests
from siso_platform.periodic import PeriodicCommand


class Command(PeriodicCommand):
    help = "E-mail each user with unread notifications since their last digest one message."
    task = send_digests

    def run(self):
        done = send_all()
        return f"digests sent: {done['sent']}, failed: {done['failed']}"
