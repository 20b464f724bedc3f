"""Where domain packages plug into the generic workflow engine.

- actions: what an automatic step can do. `register_action(name, label, run)`; `run(step)`
  receives an `ActionStep` and returns process variables to set (or None);
- the host (`settings.WORKFLOWS_HOST`, see `workflows/host.py`) answers who holds which role
  where, whose case a process is about, and what the task page shows about it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ActionStep:
    """What an automatic step sees: the process and its data, already-resolved parameters."""

    process: object
    context: dict  # zone, office, case, subject, started_by (ids); an action may set "case"
    vars: dict
    answers: dict
    params: dict
    by: object = None  # the user whose completed task led here (or who started the process)
    set_vars: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    name: str
    label: object
    run: Callable[[ActionStep], dict | None]


actions: dict[str, Action] = {}


def param_date(value) -> datetime.date | None:
    """A date parameter as process data holds it (an ISO date, or a datetime's string)."""
    return datetime.date.fromisoformat(str(value)[:10]) if value else None


def register_action(name: str, label, run: Callable[[ActionStep], dict | None]) -> None:
    actions[name] = Action(name, label, run)


def action_choices() -> list[tuple[str, str]]:
    return [(a.name, str(a.label)) for a in sorted(actions.values(), key=lambda a: a.name)]


def role_choices() -> list[tuple[str, str]]:
    from .host import host

    return list(host().roles().items())
