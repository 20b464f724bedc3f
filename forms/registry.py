"""Where the project plugs domain knowledge into the generic form engine.

- value checks: a kind whose values need domain validation (the tax code) registers a
  function `check(value) -> (normalised value, error message or None)`;
- prefill sources: a named source a field can be prefilled from, resolved against the
  form's subject (for example the person's latest ISEE, or their household members) or
  against an object the wizard's target names (`needs`: the case a procedure step is about,
  whose care plan the plan step shows to edit);
- facts: a named place an answer is recorded in when a submission is saved (a field's
  `fact`, e.g. the ISEE becomes a fact of the person's household), with the submission as
  the value's source, so the engine never writes domain records itself;
- targets: what a wizard was started for (the intake of an access, a workflow task). When
  that wizard is submitted, the target's `attach(submission, reference, user)` runs in the
  same transaction and returns where the operator goes next. A target may also answer
  `may_fill(reference, user)`: whether `user` may still fill a draft about no person for it
  (a procedure step about no person, where the task's assignment decides who fills it).
  Without it, every draft must be about a person the user may change. A target may also
  give `context(reference, user)`: the objects, by name, its prefill sources read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ValueCheck = Callable[[str], tuple[str, str | None]]

value_checks: dict[str, ValueCheck] = {}


SUBJECT = "subject"


@dataclass(frozen=True)
class PrefillSource:
    name: str
    label: str
    resolve: Callable[[object], object]  # object named `needs` -> value in the cleaned shape
    needs: str = SUBJECT  # the subject, or an object the wizard's target gives


prefill_sources: dict[str, PrefillSource] = {}


@dataclass(frozen=True)
class FactSink:
    name: str
    label: str
    # (subject, cleaned value, submission, user): records it; runs inside the saving
    record: Callable[[object, object, object, object], None]


fact_sinks: dict[str, FactSink] = {}


def register_value_check(kind: str, check: ValueCheck) -> None:
    value_checks[kind] = check


def register_prefill(
    name: str, label, resolve: Callable[[object], object], *, needs: str = SUBJECT
) -> None:
    prefill_sources[name] = PrefillSource(name, label, resolve, needs)


def prefill_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(s.name, str(s.label)) for s in prefill_sources.values()]


def register_fact(name: str, label, record: Callable[[object, object, object, object], None]):
    fact_sinks[name] = FactSink(name, label, record)


def fact_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(s.name, str(s.label)) for s in fact_sinks.values()]


@dataclass(frozen=True)
class Target:
    name: str
    attach: Callable[[object, str, object], str | None]  # (submission, reference, user) -> url
    # (reference, user) -> whether a draft about no person may be filled; None: never
    may_fill: Callable[[str, object], bool] | None = None
    # (reference, user) -> {name: object} the prefill sources with `needs` read
    context: Callable[[str, object], dict] | None = None


targets: dict[str, Target] = {}


def register_target(
    name: str,
    attach: Callable[[object, str, object], str | None],
    *,
    may_fill: Callable[[str, object], bool] | None = None,
    context: Callable[[str, object], dict] | None = None,
) -> None:
    targets[name] = Target(name, attach, may_fill, context)


def target_context(target: str, reference: str, user) -> dict:
    """The objects the target of a wizard offers its prefill sources (none by default)."""
    found = targets.get(target) if target else None
    return dict(found.context(reference, user) or {}) if found and found.context else {}


def may_fill_without_subject(target: str, reference: str, user) -> bool:
    """Whether `user` may fill a draft about no person started for `target` and `reference`."""
    found = targets.get(target) if target else None
    return bool(found and found.may_fill and found.may_fill(reference, user))
