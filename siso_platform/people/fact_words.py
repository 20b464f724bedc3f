"""A fact's value in words, as the record and its prints show it: "ISEE: € 4.500,00",
"Contract's yearly rent: € 7.200,00; From: 01/03/2024", never `yearly_rent: 7200`.

The keys are those the imports (imports/drivers), the questionnaires (people/form_hooks) and
the demo write; a key not listed here still shows, by its own name.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siso_platform.italian import euro, number

LABELS = {
    "isee": gettext_lazy("ISEE"),
    "yearly_rent": gettext_lazy("yearly rent"),
    "monthly_rent": gettext_lazy("monthly rent"),
    "start": gettext_lazy("from"),
    "end": gettext_lazy("to"),
    "since": gettext_lazy("since"),
    "address": gettext_lazy("address"),
    "owner_tax_code": gettext_lazy("owner's tax code"),
    "tax": gettext_lazy("tax"),
    "year": gettext_lazy("year"),
    "due": gettext_lazy("amount due"),
    "paid": gettext_lazy("paid"),
    "arrears": gettext_lazy("arrears"),
    "category": gettext_lazy("cadastral category"),
    "share": gettext_lazy("share owned (%)"),
    "cadastral_value": gettext_lazy("cadastral value"),
    "employment": gettext_lazy("employment income"),
    "self_employment": gettext_lazy("self-employment income"),
    "pension": gettext_lazy("pension"),
    "property": gettext_lazy("property income"),
    "other": gettext_lazy("other income"),
    "civil_invalidity_percent": gettext_lazy("civil invalidity (%)"),
    "accompanying_allowance": gettext_lazy("accompanying allowance"),
    "size": gettext_lazy("people declared"),
    "citizenship_kind": gettext_lazy("citizenship"),
}
AMOUNTS = frozenset(
    {
        "isee",
        "yearly_rent",
        "monthly_rent",
        "due",
        "paid",
        "arrears",
        "cadastral_value",
        "employment",
        "self_employment",
        "pension",
        "property",
        "other",
    }
)
CHOICES = {
    "citizenship_kind": {
        "italian": gettext_lazy("Italian (citizenship)"),
        "eu": gettext_lazy("EU (citizenship)"),
        "non_eu": gettext_lazy("non-EU (citizenship)"),
    },
}


def _item(key: str, value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None or value == "":
        return "—"
    if key in AMOUNTS:
        return euro(value)
    if key in CHOICES:
        return str(CHOICES[key].get(value, value))
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, list):
        return ", ".join(_item(key, item) for item in value)
    return str(value)


def describe(value) -> str:
    """The whole value, as one line: "ISEE: € 4.500,00" or "yearly rent: € 7.200,00; from: …"."""
    if not isinstance(value, dict):
        return _item("", value)
    return "; ".join(
        f"{LABELS.get(key, key.replace('_', ' '))!s}: {_item(key, item)}"
        for key, item in value.items()
    )
