"""The address a request comes from, read the same way by the login lockout and the API's
rate limits.

`SISO_TRUSTED_PROXY_COUNT` says how many reverse proxies in front of the platform append
to `X-Forwarded-For`. With 0 (the default) the header is ignored: any client can write it,
so only the socket address counts. With N, the N-th address from the right is the one the
outermost trusted proxy saw; what the client wrote to the left of it is ignored. This is
DRF's own rule for `NUM_PROXIES`, which the settings set to the same number.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.SISO_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = forwarded.split(",")
    # A malformed value from the proxy chain falls back to the proxy's own address.
    return _valid(addresses[-min(proxies, len(addresses))]) or remote
