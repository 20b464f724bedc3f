"""Saving a submission: the one place answers are validated, stored and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import registry
from .host import host
from .models import FormVersion, Submission
from .validation import validate


def submit(version: FormVersion, subject, answers: dict, *, user, channel: str) -> Submission:
    """Validate `answers` with the engine and save them; errors are keyed by field path."""
    result = validate(version.compiled, answers)
    if not result.is_valid:
        raise ValidationError(result.errors)
    return save(version, subject, result.cleaned, user=user, channel=channel)


@transaction.atomic
def save(version: FormVersion, subject, cleaned: dict, *, user, channel: str) -> Submission:
    """Store answers the engine has already cleaned."""
    submission = Submission.objects.create(
        version=version, subject=subject, answers=cleaned, channel=channel, submitted_by=user
    )
    host().audit(
        "create", user=user, obj=submission, subject=subject, purpose=_("questionnaire submitted")
    )
    record_facts(version, submission, user=user)
    return submission


def record_facts(version: FormVersion, submission: Submission, *, user) -> None:
    """Answers of fields declaring a `fact` become the subject's facts, sourced to this
    submission (the host's sinks decide where they go); hidden or empty answers write none."""
    if submission.subject_id is None:
        return
    for item in version.compiled.fields.values():
        sink = registry.fact_sinks.get(item.spec.get("fact") or "")
        value = submission.answers.get(item.key)
        if sink is not None and value is not None:
            sink.record(submission.subject, value, submission, user)
