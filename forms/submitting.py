"""Saving a submission: the one place answers are validated, stored and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .host import host
from .models import FormVersion, Submission
from .validation import validate


def submit(
    version: FormVersion, subject, answers: dict, *, user, channel: str, entered_via: str = "web"
) -> Submission:
    """Validate `answers` with the engine and save them; errors are keyed by field path."""
    result = validate(version.compiled, answers)
    if not result.is_valid:
        raise ValidationError(result.errors)
    return save(
        version, subject, result.cleaned, user=user, channel=channel, entered_via=entered_via
    )


def metadata(schema: dict, *, started_at=None, now=None) -> dict:
    """The XLSForm metadata the platform records itself (schema `metadata`: key -> type):
    `start` when the questionnaire was started, `end` when it was sent, `today` that day."""
    now = timezone.localtime(now or timezone.now())
    values = {
        "start": timezone.localtime(started_at or now).isoformat(timespec="seconds"),
        "end": now.isoformat(timespec="seconds"),
        "today": now.date().isoformat(),
    }
    return {key: values[type_] for key, type_ in (schema.get("metadata") or {}).items()}


@transaction.atomic
def save(
    version: FormVersion,
    subject,
    cleaned: dict,
    *,
    user,
    channel: str,
    started_at=None,
    entered_via: str = "web",
) -> Submission:
    """Store answers the engine has already cleaned, with the metadata the form records."""
    answers = {**cleaned, **metadata(version.schema, started_at=started_at)}
    submission = Submission.objects.create(
        version=version,
        subject=subject,
        answers=answers,
        channel=channel,
        entered_via=entered_via,
        submitted_by=user,
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
