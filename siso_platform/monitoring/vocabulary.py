"""The words of the rule editor: the household fact sheet's documented names as the condition
builder (`forms/static/forms/condition-builder.js`) offers them, with their Italian labels,
their kind (number, amount, yes/no, a choice among codes) and their unit.

The facts of the whole household are offered as they are, and lists of codes ("interventions
running", "open needs' categories") as a choice of several. Lists of records (members,
rentals...) are offered as `{name, label, type: "list", item_label: {one, some}, items}`:
the builder writes "almeno un componente tale che: Età ≥ 65" as `some` over the list (inside
it, `{"var": "age"}` is the item's field) and "numero di componenti" as a `reduce` that counts.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from siso_platform.casework.models import (
    Area,
    CatalogueItem,
    InterventionKind,
    NeedCategory,
    NeedOrigin,
    NeedStatus,
)
from siso_platform.people.models import Relation, Sex
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

# The lists of records (fact_sheet.FIELDS' "list" of items), what one item and several are
# called ("almeno un componente", "numero di componenti"), and the item fields offered
# inside a quantifier with the builder's kind; their labels are `list.N.field` in LABELS.
LISTS = [
    (
        "members",
        (_("household member"), _("household members")),
        [
            ("age", "integer"),
            ("sex", "choice"),
            ("relation", "choice"),
            ("minor", "boolean"),
            ("disabled", "boolean"),
            ("invalidity_percent", "decimal"),
            ("accompanying_allowance", "boolean"),
            ("dependent", "boolean"),
            ("income_total", "decimal"),
        ],
    ),
    (
        "rentals",
        (_("rental contract"), _("rental contracts")),
        [
            ("yearly_rent", "decimal"),
            ("start", "date"),
            ("end", "date"),
            ("days_to_end", "integer"),
        ],
    ),
    (
        "property",
        (_("property unit"), _("property units")),
        [("category", "text"), ("share", "decimal"), ("cadastral_value", "decimal")],
    ),
    (
        "local_taxes",
        (_("local tax"), _("local taxes")),
        [("tax", "text"), ("year", "integer"), ("arrears", "decimal")],
    ),
    (
        "interventions",
        (_("running intervention"), _("running interventions")),
        [
            ("item", "choice"),
            ("category", "choice"),
            ("area", "choice"),
            ("kind", "choice"),
            ("starts_on", "date"),
            ("ends_on", "date"),
            ("amount", "decimal"),
        ],
    ),
    (
        "open_cases",
        (_("open case file"), _("open case files")),
        [("zone", "choice"), ("opened_on", "date")],
    ),
    (
        "needs",
        (_("open need"), _("open needs")),
        [("category", "choice"), ("origin", "choice"), ("status", "choice"), ("noted_on", "date")],
    ),
]
# An item field whose codes are those of a household fact: the same choices.
_SAME_CHOICES = {
    "interventions.N.item": "intervention_items",
    "interventions.N.category": "intervention_categories",
    "interventions.N.area": "intervention_areas",
    "interventions.N.kind": "intervention_kinds",
    "needs.N.category": "need_categories",
    "open_cases.N.zone": "household.zone",
}


def _options(pairs) -> list[dict]:
    return [{"value": value, "label": str(label)} for value, label in pairs]


def _choices(name: str) -> list[dict] | None:
    name = _SAME_CHOICES.get(name, name)
    if name == "members.N.sex":
        return _options(Sex.choices)
    if name == "members.N.relation":
        return _options(Relation.choices)
    if name == "needs.N.origin":
        return _options(NeedOrigin.choices)
    if name == "needs.N.status":
        return _options((value, label) for value, label in NeedStatus.choices if value != "closed")
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


def _term(name: str, documented: str, kind: str) -> dict:
    """One word of the vocabulary; `documented` is its name in LABELS, AMOUNTS and UNITS."""
    term = {"name": name, "label": str(LABELS[documented]), "type": kind}
    choices = _choices(documented)
    if choices is not None:
        term["choices"] = choices
    if documented in AMOUNTS:
        term["unit"] = "€"
    elif documented in UNITS:
        term["unit"] = str(UNITS[documented])
    return term


def vocabulary() -> list[dict]:
    """`[{name, label, type, choices?, unit?}]` in the active language, then the lists of
    records as `{name, label, type: "list", item_label: {one, some}, items: [...]}`."""
    terms = [_term(name, name, kind) for name, kind in OFFERED]
    for name, (one, some), fields in LISTS:
        items = [_term(field, f"{name}.N.{field}", kind) for field, kind in fields]
        terms.append(
            {
                "name": name,
                "label": str(LABELS[name]),
                "type": "list",
                "item_label": {"one": str(one), "some": str(some)},
                "items": items,
            }
        )
    return terms


def names() -> set[str]:
    return {name for name, _kind in OFFERED} | {name for name, _words, _fields in LISTS}
