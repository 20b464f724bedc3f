"""The regional catalogues seeded at install: need categories and interventions.

Rows follow the structure of the national nomenclature of social interventions and services
(CISIS 2013: access, home, day-centre, residential and income-support services); the region
edits, adds and retires entries in the admin afterwards. Loading is idempotent by code and
never touches an entry the region has since changed or retired.
"""

import csv
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(NeedCategory, CatalogueItem) -> tuple[int, int]:
    """Add the missing entries; returns how many categories and items were added.

    Takes the model classes, so a data migration can pass its historical models.
    """
    added_categories = added_items = 0
    for row in _rows("need_categories.csv"):
        _, created = NeedCategory.objects.get_or_create(code=row.pop("code"), defaults=row)
        added_categories += created
    categories = {category.code: category for category in NeedCategory.objects.all()}
    for row in _rows("catalogue.csv"):
        row["need_category"] = categories[row["need_category"]]
        _, created = CatalogueItem.objects.get_or_create(code=row.pop("code"), defaults=row)
        added_items += created
    return added_categories, added_items
