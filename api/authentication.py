"""How the phone app authenticates: a personal token per device (knox, hashed, expiring)."""

from django.utils.translation import gettext as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from siso_platform.accounts import two_factor


class DeviceTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`; a deleted (revoked) or expired token is refused, and so
    is a token issued without a code to a user who now owes a second factor."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if not token.second_factor and two_factor.needs_second_factor(user):
            raise AuthenticationFailed(
                _("This token was issued without your authenticator's code: sign in again.")
            )
        return user, token


class DeviceTokenScheme(KnoxTokenScheme):
    target_class = DeviceTokenAuthentication
    name = "deviceToken"
