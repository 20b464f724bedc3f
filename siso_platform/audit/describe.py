"""Audit events in words for the auditor: who (name, role and organisation on that day), what
(the action, the object) and when (Rome time), instead of usernames, codes and ids."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from siso_platform.accounts.models import Membership, MembershipStatus

from . import times
from .models import Action, AuditEvent


def action_words(action: str) -> str:
    try:
        return capfirst(str(Action(action).label))
    except ValueError:
        return action


# Objects whose model name alone would not tell the auditor what was read.
_NAMED = {
    "people.person": lambda: _("Social record"),
    "reporting.aggregates": lambda: _("Aggregate statistics"),
    "reporting.interventions": lambda: _("Interventions (pseudonymous export)"),
    "monitoring.alerts": lambda: _("Alerts"),
}


def object_words(object_type: str, object_id: str = "") -> str:
    """`Presa in carico n. 12`, `Cartella sociale`, `Persone (elenco)`: the model's own name,
    with its number when the event names one row, or the list it read."""
    named = _NAMED.get(object_type)
    if named is not None and (object_id or object_type != "people.person"):
        return str(named())
    try:
        meta = apps.get_model(object_type)._meta
    except (LookupError, ValueError):
        return object_type
    if object_id:
        return _("%(thing)s no. %(number)s") % {
            "thing": capfirst(str(meta.verbose_name)),
            "number": object_id,
        }
    return _("%(things)s (list)") % {"things": capfirst(str(meta.verbose_name_plural))}


def _roles_on(memberships: list[Membership], day) -> str:
    held = [
        m
        for m in memberships
        if m.status == MembershipStatus.APPROVED
        and m.valid_from <= day
        and (m.valid_to is None or m.valid_to > day)
    ]
    return "; ".join(f"{m.get_role_display()}, {m.organisation.name}" for m in held)


@dataclass(frozen=True)
class Row:
    """One event as the auditor reads it, the same in the page and the downloads."""

    event: AuditEvent
    when: str
    actor: str
    role: str
    action: str
    object: str
    purpose: str


def rows(events) -> list[Row]:
    """The events in words, with two queries for a whole page: users and memberships."""
    events = list(events)
    actor_ids = {e.actor_id for e in events if e.actor_id}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=actor_ids)}
    memberships: dict[int, list[Membership]] = {}
    for membership in Membership.objects.filter(user_id__in=actor_ids).select_related(
        "organisation"
    ):
        memberships.setdefault(membership.user_id, []).append(membership)
    result = []
    for event in events:
        user = users.get(event.actor_id)
        if user is not None:
            actor = user.get_full_name() or user.get_username()
        else:
            actor = event.actor_username or _("the system")
        result.append(
            Row(
                event=event,
                when=times.shown(event.timestamp),
                actor=actor,
                role=_roles_on(memberships.get(event.actor_id, []), times.today(event.timestamp)),
                action=action_words(event.action),
                object=object_words(event.object_type, event.object_id),
                purpose=event.purpose,
            )
        )
    return result
