"""The regional catalogues seeded at install: need categories, interventions, and INPS's table
of social benefits the interventions are mapped to for the national feed (SIUSS).

The interventions' rows follow the structure of the national nomenclature of social
interventions and services (CISIS 2013: access, home, day-centre, residential and
income-support services); the region edits, adds and retires entries in the admin afterwards.
Loading is idempotent by code and never touches an entry the region has since changed or
retired.
"""

import csv
from pathlib import Path

from . import rules

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

    The INPS codes (`catalogue_siuss.csv`) are codes of INPS's table of social benefits
    (`inps_benefits.csv`, from `data/SOURCES.md`), not the items' own codes: the catalogue's
    codes follow the CISIS 2013 nomenclature, while INPS numbers its benefits A1.xx (cash),
    A2.xx (services), A3.xx (facilities) and Z9.99. Only an item whose meaning clearly matches
    a row of that table is mapped; every other item is left without a code, so its benefits
    wait on the SIUSS worklist until the region maps it (E1.06, the Assegno di inclusione, is
    INPS's own benefit and no ente sends it). The table comes from a third party's copy of
    INPS's older list: the region checks the table and the mapping against INPS's current
    "tabella prestazioni" (INPS's SIUSS technical specifications, www.inps.it) before its
    first flow is sent, and adds the codes INPS has added since (A1.21-A1.23, A2.13-A2.29,
    A3.04, A1.05.01...) in the admin (Catalogues > INPS benefits).
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


def load_inps_benefits(InpsBenefit) -> int:
    """Add the rows of INPS's benefit table that are missing; returns how many were added. A
    row the region has since renamed or retired is kept."""
    added = 0
    for row in _rows("inps_benefits.csv"):
        _, created = InpsBenefit.objects.get_or_create(code=row["code"], defaults=row)
        added += created
    return added


def remap_inps_codes(CatalogueItem, InpsBenefit) -> int:
    """Correct the INPS codes of the first seed, which sent each item's own code (A1.01 is
    "Segretariato sociale" here, "Assegno per il nucleo familiare" at INPS; B1.01 is no INPS
    code at all). A seeded item still holding its own code gets the mapping of
    `catalogue_siuss.csv`, or none; an item the region mapped otherwise is kept, and its code,
    when missing from INPS's table, is added to it as not in use, for the region to check (so
    that the item keeps it and no other item is offered it). Then every item's INPS name
    follows the table. Returns how many items were remapped.

    Takes the model classes, so a data migration can pass its historical models.
    """
    load_inps_benefits(InpsBenefit)
    mapping = {row["code"]: row["inps_code"] for row in _rows("catalogue_siuss.csv")}
    remapped = 0
    for item in CatalogueItem.objects.filter(code__in=list(mapping)).order_by("code"):
        if item.inps_code and item.inps_code == item.code:
            item.inps_code = mapping[item.code]
            item.inps_name = ""
            item.save(update_fields=["inps_code", "inps_name"])
            remapped += 1
    table = set(InpsBenefit.objects.values_list("code", flat=True))
    for item in CatalogueItem.objects.exclude(inps_code="").order_by("code"):
        if item.inps_code not in table:
            InpsBenefit.objects.create(
                code=item.inps_code, name=item.inps_name or item.name, active=False
            )
            table.add(item.inps_code)
    follow_inps_table(CatalogueItem, InpsBenefit)
    return remapped


def follow_inps_table(CatalogueItem, InpsBenefit, codes=None) -> int:
    """Give the items mapped to `codes` (all when None) their INPS name from the table, so
    nobody types it twice; returns how many items changed."""
    changed = 0
    benefits = InpsBenefit.objects.all()
    if codes is not None:
        benefits = benefits.filter(code__in=codes)
    for benefit in benefits:
        changed += (
            CatalogueItem.objects.filter(inps_code=benefit.code)
            .exclude(inps_name=rules.inps_name_of(benefit.name))
            .update(inps_name=rules.inps_name_of(benefit.name))
        )
    return changed
