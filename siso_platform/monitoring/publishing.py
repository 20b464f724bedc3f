"""Programmes and indicators in effect, and sharing them as files; publishing is the
definition core's."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from definitions import documents
from definitions.documents import ImportRefused
from definitions.publishing import (  # noqa: F401  (the one implementation, for callers)
    PublishRefused,
    current,
    freeze,
    freeze_on_publish,
    publish,
)

from .models import Indicator, IndicatorVersion, Programme, ProgrammeVersion, RuleDefinition

EXPORT_FORMAT = "siso-rule/1"


def programmes_in_effect(on: datetime.date, *, zone_id: int | None = None):
    """The newest published version of every programme valid on `on` (in the zone, if
    given: regional programmes and that zone's own)."""
    found = []
    for version in ProgrammeVersion.objects.newest_published():
        snap = version.snapshot
        if snap["starts_on"] > on.isoformat() or (snap["ends_on"] or "9999") < on.isoformat():
            continue
        if zone_id is not None and snap["zone"] not in (None, zone_id):
            continue
        found.append(version)
    return found


def indicators_in_effect(*, zone_id: int | None = None):
    return [
        version
        for version in IndicatorVersion.objects.newest_published()
        if zone_id is None or version.snapshot["zone"] in (None, zone_id)
    ]


# --- files -------------------------------------------------------------------------------

KINDS = {"programme": Programme, "indicator": Indicator}


def document(definition: RuleDefinition) -> dict:
    definition = definition.get_latest_revision_as_object()
    kind = "programme" if isinstance(definition, Programme) else "indicator"
    doc = {
        "format": EXPORT_FORMAT,
        "kind": kind,
        "slug": definition.slug,
        "title": definition.title,
        "description": definition.description,
        "rule": definition.rule,
    }
    if kind == "programme":
        doc.update(
            item=definition.item.code,
            starts_on=definition.starts_on.isoformat(),
            ends_on=definition.ends_on.isoformat() if definition.ends_on else None,
        )
        if definition.amount is not None:  # older files have none: both stay readable
            doc.update(amount=f"{definition.amount:.2f}", amount_period=definition.amount_period)
    else:
        doc.update(
            need_category=definition.need_category.code,
            severity=definition.severity,
            message=definition.message,
        )
    return doc


def to_json(definition: RuleDefinition) -> str:
    return json.dumps(document(definition), ensure_ascii=False, indent=2)


def read(content: str | bytes) -> dict:
    doc = documents.read(
        content,
        format=EXPORT_FORMAT,
        not_this=_("The file is not a rule export (%s)."),
        required=("slug", "title", "rule"),
    )
    if doc.get("kind") not in KINDS:
        raise ImportRefused(_("The file's “kind” is neither programme nor indicator."))
    return doc


def _amount(value) -> Decimal | None:
    """A file's amount: a number or a text such as "250.00"; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(_("the amount “%(value)s” is not a number") % {"value": value})
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(_("the amount “%(value)s” is not a number") % {"value": value}) from None


def save(doc: dict, *, owner, user=None, publish_now: bool = False) -> RuleDefinition:
    """Create or update a definition from a document, as a draft revision (or published)."""
    from siso_platform.casework.models import CatalogueItem, NeedCategory

    model = KINDS[doc["kind"]]
    definition = model.objects.filter(slug=doc["slug"]).first() or model(
        slug=doc["slug"], owner=owner, live=False
    )
    definition.title = doc["title"]
    definition.description = doc.get("description", "")
    definition.rule = doc["rule"]
    try:
        if model is Programme:
            definition.item = CatalogueItem.objects.get(code=doc["item"])
            definition.starts_on = datetime.date.fromisoformat(doc["starts_on"])
            ends_on = doc.get("ends_on")
            definition.ends_on = datetime.date.fromisoformat(ends_on) if ends_on else None
            definition.amount = _amount(doc.get("amount"))
            definition.amount_period = doc.get("amount_period") or ""
        else:
            definition.need_category = NeedCategory.objects.get(code=doc["need_category"])
            definition.severity = doc.get("severity", "medium")
            definition.message = doc["message"]
    except (KeyError, ValueError, CatalogueItem.DoesNotExist, NeedCategory.DoesNotExist) as e:
        raise ImportRefused(
            _("The file's %(kind)s is incomplete: %(error)s") % {"kind": doc["kind"], "error": e}
        ) from None
    definition.full_clean(exclude=["owner"] if definition.pk else None)
    if definition.pk is None:
        definition.save()
    revision = definition.save_revision(user=user)
    if publish_now:
        revision.publish(user=user, skip_permission_checks=True)
    return definition
