"""Looking a person up on the register by exact tax code, for the pages: the card that
`visibility.register_card` allows, audited and rate-limited.

Every lookup that finds a person the user does not follow is an audit event naming who
looked up whom and when (`object_type` "casework.register_lookup"), so auditors can see
fishing. Past `LIMIT` different persons in an hour the card shows no name (the lookup is
still audited) until the hour has passed.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.audit import log as audit
from siso_platform.audit.models import AuditEvent

from . import visibility
from .visibility import RegisterCard

EVENT = "casework.register_lookup"
PAUSED = "casework.register_lookup_paused"  # audited too, but shown nothing: not counted
LIMIT = 20  # different persons outside the user's scope an hour: a desk's busiest hour
WINDOW = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Lookup:
    card: RegisterCard | None = None
    paused: bool = False  # on the register, but the user looked up too many persons lately


def looked_up_lately(user, now: datetime.datetime) -> set[int]:
    recent = AuditEvent.objects.filter(
        actor=user, object_type=EVENT, timestamp__gte=now - WINDOW, person__isnull=False
    )
    return set(recent.values_list("person_id", flat=True))


def look_up(user, code: str, *, where: str) -> Lookup:
    """The register card for an exact tax code (`where`: the page that asked, for auditors)."""
    card = visibility.register_card(user, code)
    if card is None:
        return Lookup()
    seen = looked_up_lately(user, timezone.now())
    paused = card.person.pk not in seen and len(seen) >= LIMIT
    audit.record(
        "view",
        actor=user,
        obj=PAUSED if paused else EVENT,
        person=card.person,
        purpose=_("register lookup by tax code"),
        detail={"where": where},
    )
    return Lookup(paused=True) if paused else Lookup(card)
