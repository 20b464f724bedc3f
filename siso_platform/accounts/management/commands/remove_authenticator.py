"""For a user who lost their phone: remove their authenticator, so that they set up a new
one at their next sign-in (the roles that require it are sent to set one up)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from siso_platform.audit import log as audit


class Command(BaseCommand):
    help = "Remove a user's two-factor authenticator (TOTP)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        count, _deleted = TOTPDevice.objects.filter(user=user).delete()
        if count:
            audit.record(
                "delete",
                actor=None,
                obj="otp_totp.totpdevice",
                purpose=_("two-factor authenticator removed"),
                detail={"username": username, "channel": "manage.py"},
            )
        self.stdout.write(f"{count} authenticator(s) removed for {username}.")
