"""The `since` cursor of the app's sync: an opaque, signed moment.

A list asked `?since=<cursor>` returns only the rows changed after the moment the cursor
names; every list answer carries the cursor of its own moment, for the next sync. The moment
is taken a little before the answer (`OVERLAP`), so that a row saved by a transaction still
open while the list was read comes again next time: the app upserts by id, and a row seen
twice costs nothing while a row missed would be lost.
"""

from __future__ import annotations

import datetime

from django.core import signing
from django.utils import timezone

SALT = "siso.sync.cursor"
OVERLAP = datetime.timedelta(minutes=1)


class InvalidCursor(ValueError):
    pass


def issue(now: datetime.datetime | None = None) -> str:
    moment = (now or timezone.now()) - OVERLAP
    return signing.dumps({"t": moment.isoformat()}, salt=SALT, compress=True)


def read(cursor: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(signing.loads(cursor, salt=SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidCursor(cursor) from None
    if timezone.is_naive(moment):
        raise InvalidCursor(cursor)
    return moment
