"""The bulk file of INPS's web upload channel, prepared in the background (docs/siuss.md).

A zone administrator asks for the ready flows of one ente, kind and period (`request`): a
`BulkFile` is recorded, pending, and `tasks.prepare_bulk_file` writes it (`prepare`) chunk
by chunk, so that its page follows the progress, checks it against INPS's XSD and keeps it
in the private storage. It records the flows it holds (`flow_ids`), so that the
download, when the data is read, is audited person by person (desk_views.py). A stored file
carries tax codes: `purge` deletes it `KEPT_FOR` after it was prepared (`siuss_bulk_purge`).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from siso_platform.territory.models import Municipality, SocialZone

from . import desk as desks
from . import xml
from .models import BulkFile, BulkState, Flow

logger = logging.getLogger(__name__)

KEPT_FOR = datetime.timedelta(days=7)
FOLLOWED = (BulkState.PENDING, BulkState.RUNNING)  # states its page keeps polling


def zone_of(ente_code: str, zone_ids) -> SocialZone | None:
    """The zone, among these, whose ente this is: a zone acting for its municipalities under
    its INPS code, or the zone of the municipality with that cadastral code."""
    zone = SocialZone.objects.filter(pk__in=zone_ids, inps_code=ente_code).first()
    if zone is not None:
        return zone
    municipality = (
        Municipality.objects.filter(zone__in=zone_ids, cadastral_code=ente_code)
        .select_related("zone")
        .first()
    )
    return municipality.zone if municipality is not None else None


def request(*, by, zone, ente_code: str, kind: str, start, end) -> BulkFile:
    """Record the file, pending, and queue its preparation once the request commits."""
    from .tasks import prepare_bulk_file

    bulk = BulkFile.objects.create(
        zone=zone, ente_code=ente_code, kind=kind, starts_on=start, ends_on=end, requested_by=by
    )
    transaction.on_commit(lambda: prepare_bulk_file.enqueue(bulk.pk))
    return bulk


def available_until(bulk: BulkFile) -> datetime.datetime:
    """When the stored file is deleted (by the next purge after that moment)."""
    return (bulk.prepared_at or bulk.requested_at) + KEPT_FOR


def available(bulk: BulkFile) -> bool:
    return bulk.state == BulkState.DONE and bool(bulk.file)


def flows_in(bulk: BulkFile) -> list[Flow]:
    """The flows written in the stored file, in its order (none once it is purged)."""
    if not bulk.file:
        return []
    ids = bulk.flow_ids
    found = Flow.objects.select_related("intervention__case", "intervention__person", "case")
    by_pk = found.in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _fail(bulk: BulkFile, message: str) -> BulkFile:
    bulk.state, bulk.error = BulkState.FAILED, message
    bulk.save(update_fields=["state", "error"])
    return bulk


def prepare(bulk: BulkFile) -> BulkFile:
    """Write the file: `total` flows selected, `written` as chunks are copied; then done
    (stored), empty (no ready flow), or failed with the reason in Italian. Never raises."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return _prepare(bulk)
        except xml.Invalid as invalid:  # each flow was validated when stored: not expected
            return _fail(
                bulk, _("The file does not match INPS's format: %(error)s") % {"error": invalid}
            )
        except Exception as error:
            logger.exception("siuss bulk file %s failed", bulk.pk)
            return _fail(
                bulk,
                _("The file could not be prepared (%(error)s): ask for it again, or ask for help.")
                % {"error": type(error).__name__},
            )


def _prepare(bulk: BulkFile) -> BulkFile:
    bulk.state, bulk.written, bulk.error = BulkState.RUNNING, 0, ""
    bulk.save(update_fields=["state", "written", "error"])
    selected = list(
        desks.bulk_flows(
            Flow.objects.filter(zone=bulk.zone),
            ente_code=bulk.ente_code,
            kind=bulk.kind,
            start=bulk.starts_on,
            end=bulk.ends_on,
        )
    )
    bulk.total = len(selected)
    bulk.save(update_fields=["total"])
    if not selected:
        bulk.state = BulkState.EMPTY
        bulk.save(update_fields=["state"])
        return bulk

    def progress(written: int) -> None:
        bulk.written = written
        bulk.save(update_fields=["written"])

    name = desks.bulk_name(bulk.ente_code, bulk.kind, bulk.starts_on, bulk.ends_on)
    body = desks.bulk_document(selected, name=name, kind=bulk.kind, on_progress=progress)
    bulk.name = name
    bulk.file.save(f"{name}.xml", ContentFile(body), save=False)
    bulk.flow_ids = [flow.pk for flow in selected]
    bulk.state, bulk.prepared_at = BulkState.DONE, timezone.now()
    bulk.save(update_fields=["name", "file", "flow_ids", "state", "prepared_at"])
    return bulk


def _delete_stored(bulk: BulkFile) -> None:
    if default_storage.exists(bulk.file.name):
        default_storage.delete(bulk.file.name)
    bulk.file = ""
    bulk.save(update_fields=["file"])


def purge(now: datetime.datetime | None = None) -> int:
    """Delete the stored files prepared more than `KEPT_FOR` ago (the record stays, saying
    the file is gone). Returns how many were deleted."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    old = BulkFile.objects.filter(
        Q(prepared_at__lt=cutoff) | Q(prepared_at=None, requested_at__lt=cutoff)
    ).exclude(file="")
    deleted = 0
    for bulk in old.iterator():
        _delete_stored(bulk)
        deleted += 1
    return deleted
