"""PDND's AUTH_REST_01 voucher: the only way into the e-service.

INPS asks PDND for a voucher (a JWT signed RS256 with PDND's key) and sends it as
`Authorization: Bearer <voucher>`. It is accepted when:

- its header names `RS256` and a `kid` among the keys of `PDND_JWKS` (a file or an URL), and
  its signature verifies with that key;
- `aud` is `PDND_AUDIENCE` (`{ente}` replaced by the code in the URL) and `iss` is
  `PDND_ISSUER`;
- `exp`, `nbf` and `iat` are present and hold now, give or take `LEEWAY` seconds;
- `purposeId` is one of `PDND_PURPOSE_IDS`.

Anything else is refused (`Refused`, a 401). With any of the four settings empty, every
voucher is refused: the e-service is never open.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import jwt
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

LEEWAY = 30  # seconds of clock skew allowed on exp, nbf and iat
ALGORITHM = "RS256"
KEYS_LIFETIME = 600  # seconds an URL's keys are kept
REFETCH_AFTER = 60  # an unknown kid fetches an URL's keys again, at most this often
FETCH_TIMEOUT = 5  # seconds


class Refused(Exception):
    """Why a voucher is not accepted (in the caller's words, for the problem's detail)."""


class NoVoucher(Refused):
    """No bearer token at all (RFC 6750: the challenge then names no error)."""


@dataclass(frozen=True)
class Voucher:
    """Who calls: the PDND client and the purpose of the voucher it presented."""

    client_id: str
    purpose_id: str
    token_id: str

    @property
    def label(self) -> str:
        return f"PDND {self.client_id}"[:150]


def configured() -> bool:
    return all(
        (
            settings.PDND_JWKS,
            settings.PDND_AUDIENCE,
            settings.PDND_ISSUER,
            settings.PDND_PURPOSE_IDS,
        )
    )


# PDND's keys ----------------------------------------------------------------------------------


class _Keys:
    """The keys of `PDND_JWKS` by kid: a file is read again when it changes, an URL fetched
    again after `KEYS_LIFETIME` (or, for a kid it lacks, after `REFETCH_AFTER`: a new key)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self):
        self._source = None
        self._stamp = None
        self._fetched = 0.0
        self._keys: dict = {}

    def get(self, kid: str):
        source = settings.PDND_JWKS
        with self._lock:
            if source != self._source:
                self.clear()
                self._source = source
            if _is_url(source):
                age = time.monotonic() - self._fetched
                if (
                    not self._fetched
                    or age > KEYS_LIFETIME
                    or (kid not in self._keys and age > REFETCH_AFTER)
                ):
                    self._load(source, lambda: _fetch(source), stamp=None)
            else:
                try:
                    stamp = Path(source).stat().st_mtime_ns
                except OSError:
                    logger.error("siuss: PDND_JWKS %s cannot be read", source)
                    return None
                if stamp != self._stamp:
                    self._load(source, lambda: Path(source).read_text(encoding="utf-8"), stamp)
            return self._keys.get(kid)

    def _load(self, source, read, stamp):
        self._fetched = time.monotonic()  # a failed fetch waits like a good one
        try:
            keys = jwt.PyJWKSet.from_dict(json.loads(read()))
        except (OSError, ValueError, TypeError, AttributeError, jwt.PyJWTError) as error:
            # the keys known before, if any, stay in use
            logger.error("siuss: PDND_JWKS %s gives no keys: %s", source, error)
            return
        self._stamp = stamp
        self._keys = {
            key.key_id: key.key
            for key in keys.keys
            if key.key_id and key.key_type == "RSA" and key.public_key_use in (None, "sig")
        }


def _is_url(source: str) -> bool:
    return source.startswith("https://")


def _fetch(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
        return response.read().decode("utf-8")


KEYS = _Keys()


# The voucher ----------------------------------------------------------------------------------


def _bearer(authorization: str) -> str:
    scheme, _space, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NoVoucher(_("A PDND voucher is required (Authorization: Bearer)."))
    return token.strip()


def verify(authorization: str, ente_code: str) -> Voucher:
    """The voucher of an `Authorization` header for the e-service of `ente_code`, or
    `Refused`."""
    token = _bearer(authorization)
    if not configured():
        raise Refused(_("The e-service accepts no voucher yet: PDND is not configured."))
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise Refused(_("The voucher is not a valid JWT.")) from error
    if header.get("alg") != ALGORITHM:
        raise Refused(_("The voucher must be signed with RS256."))
    kid = header.get("kid")
    key = KEYS.get(kid) if isinstance(kid, str) and kid else None
    if key is None:
        raise Refused(_("The voucher is signed with a key PDND does not publish."))
    audience = settings.PDND_AUDIENCE.replace("{ente}", ente_code)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=settings.PDND_ISSUER,
            leeway=LEEWAY,
            options={"require": ["exp", "nbf", "iat", "aud", "iss", "purposeId"]},
        )
    except jwt.InvalidSignatureError as error:
        raise Refused(_("The voucher's signature is not valid.")) from error
    except jwt.ExpiredSignatureError as error:
        raise Refused(_("The voucher has expired.")) from error
    except jwt.ImmatureSignatureError as error:
        raise Refused(_("The voucher is not valid yet.")) from error
    except jwt.InvalidAudienceError as error:
        raise Refused(_("The voucher is not meant for this e-service (aud).")) from error
    except jwt.InvalidIssuerError as error:
        raise Refused(_("The voucher was not issued by PDND (iss).")) from error
    except jwt.MissingRequiredClaimError as error:
        raise Refused(
            _("The voucher lacks the claim %(claim)s.") % {"claim": error.claim}
        ) from error
    except jwt.InvalidTokenError as error:
        raise Refused(_("The voucher is not valid.")) from error
    purpose = claims.get("purposeId")
    if not isinstance(purpose, str) or purpose not in settings.PDND_PURPOSE_IDS:
        raise Refused(_("The voucher's purpose is not allowed to call this e-service."))
    client = claims.get("client_id") or claims.get("sub") or ""
    return Voucher(client_id=str(client), purpose_id=purpose, token_id=str(claims.get("jti", "")))
