"""Who is told what: pure decisions over ids and states, no database.

Nobody is told about their own action (taking an alert, claiming a task, a task they are
given by the step they just completed), nor twice about the same thing."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Kind

# An activity report's status after a review, and what its author is told.
REVIEWED = {"accepted": Kind.REPORT_ACCEPTED, "correction": Kind.REPORT_RETURNED}


def task_recipients(
    *, owner_id: int | None, queue_members: Iterable[int], told: set[int], actor_id: int | None
) -> tuple[str, set[int]]:
    """A task was created or assigned: its owner is told it is theirs; a task waiting in a
    queue tells the queue's members. Who was told about the task already is not told again
    (so claiming a queued task tells nobody)."""
    if owner_id is not None:
        return Kind.TASK, {owner_id} - told - {actor_id}
    return Kind.QUEUE, set(queue_members) - told - {actor_id}


def escalation_recipients(engine_recipients: Iterable[int], told: set[int]) -> set[int]:
    """Whom the sweep's escalation reached (the zone administrators and the assignee)."""
    return set(engine_recipients) - told


def alert_recipient(*, assigned_to: int | None, before: int | None, actor_id: int | None):
    """The new assignee of an alert, unless they took it themselves or already had it."""
    if assigned_to is None or assigned_to in (before, actor_id):
        return None
    return assigned_to


def report_kind(*, before: str | None, after: str) -> str | None:
    """What a report's author is told when its status changes: accepted, or sent back."""
    if before == after:
        return None
    return REVIEWED.get(after)


def digest_counts(kinds: Iterable[str]) -> list[tuple[str, int]]:
    """(label, count) per kind, in the order of `Kind`, for the kinds present."""
    counted: dict[str, int] = {}
    for kind in kinds:
        counted[kind] = counted.get(kind, 0) + 1
    return [(label, counted[value]) for value, label in Kind.choices if value in counted]
