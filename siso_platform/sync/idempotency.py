"""Writes made exactly once: the same `Idempotency-Key` from the same user creates one record.

`run_once` inserts the key row and calls the domain action in one transaction. A retry with
the same key and the same content gets the record the first call made; the same key with
other content (or for another endpoint) raises `KeyReused`. Two concurrent calls with the same
key: the second one's insert of the key row fails on the unique constraint once the first has
committed, its transaction (and whatever its action did) is rolled back, and it answers as a
retry. A refusal of the action (a ValidationError) rolls back the key too: the app may fix
the item and send it again with the same key.

The keys are kept `SISO_IDEMPOTENCY_DAYS` (`purge`, run by `sync_keys_purge`): longer than a
device token lives (`API_TOKEN_DAYS`), the longest a device can retry an item of its outbox
(when its token lapses the app wipes the outbox). A retry with a purged key is a new request:
it would create the record again.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import IdempotencyKey


class KeyReused(Exception):
    """The key was already used for a different request."""


def fingerprint(endpoint: str, data: dict) -> str:
    """A digest of what was asked: records by their id, files by their content."""

    def plain(value):
        if hasattr(value, "pk"):
            return value.pk
        if hasattr(value, "read") and hasattr(value, "seek"):
            digest = hashlib.sha256()
            value.seek(0)
            for chunk in iter(lambda: value.read(65536), b""):
                digest.update(chunk)
            value.seek(0)
            return {"name": getattr(value, "name", ""), "sha256": digest.hexdigest()}
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return str(value)

    canonical = json.dumps({"endpoint": endpoint, "data": plain(data)}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(user, key: str, endpoint: str, digest: str):
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is None:
        return None
    # (an empty fingerprint: a key carried over from before this mechanism, content unknown)
    if row.endpoint != endpoint or (row.fingerprint and row.fingerprint != digest):
        raise KeyReused
    return row


def run_once(
    *, user, key: str | None, endpoint: str, digest: str, create: Callable[[], Any]
) -> tuple[Any, bool]:
    """(the record, whether this call created it). Without a key, `create` just runs."""
    if not key:
        return create(), True
    row = _replay(user, key, endpoint, digest)
    if row is not None:
        return row.created_object, False
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=user, key=key, endpoint=endpoint, fingerprint=digest
            )
            created = create()
            row.content_type = ContentType.objects.get_for_model(created)
            row.object_id = created.pk
            row.save(update_fields=["content_type", "object_id"])
    except IntegrityError:
        row = _replay(user, key, endpoint, digest)
        if row is None:  # not the key's constraint: the action's own
            raise
        return row.created_object, False
    return created, True


def kept_for() -> datetime.timedelta:
    return datetime.timedelta(days=settings.SISO_IDEMPOTENCY_DAYS)


def purge(now: datetime.datetime | None = None) -> int:
    """Forget the keys older than `SISO_IDEMPOTENCY_DAYS` (the records they made stay).
    Returns how many were deleted."""
    cutoff = (now or timezone.now()) - kept_for()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
