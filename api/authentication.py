"""How the phone app authenticates: a personal token per device (knox, hashed, expiring)."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication


class DeviceTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`; a deleted (revoked) or expired token is refused."""


class DeviceTokenScheme(KnoxTokenScheme):
    target_class = DeviceTokenAuthentication
    name = "deviceToken"
