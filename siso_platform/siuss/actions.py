"""The one way SIUSS flows change state."""

from __future__ import annotations

import datetime
import time

from django.db import transaction
from django.utils import timezone

from .models import ID_TYPE, EnteClock, Flow, FlowState


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def number(flow: Flow, *, on: datetime.date | None = None) -> Flow:
    """Give a built flow its `id_flusso` (the ente's daily counter) and `ts_ms` (strictly after
    the ente's last, even within one millisecond), and make it ready. Call it inside the
    transaction that stores the flow's XML."""
    on = on or timezone.localdate()
    with transaction.atomic():
        clock, _ = EnteClock.objects.select_for_update().get_or_create(code=flow.ente_code)
        if clock.day != on:
            clock.day, clock.day_counter = on, 0
        clock.day_counter += 1
        clock.last_ts_ms = max(now_ms(), clock.last_ts_ms + 1)
        clock.save()
        flow.id_flusso = (
            f"{flow.ente_code}.{ID_TYPE[flow.kind]}.{on:%Y%m%d}.{clock.day_counter:07d}"
        )
        flow.ts_ms = clock.last_ts_ms
        flow.state = FlowState.READY
        flow.blocked_reason = ""
        flow.save()
    return flow
