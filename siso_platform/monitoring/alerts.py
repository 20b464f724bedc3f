"""Raising and working alerts: the one way every detector, page and workflow step does it.

An alert's `key` names the situation (a pair of interventions, a need, an indicator on a
household), so raising it again changes nothing, and a resolved alert stays resolved.
Every action on an alert is written to the audit log against the person it concerns.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siso_platform.accounts import scoping
from siso_platform.audit import log as audit

from .models import Alert, AlertKind, AlertStatus


def _audit(action: str, alert: Alert, by, purpose: str, **detail) -> None:
    audit.record(
        action, actor=by, obj=alert, person=alert.person_id, purpose=purpose, detail=detail
    )


def raise_alert(
    *,
    kind: str,
    key: str,
    zone_id: int,
    title: str,
    person_id=None,
    household_id=None,
    severity: str = "medium",
    detail: dict | None = None,
    by=None,
) -> tuple[Alert, bool]:
    """The alert for this situation, created unless it was ever raised (even if resolved)."""
    existing = Alert.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=kind,
                key=key,
                zone_id=zone_id,
                title=title[:300],
                person_id=person_id,
                household_id=household_id,
                severity=severity,
                detail=detail or {},
            )
    except IntegrityError:  # raised meanwhile by another worker
        return Alert.objects.get(key=key), False
    if by is not None:
        _audit("create", alert, by, _("alert raised"))
    return alert, True


def raise_new(candidates: list[Alert]) -> int:
    """Save, in one go, the unsaved alerts whose situation was never raised; returns how many
    (a screening's indicator matches, many at a time)."""
    keys = [alert.key for alert in candidates]
    known = set(Alert.objects.filter(key__in=keys).values_list("key", flat=True))
    new = [alert for alert in candidates if alert.key not in known]
    Alert.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def visible(user):
    """The alerts of the zones the user works in (operators, social workers, zone admins)."""
    scope = scoping.scope_for(user)
    if scope.unrestricted:
        return Alert.objects.all()
    return Alert.objects.filter(zone__in=scope.zone_ids)


def assign(alert: Alert, *, to, by) -> Alert:
    alert.assigned_to = to
    if alert.status == AlertStatus.OPEN:
        alert.status = AlertStatus.IN_PROGRESS
    alert.save(update_fields=["assigned_to", "status"])
    _audit("update", alert, by, _("alert assigned"), assigned_to=to.get_username() if to else "")
    return alert


def resolve(alert: Alert, *, reason: str, by) -> Alert:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"resolution": _("Say why the alert is resolved.")})
    if alert.status == AlertStatus.RESOLVED:
        raise ValidationError({"resolution": _("The alert is already resolved.")})
    alert.status = AlertStatus.RESOLVED
    alert.resolution = reason
    alert.resolved_by = by
    alert.resolved_at = timezone.now()
    alert.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    _audit("update", alert, by, _("alert resolved"), resolution=reason)
    return alert


def record_need(alert: Alert, *, by):
    """Confirm a latent need: note it as a detected need of the person (on their open case in
    the zone, if any), so the unmet-need check follows it, and resolve the alert."""
    from siso_platform.casework import actions
    from siso_platform.casework.models import Case, NeedCategory, NeedOrigin

    if alert.kind != AlertKind.LATENT_NEED or alert.person_id is None:
        raise ValidationError(_("Only a latent need about a person can be recorded as a need."))
    case = Case.objects.open().filter(person_id=alert.person_id, zone_id=alert.zone_id).first()
    need = actions.add_need(
        by=by,
        category=NeedCategory.objects.get(code=alert.detail["need_category"]),
        origin=NeedOrigin.DETECTED,
        case=case,
        person=alert.person,
        notes=alert.title,
        detected_by=alert.detail.get("indicator", ""),
    )
    resolve(alert, reason=_("Recorded as a detected need."), by=by)
    return need


def viewed(alert: Alert, *, by) -> None:
    _audit("view", alert, by, _("alert"))
