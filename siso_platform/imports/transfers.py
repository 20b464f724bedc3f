"""Transfers of residence held for review.

A registry row of municipality A about a person resident in B would move that person into
A's scope unseen. The registry driver holds such a row, whole, as a `Transfer`: nothing of
it is applied, the person's membership of A's family sheet included. It completes when B's
own registry file records the emigration, or when a data steward or zone administrator of
B confirms it; then the row is applied as A's file gave it. B may also reject it.

What the completion changes goes to the journal of A's run, the run that brought the row,
so that rolling that run back undoes the move too.
"""

import datetime
import json
from collections import defaultdict

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.audit import log as audit

from .drivers import DRIVERS, Context
from .formats import REGISTRY, Kind
from .models import ImportRun, Transfer, TransferStatus
from .reading import Header, Row
from .scoping import municipalities_for


class TransferRefused(ValueError):
    """The transfer cannot be decided now; the message says why."""


def hold(held: list[tuple[Row, int, int]], ctx: Context) -> None:
    """Keep each (row, person id, current municipality) as a pending transfer into the
    run's municipality. A newer row for a transfer already waiting replaces its values."""
    waiting = {
        t.person_id: t
        for t in Transfer.objects.filter(
            person_id__in=[person for _row, person, _from in held],
            to_municipality_id=ctx.municipality_id,
            status=TransferStatus.PENDING,
        )
    }
    befores, inserted = [], []
    for row, person_id, from_id in held:
        values = json.loads(json.dumps(row.values, cls=DjangoJSONEncoder))
        transfer = waiting.get(person_id)
        if transfer is None:
            transfer = Transfer.objects.create(
                person_id=person_id,
                from_municipality_id=from_id,
                to_municipality_id=ctx.municipality_id,
                run_id=ctx.run_id,
                row_number=row.number,
                values=values,
            )
            inserted.append(transfer.pk)
            continue
        befores.append(
            (
                transfer.pk,
                {
                    "run": transfer.run_id,
                    "row_number": transfer.row_number,
                    "values": transfer.values,
                    "from_municipality": transfer.from_municipality_id,
                },
            )
        )
        Transfer.objects.filter(pk=transfer.pk).update(
            run_id=ctx.run_id, row_number=row.number, values=values, from_municipality_id=from_id
        )
    ctx.journal.inserted(Transfer, inserted)
    ctx.journal.updated(Transfer, befores)


def release(person_ids: list[int], ctx: Context) -> None:
    """The emigration of these persons from the run's municipality completes the transfer
    waiting for each. A person awaited by two municipalities stays for a steward to decide;
    a row that no longer applies stays pending with the reason in its note."""
    waiting = defaultdict(list)
    for transfer in Transfer.objects.filter(
        person_id__in=person_ids,
        from_municipality_id=ctx.municipality_id,
        status=TransferStatus.PENDING,
    ).select_related("run"):
        waiting[transfer.person_id].append(transfer)
    actor = ImportRun.objects.filter(pk=ctx.run_id).values_list("started_by", flat=True).first()
    for transfers in waiting.values():
        if len(transfers) != 1:
            continue
        (transfer,) = transfers
        try:
            with transaction.atomic():
                _complete(transfer, actor_id=actor, how="emigration")
        except TransferRefused as error:
            Transfer.objects.filter(pk=transfer.pk).update(note=str(error))


def for_user(user, queryset=None):
    """Transfers into or out of a municipality of the user's territory."""
    queryset = Transfer.objects.all() if queryset is None else queryset
    territory = municipalities_for(user).values("pk")
    return queryset.filter(from_municipality__in=territory) | queryset.filter(
        to_municipality__in=territory
    )


def can_decide(user, transfer: Transfer) -> bool:
    """Only the previous municipality's side decides: its data stewards and its zone's
    administrators (the users whose territory holds it and who import its registry)."""
    return (
        transfer.status == TransferStatus.PENDING
        and user.has_perm("imports.add_importrun")
        and municipalities_for(user).filter(pk=transfer.from_municipality_id).exists()
    )


@transaction.atomic
def confirm(transfer: Transfer, *, user, note: str = "") -> Transfer:
    transfer = _locked(transfer, user)
    _complete(transfer, actor_id=user.pk, how="confirmed", user=user, note=note)
    return transfer


@transaction.atomic
def reject(transfer: Transfer, *, user, note: str = "") -> Transfer:
    transfer = _locked(transfer, user)
    transfer.status, transfer.decided_by = TransferStatus.REJECTED, user
    transfer.decided_at, transfer.note = timezone.now(), note
    transfer.save(update_fields=["status", "decided_by", "decided_at", "note"])
    _audit(transfer, actor=user, how="rejected")
    return transfer


def _locked(transfer: Transfer, user) -> Transfer:
    transfer = Transfer.objects.select_for_update().select_related("run").get(pk=transfer.pk)
    if transfer.status != TransferStatus.PENDING:
        raise TransferRefused(_("This transfer has already been decided."))
    if not can_decide(user, transfer):
        raise TransferRefused(
            _("Only the data stewards of the municipality the person leaves decide.")
        )
    return transfer


def _complete(transfer: Transfer, *, actor_id, how: str, user=None, note: str = "") -> None:
    """Apply the held row as its run would have, then mark the transfer completed."""
    run = transfer.run
    ctx = Context(
        municipality_id=transfer.to_municipality_id,
        reference_date=run.reference_date,
        reference=run.reference,
        header=CANONICAL_HEADER,
        run_id=run.pk,
        hold_transfers=False,
    )
    row = Row(number=transfer.row_number, raw=[], values=decoded(transfer.values))
    DRIVERS[REGISTRY.name].apply([row], ctx)
    if row.errors:
        raise TransferRefused(
            _("Row %(row)d of the run cannot be applied: %(errors)s")
            % {
                "row": transfer.row_number,
                "errors": "; ".join(f"{column}: {message}" for column, message in row.errors),
            }
        )
    ctx.journal.updated(
        Transfer,
        [
            (
                transfer.pk,
                {
                    "status": transfer.status,
                    "decided_by": transfer.decided_by_id,
                    "decided_at": transfer.decided_at,
                    "note": transfer.note,
                },
            )
        ],
    )
    ctx.journal.save(run)
    transfer.status, transfer.decided_by_id = TransferStatus.COMPLETED, actor_id
    transfer.decided_at, transfer.note = timezone.now(), note
    transfer.save(update_fields=["status", "decided_by", "decided_at", "note"])
    _audit(transfer, actor=user, actor_id=actor_id, how=how)


def _audit(transfer: Transfer, *, actor, how: str, actor_id=None) -> None:
    if actor is None and actor_id is not None:
        from django.contrib.auth import get_user_model

        actor = get_user_model().objects.filter(pk=actor_id).first()
    audit.record(
        "update",
        actor=actor,
        obj=transfer,
        person=transfer.person_id,
        purpose=_("registry transfer review"),
        detail={
            "decision": how,
            "from": transfer.from_municipality_id,
            "to": transfer.to_municipality_id,
            "run": transfer.run_id,
        },
    )


CANONICAL_HEADER = Header(
    names=REGISTRY.names,
    positions={name: i for i, name in enumerate(REGISTRY.names)},
    ignored=(),
)
_DATES = {c.name for c in REGISTRY.columns if c.kind == Kind.DATE}


def decoded(values: dict) -> dict:
    """The stored row with its dates as dates again, as the reader gave them."""
    return {
        name: datetime.date.fromisoformat(value) if name in _DATES and value else value
        for name, value in values.items()
    }
