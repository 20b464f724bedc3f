"""Questionnaires filled for casework records: the intake of an access."""

from django.urls import reverse

from forms import registry

from . import actions
from .models import Access

ACCESS_INTAKE = "casework.access_intake"
# An intake field with this key, answered with need-category codes, preselects the needs of
# the case opened from the access.
NEED_AREAS_FIELD = "need_areas"


def expressed_need_codes(answers: dict) -> list[str]:
    codes = answers.get(NEED_AREAS_FIELD) or []
    return [code for code in codes if isinstance(code, str)] if isinstance(codes, list) else []


def _attach_intake(submission, reference: str, user) -> str:
    access = Access.objects.get(pk=int(reference))
    actions.attach_intake(access, submission, by=user)
    return reverse("casework:access", args=[access.pk])


def register() -> None:
    registry.register_target(ACCESS_INTAKE, _attach_intake)
