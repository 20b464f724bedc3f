"""Where the project plugs domain knowledge into the generic form engine.

- value checks: a kind whose values need domain validation (the tax code) registers a
  function `check(value) -> (normalised value, error message or None)`;
- prefill sources: a named source a field can be prefilled from, resolved against the
  form's subject (for example the person's latest ISEE, or their household members);
- targets: what a wizard was started for (the intake of an access, a workflow task). When
  that wizard is submitted, the target's `attach(submission, reference, user)` runs in the
  same transaction and returns where the operator goes next. A target may also answer
  `may_fill(reference, user)`: whether `user` may still fill a draft about no person for it
  (a procedure step about no person, where the task's assignment decides who fills it).
  Without it, every draft must be about a person the user may change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ValueCheck = Callable[[str], tuple[str, str | None]]

value_checks: dict[str, ValueCheck] = {}


@dataclass(frozen=True)
class PrefillSource:
    name: str
    label: str
    resolve: Callable[[object], object]  # subject -> value in the field's cleaned shape


prefill_sources: dict[str, PrefillSource] = {}


def register_value_check(kind: str, check: ValueCheck) -> None:
    value_checks[kind] = check


def register_prefill(name: str, label, resolve: Callable[[object], object]) -> None:
    prefill_sources[name] = PrefillSource(name, label, resolve)


def prefill_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(s.name, str(s.label)) for s in prefill_sources.values()]


@dataclass(frozen=True)
class Target:
    name: str
    attach: Callable[[object, str, object], str | None]  # (submission, reference, user) -> url
    # (reference, user) -> whether a draft about no person may be filled; None: never
    may_fill: Callable[[str, object], bool] | None = None


targets: dict[str, Target] = {}


def register_target(
    name: str,
    attach: Callable[[object, str, object], str | None],
    *,
    may_fill: Callable[[str, object], bool] | None = None,
) -> None:
    targets[name] = Target(name, attach, may_fill)


def may_fill_without_subject(target: str, reference: str, user) -> bool:
    """Whether `user` may fill a draft about no person started for `target` and `reference`."""
    found = targets.get(target) if target else None
    return bool(found and found.may_fill and found.may_fill(reference, user))
