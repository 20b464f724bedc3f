"""The words of the rule editor: the household fact sheet's documented names as the condition
builder (`forms/static/forms/condition-builder.js`) offers them, with their Italian labels,
their kind (number, amount, yes/no, a choice among codes) and their unit.

Only names a condition can compare directly are offered: the facts of the whole household,
and lists of codes ("interventions running", "open needs' categories") as a choice of several.
Lists of records (members, rentals...) are read through `some`/`all`/`none`, which the
builder does not write; such rules stay editable as JSON Logic in the builder's raw view.
"""

from __future__ import annotations

from siso_platform.casework.models import Area, CatalogueItem, InterventionKind, NeedCategory
from siso_platform.territory.models import Municipality, SocialZone

from .fact_sheet import AMOUNTS, LABELS, UNITS

# The documented names offered, in the order the editor lists them, and the builder's kind.
OFFERED = [
    ("isee", "decimal"),
    ("isee_year", "text"),
    ("income.total", "decimal"),
    ("income.year", "integer"),
    ("rent_yearly", "decimal"),
    ("local_tax_arrears", "decimal"),
    ("size", "integer"),
    ("minors", "integer"),
    ("over_65", "integer"),
    ("over_75", "integer"),
    ("disabled_members", "integer"),
    ("dependent_members", "integer"),
    ("household.zone", "choice"),
    ("household.municipality", "choice"),
    ("intervention_items", "multichoice"),
    ("intervention_categories", "multichoice"),
    ("intervention_areas", "multichoice"),
    ("intervention_kinds", "multichoice"),
    ("need_categories", "multichoice"),
]


def _options(pairs) -> list[dict]:
    return [{"value": value, "label": str(label)} for value, label in pairs]


def _choices(name: str) -> list[dict] | None:
    if name == "household.zone":
        return _options((zone.pk, str(zone)) for zone in SocialZone.objects.order_by("number"))
    if name == "household.municipality":
        found = Municipality.objects.order_by("name").values_list("istat_code", "name")
        return _options(found)
    if name == "intervention_items":
        items = CatalogueItem.objects.order_by("code").values_list("code", "name")
        return _options((code, f"{code} {label}") for code, label in items)
    if name in ("intervention_categories", "need_categories"):
        return _options(NeedCategory.objects.order_by("name").values_list("code", "name"))
    if name == "intervention_areas":
        return _options(Area.choices)
    if name == "intervention_kinds":
        return _options(InterventionKind.choices)
    return None


def vocabulary() -> list[dict]:
    """`[{name, label, type, choices?, unit?}]` in the active language."""
    terms = []
    for name, kind in OFFERED:
        term = {"name": name, "label": str(LABELS[name]), "type": kind}
        choices = _choices(name)
        if choices is not None:
            term["choices"] = choices
        if name in AMOUNTS:
            term["unit"] = "€"
        elif name in UNITS:
            term["unit"] = str(UNITS[name])
        terms.append(term)
    return terms


def names() -> set[str]:
    return {name for name, _kind in OFFERED}
