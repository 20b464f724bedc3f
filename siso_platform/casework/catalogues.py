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


def load_siuss(CatalogueItem) -> int:
    """Fill what the national feed (SIUSS) needs on the seeded items that do not have it yet:
    the INPS benefit code, the means test, the character, the ISEE threshold, the cost of an
    hour or day. Returns how many items were filled; an item the region has mapped is kept.

    Source of the INPS codes: the seeded catalogue's codes follow the structure of the CISIS
    2013 interregional nomenclature of social interventions and services, on which INPS's
    nomenclature of social benefits for SIUSS (the "tabella prestazioni" of INPS's SIUSS
    technical specifications, www.inps.it, "SIUSS (ex Casellario dell'assistenza) - Specifiche
    tecniche") is built; the seed takes each item's code as its INPS code. INPS's current
    table was not available to check them one by one: a region verifies them in the admin
    (Intervention catalogue) before its first flow is sent. A3.02 is left unmapped on purpose,
    so that the demo shows a benefit waiting on the worklist for its code; E1.06 too (the
    Assegno di inclusione is INPS's own benefit: no ente sends it).
    The ISEE thresholds and hourly or daily costs are demo values of the regional catalogue.
    """
    filled = 0
    for row in _rows("catalogue_siuss.csv"):
        updated = CatalogueItem.objects.filter(
            code=row["code"], inps_code="", means_test="", benefit_character=""
        ).update(
            inps_code=row["inps_code"],
            means_test=row["means_test"],
            benefit_character=row["benefit_character"],
            isee_threshold=row["isee_threshold"] or None,
            unit_cost=row["unit_cost"] or None,
        )
        filled += updated
    return filled
