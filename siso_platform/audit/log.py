"""The one helper that writes audit events; every read or change of personal data calls it."""

from collections.abc import Iterable

from django.db import models

from .context import current_request_id
from .models import Action, AuditEvent


def _event(action, actor, obj, person, purpose, detail, actor_name="") -> AuditEvent:
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent(
        action=Action(action),
        actor=actor,
        actor_username=actor.get_username() if actor else actor_name[:150],
        object_type=obj._meta.label_lower if isinstance(obj, models.Model) else str(obj),
        object_id=str(obj.pk) if isinstance(obj, models.Model) else "",
        person_id=getattr(person, "pk", person),
        purpose=purpose[:200],
        request_id=current_request_id(),
        detail=detail or {},
    )


def record(
    action: str,
    *,
    actor,
    obj,
    person=None,
    purpose: str = "",
    detail: dict | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Write one event. `obj` is a model instance or a type label for bulk reads or exports;
    `person` is the person concerned (an instance or a primary key). A caller that is no user
    (`actor` None, e.g. INPS's PDND client on the SIUSS e-service) is named by `actor_name`."""
    event = _event(action, actor, obj, person, purpose, detail, actor_name)
    event.save()
    return event


def record_for_persons(
    action: str, *, actor, obj, persons: Iterable, purpose: str = "", detail: dict | None = None
) -> list[AuditEvent]:
    """One event per person concerned, e.g. when a household page shows all its members."""
    events = [_event(action, actor, obj, person, purpose, detail) for person in persons]
    return AuditEvent.objects.bulk_create(events)
