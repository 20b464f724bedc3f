"""Sends a signed-in user who still owes a second factor to enter it (or to set up an
authenticator) before any other page; API calls on such a session are refused."""

from functools import cache

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import two_factor


@cache
def _open_paths() -> tuple[frozenset[str], tuple[str, ...]]:
    """Signing in and out, the two-factor pages themselves, the load balancer's probes, and
    static files."""
    exact = frozenset(
        reverse(name)
        for name in (
            "login",
            "logout",
            "wagtailadmin_login",
            "wagtailadmin_logout",
            "two_factor:enrol",
            "two_factor:verify",
            "api-v1:login",
            "healthz",
            "readyz",
        )
    )
    return exact, (settings.STATIC_URL,)


def is_open(path: str) -> bool:
    exact, prefixes = _open_paths()
    return path in exact or path.startswith(prefixes)


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware, which says whether this session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not two_factor.is_verified(request)
            and not is_open(request.path_info)
            and two_factor.needs_second_factor(user)
        ):
            return self.refuse(request, user)
        return self.get_response(request)

    def refuse(self, request, user):
        if request.path_info.startswith("/api/"):
            message = _("Enter the code of your authenticator app to complete the sign-in.")
            return JsonResponse({"errors": {"detail": [message]}}, status=403)
        step = "verify" if two_factor.confirmed_device(user) else "enrol"
        return redirect_to_login(request.get_full_path(), reverse(f"two_factor:{step}"))
