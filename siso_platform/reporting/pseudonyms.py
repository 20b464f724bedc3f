"""The region's pseudonymous person key: who a row is about, without saying who they are.

The key is HMAC-SHA256 over the normalised tax code with a secret of its own (the setting
`SISO_PSEUDONYM_KEY`, never SECRET_KEY nor derived from it), written as 64 hex digits. It is
computed on the server only:

- it is the same for a person in every export of every zone and of the region, so the
  region follows a person across zones and years without knowing who they are;
- without the secret it cannot be reversed, not even by trying every tax code (they are few
  and guessable: a plain hash would be);
- a zone's own export carries both the tax code and the key (the zone holds the data and
  may relate them); the region's export carries the key only, so the region cannot.

The key follows the tax code: when a provisional code is replaced by the definitive one, the
person's key changes (as their code does in the national flows). Changing the secret changes
every key: keep it for as long as keys must match across exports.
"""

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext as _

from siso_platform.people import tax_code as tc

SETTING = "SISO_PSEUDONYM_KEY"


class KeyMissing(Exception):
    """The secret is not configured: no pseudonymised export can be written."""


def pseudonym(tax_code: str, secret: bytes) -> str:
    """The key of the person with `tax_code` under `secret` (64 hex digits)."""
    normalised = tc.normalize(tax_code).encode("utf-8")
    return hmac.new(secret, normalised, hashlib.sha256).hexdigest()


def secret() -> bytes:
    """The configured secret; KeyMissing if it is not set or is the SECRET_KEY itself."""
    value = getattr(settings, SETTING, "") or ""
    if not value or value == settings.SECRET_KEY:
        raise KeyMissing(
            _(
                "Exports cannot be pseudonymised: the key %(setting)s is not configured. "
                "Ask the system administrator."
            )
            % {"setting": SETTING}
        )
    return value.encode("utf-8")


def keyer():
    """A function from a tax code to its key ("" for no tax code), with the secret read
    once; KeyMissing if it is not configured."""
    configured = secret()

    def key(tax_code: str | None) -> str:
        return pseudonym(tax_code, configured) if tax_code else ""

    return key
