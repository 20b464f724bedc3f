"""Two-factor sign-in with a time-based code (TOTP, django-otp): who must use it, and the
user's authenticator app.

The roles that reach the whole territory's configuration, imports or audit log must sign in
with a code as well as the password; everyone else may choose to, and once they have an
authenticator they are asked for its code at every sign-in too. `SISO_2FA_REQUIRED = False`
(the demo) stops requiring it by role.
"""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from siso_platform.audit import log as audit

from .models import Membership, Role

ENFORCED_ROLES = frozenset({Role.REGIONAL_ADMIN, Role.ZONE_ADMIN, Role.DATA_STEWARD, Role.AUDITOR})
DEVICE_NAME = "authenticator"


def required_by_role(user) -> bool:
    if not settings.SISO_2FA_REQUIRED:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.active().filter(user=user, role__in=ENFORCED_ROLES).exists()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def needs_second_factor(user) -> bool:
    """Whether this user's sign-in is complete only with a code."""
    return required_by_role(user) or confirmed_device(user) is not None


def is_verified(request) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def normalise(code: str) -> str:
    return "".join(str(code or "").split())


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up: the same secret until confirmed, so a reload shows the
    same QR code."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm(request, device: TOTPDevice, code: str) -> bool:
    """Enrol: the first right code confirms the device and completes this session's sign-in."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(normalise(code)):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per user: set-ups left half done are dropped.
        TOTPDevice.objects.devices_for_user(request.user, confirmed=False).delete()
    otp_login(request, device)
    audit.record(
        "create", actor=request.user, obj=device, purpose=_("two-factor authenticator enrolled")
    )
    return True


def check(user, code: str) -> TOTPDevice | None:
    """The user's authenticator if the code is right (each code works once; wrong codes slow
    further tries down, django-otp's throttling)."""
    code = normalise(code)
    if not code:
        return None
    with transaction.atomic():
        for device in TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def verify(request, code: str) -> bool:
    device = check(request.user, code)
    if device is None:
        return False
    otp_login(request, device)
    return True


def remove(request) -> int:
    count, _deleted = TOTPDevice.objects.devices_for_user(request.user, confirmed=None).delete()
    if count:
        audit.record(
            "delete",
            actor=request.user,
            obj="otp_totp.totpdevice",
            purpose=_("two-factor authenticator removed"),
        )
    return count


def secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it by hand: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code (no image request, nothing external)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
