"""What a procedure's publication checks against; publishing itself is the definition core's."""

from __future__ import annotations

from definitions.publishing import (  # noqa: F401  (the one implementation, for callers)
    PublishRefused,
    current,
    freeze,
    freeze_on_publish,
    publish,
)
from forms.models import FormVersion

from . import graph as g
from . import registry
from .host import host


def known() -> g.Known:
    """What a graph may refer to: published questionnaires, roles, groups and actions."""
    return g.Known(
        forms=set(
            FormVersion.objects.newest_published().values_list("definition__slug", flat=True)
        ),
        roles=set(host().roles()),
        groups=host().groups(),
        actions=set(registry.actions),
    )
